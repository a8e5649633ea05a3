"""Caps on what reading one report file may cost, checked before the costly part of reading.

A real report is at most about 100 pages and 300,000 characters. A file far past that is a
mistake or an attack, and the readers' costs grow much faster than the file: a 3 MB .docx
whose document.xml inflates to 1 GB took the web app from 1 GB to 10 GB RSS, lxml keeps
10-14 bytes per byte of XML it parses, and pdfplumber about 2 KB per character. So each cap
is checked where it is cheap: a zip's declared sizes before anything is inflated, then the
inflated bytes counted as they stream past in small chunks; a PDF's pages and characters
counted by PDFium (C, a few MB) before pdfplumber builds its objects; a text's characters
right after decoding. Every refusal names the file and the cap.
"""
from __future__ import annotations

import io
import re
import threading
import zipfile
from dataclasses import dataclass

from index.report import ReportError


@dataclass(frozen=True)
class FileLimits:
    """The caps a person may want to change; field names are the settings' names."""

    max_unzipped_mb: int = 100  # GIA_MAX_UNZIPPED_MB: a .docx inflated, images included
    max_pdf_pages: int = 2000  # GIA_MAX_PDF_PAGES
    max_text_chars: int = 2_000_000  # GIA_MAX_TEXT_CHARS: text read from any file


DEFAULT_LIMITS = FileLimits()

# A single part of a .docx: the heaviest real document.xml is a few MB, and lxml parses 20 MB
# of XML into 200-300 MB.
ZIP_MEMBER_MB = 20
# Real parts compress about 10-35:1, a 1,500-row table of empty cells 155:1; paragraphs repeated
# by the million, 343:1 as Word-style zips write them (158:1 at the fastest level, which the size
# caps catch). A part over 4 MB this compressible is refused without inflating a byte.
ZIP_RATIO = 200
_RATIO_FROM_BYTES = 4 * 2**20
# Paragraphs and table cells: a real report has a few thousand, and each becomes a line to embed.
MAX_ELEMENTS = 100_000
# A dense A4 page holds about 3,000 characters; pdfplumber takes 100 MB and seconds for 50,000.
PDF_PAGE_CHARS = 50_000
# A web page's markup around its text: a page may be this many times max_text_chars before parsing.
HTML_MARKUP_ALLOWANCE = 4

_CHUNK = 2**20
# The start tags of WordprocessingML paragraphs and table cells, as Word, WPS and LibreOffice write them.
_ELEMENT_TAG = re.compile(rb"<w:(?:p|tc)[\s/>]")
_LONGEST_TAG = 6

# PDFium is not thread-safe; the web app may read two uploads at once.
pdfium_lock = threading.Lock()


def _bomb(source: str, what: str, cap_mb: int, setting: str = "") -> ReportError:
    return ReportError(f"{source}: {what}解压后超过 {cap_mb} MB{setting},疑似压缩炸弹,已拒绝")


# --- zip (.docx) --------------------------------------------------------------------

def check_zip(data: bytes, source: str, limits: FileLimits) -> None:
    """Refuse a zip that inflates past the caps, first by what its directory declares (no
    inflating at all), then by what it really inflates to, member by member in 1 MB chunks.
    A damaged zip raises zipfile.BadZipFile for the caller to name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        _check_declared(members, source, limits)
        _check_inflated(archive, members, source, limits)


def _check_declared(members: list[zipfile.ZipInfo], source: str, limits: FileLimits) -> None:
    for info in members:
        if info.file_size > ZIP_MEMBER_MB * 2**20:
            raise _bomb(source, f"DOCX 中的 {info.filename} ", ZIP_MEMBER_MB)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FROM_BYTES and ratio > ZIP_RATIO:
            raise ReportError(f"{source}: DOCX 中的 {info.filename} 压缩比 {ratio:.0f}:1,"
                              f"超过 {ZIP_RATIO}:1,疑似压缩炸弹,已拒绝")
    if sum(info.file_size for info in members) > limits.max_unzipped_mb * 2**20:
        raise _bomb(source, "DOCX ", limits.max_unzipped_mb, "(GIA_MAX_UNZIPPED_MB)")


def _check_inflated(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], source: str,
                    limits: FileLimits) -> None:
    """Declared sizes may lie, so the bytes are counted as they come, against a budget for the
    whole file and one per member. (CPython's zipfile itself stops at the declared size and then
    fails the CRC; the count does not rely on that.) Paragraphs and cells are counted in the XML
    on the way, so a document of a million tiny paragraphs is refused before lxml builds its tree."""
    budget = limits.max_unzipped_mb * 2**20
    elements = 0
    for info in members:
        inflated = 0
        counting = info.filename.endswith(".xml")
        tail = b""
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                inflated += len(chunk)
                budget -= len(chunk)
                if inflated > ZIP_MEMBER_MB * 2**20:
                    raise _bomb(source, f"DOCX 中的 {info.filename} ", ZIP_MEMBER_MB)
                if budget < 0:
                    raise _bomb(source, "DOCX ", limits.max_unzipped_mb, "(GIA_MAX_UNZIPPED_MB)")
                if counting:
                    elements += _new_tags(tail, chunk)
                    tail = chunk[-(_LONGEST_TAG - 1):]
                if elements > MAX_ELEMENTS:
                    raise ReportError(f"{source}: DOCX 的段落和表格单元格超过 {MAX_ELEMENTS:,} 个,"
                                      f"远超一份年度报告,已拒绝")


def _new_tags(tail: bytes, chunk: bytes) -> int:
    """Tags in `chunk`, those cut by the chunk boundary included: a tag ending inside `tail`
    (the end of the chunk before) was counted with that chunk."""
    return sum(1 for match in _ELEMENT_TAG.finditer(tail + chunk) if match.end() > len(tail))


# --- PDF ----------------------------------------------------------------------------

def check_pdf(data: bytes, source: str, limits: FileLimits) -> None:
    """Refuse a PDF past the page cap or the character caps, counted by PDFium page by page
    and stopping at the first cap passed: 100,000 blank pages are refused in under a quarter
    of a second, where pdfplumber would read them for many minutes."""
    import pypdfium2 as pdfium  # loaded only when a PDF is read, as pdfplumber is

    with pdfium_lock:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ReportError(f"{source}: PDF 文件损坏或无法解析({type(exc).__name__}: {exc})") from exc
        try:
            _check_pages(document, source, limits)
        finally:
            document.close()


def _check_pages(document, source: str, limits: FileLimits) -> None:
    pages = len(document)
    if pages > limits.max_pdf_pages:
        raise ReportError(f"{source}: PDF 有 {pages:,} 页,"
                          f"超过上限 {limits.max_pdf_pages:,} 页(GIA_MAX_PDF_PAGES),已拒绝")
    total = 0
    for index in range(pages):
        chars = _page_chars(document, index)
        if chars > PDF_PAGE_CHARS:
            raise ReportError(f"{source}: PDF 第 {index + 1} 页有 {chars:,} 个字符,"
                              f"超过每页上限 {PDF_PAGE_CHARS:,},已拒绝")
        total += chars
        if total > limits.max_text_chars:
            raise _too_much_text(source, limits)


def _page_chars(document, index: int) -> int:
    page = document[index]
    try:
        text = page.get_textpage()
        try:
            return text.count_chars()
        finally:
            text.close()
    finally:
        page.close()


# --- text ---------------------------------------------------------------------------

def _too_much_text(source: str, limits: FileLimits) -> ReportError:
    return ReportError(f"{source}: 文字超过 {limits.max_text_chars:,} 个字符(GIA_MAX_TEXT_CHARS),"
                       f"远超一份年度报告,已拒绝")


def check_text(length: int, source: str, limits: FileLimits, allowance: int = 1) -> None:
    """`length` characters of decoded text (times `allowance` for a web page's markup)."""
    if length > limits.max_text_chars * allowance:
        raise _too_much_text(source, limits)
