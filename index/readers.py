"""Read a report file of any supported format into canonical lines (see index.layout).

Every reader yields narrative lines as they read and each table row as its cells joined
by " | ", a merged cell repeated into every position it covers, so the same report
parses to the same indicators whether it was published as text, HTML, PDF or DOCX.
"""
from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import docx
import lxml.html
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from index.file_limits import (DEFAULT_LIMITS, HTML_MARKUP_ALLOWANCE, MAX_ELEMENTS, FileLimits, check_pdf,
                                check_text, check_zip)
from index.layout import CELL_SEPARATOR, normalize_text
from index.ocr_cache import cached
from index.report import ReportError

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
SUPPORTED = ".txt .html .htm .pdf .docx .png .jpg .jpeg"
# Notepad's "Unicode" is UTF-16 with a byte-order mark; UTF-32 marks are tested first as they start alike.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_GB_NAMES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}
# Encodings a file that is not Chinese GB text is likely in, with the names people know them by;
# the Windows code pages are the supersets those files are really written in.
_FOREIGN = (("cp950", "Big5"), ("cp932", "Shift-JIS"))
_SAMPLE_CHARS = 20_000  # non-ASCII characters looked at to judge a GB18030 decoding
_MIN_SAMPLE = 50  # fewer than this and there is nothing to judge: the decoding is kept
_GB2312_SHARE = 0.9  # real reports: over 99%; Big5 read as GBK: about 40%; Shift-JIS: none

_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP(含 DOCX)"),
    (b"\xd0\xcf\x11\xe0", "旧版 Office 文档(.doc/.xls),请另存为 .docx"),
    (b"MZ", "Windows 可执行文件"),
    (b"\x7fELF", "ELF 可执行文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
)
_EXPECTED_MAGIC = {".pdf": "PDF", ".docx": "ZIP(含 DOCX)", ".png": "PNG 图片", ".jpg": "JPEG 图片", ".jpeg": "JPEG 图片"}

# Layout spaces (HTML source line breaks, PDF glyph gaps, a wrapped cell) between Chinese
# characters or punctuation are not in the text; spaces between Latin words are.
_WIDE = r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’()\[\],.:;!?、]"
_WIDE_GAP = re.compile(rf"(?<={_WIDE})\s+(?={_WIDE})")
_SPACES = re.compile(r"\s+")


def decode_bytes(data: bytes, source: str) -> str:
    """UTF-8 first, then GB18030 (a superset of GBK/GB2312, common in government files); UTF-16/32 by their BOM."""
    marked = next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)
    if marked:
        try:
            return data.decode(marked)
        except UnicodeDecodeError as exc:
            raise ReportError(f"{source}: 文件标明是 {marked.upper()} 编码,但内容无法按它解码") from exc
    if b"\x00" in data[:4096]:
        raise ReportError(f"{source}: 不是文本文件(含二进制内容)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _decode_gb(data, source)


def _decode_gb(data: bytes, source: str) -> str:
    """GB18030 decodes almost any bytes, so its reading is kept only when it gives the characters
    Chinese is written in; otherwise the file is refused naming the encoding it seems to be in,
    which tells the person what to do where "not a report" would not."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text):
        return text
    foreign = _foreign_encoding(data)
    if foreign:
        raise ReportError(f"{source}: 文件编码似乎是 {foreign},请另存为 UTF-8 或 GBK 后再导入")
    raise ReportError(f"{source}: 无法识别文件编码(既不是 UTF-8 也不是 GBK)")


def _reads_as_chinese(text: str) -> bool:
    """Nearly all of a Chinese text's non-ASCII characters lie in GB2312's area of GBK (common
    hanzi, punctuation, full-width forms); Big5 or Shift-JIS bytes read as GBK land largely on
    rare hanzi and user-defined codes outside it."""
    sample = [ch for ch in text[:10 * _SAMPLE_CHARS] if ord(ch) > 0x7F][:_SAMPLE_CHARS]
    if len(sample) < _MIN_SAMPLE:
        return True
    common = sum(count for ch, count in Counter(sample).items() if _in_gb2312(ch))
    return common >= _GB2312_SHARE * len(sample)


def _in_gb2312(ch: str) -> bool:
    """Two GBK bytes in GB2312's rows: both bytes from 0xA1, the first at most 0xF7, less the
    empty rows 0xAA-0xAF."""
    encoded = ch.encode("gb18030")
    return (len(encoded) == 2 and 0xA1 <= encoded[0] <= 0xF7 and encoded[1] >= 0xA1
            and not 0xAA <= encoded[0] <= 0xAF)


def _foreign_encoding(data: bytes) -> str | None:
    for encoding, name in _FOREIGN:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return name
    return None


def tidy(text: str) -> str:
    """One line of text from a cell or a rendered paragraph: NFKC, layout spaces dropped."""
    text = normalize_text(text)
    return _SPACES.sub(" ", _WIDE_GAP.sub("", text)).strip()


def table_line(cells: list[str]) -> str:
    """Canonical row; a '|' inside a cell would split it, so it is written as '/'."""
    return " ".join(f"{cell.replace(CELL_SEPARATOR, '/')} {CELL_SEPARATOR}" for cell in cells)


def narrative_line(text: str) -> str:
    """A line known to be prose must not read as a table row."""
    return text.replace(CELL_SEPARATOR, "/")


def table_lines(rows: list[list[str]]) -> list[str]:
    """Rows of equal width → canonical lines; a one-column (layout) table is just text."""
    rows = [row for row in rows if any(row)]
    if max((len(row) for row in rows), default=0) < 2:
        return [narrative_line(cell) for row in rows for cell in row if cell]
    width = max(len(row) for row in rows)
    return [table_line(row + [""] * (width - len(row))) for row in rows]


def _check_content(data: bytes, suffix: str, source: str) -> None:
    """The bytes must be what the name says: a renamed .exe or .doc fails here, by name."""
    found = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if suffix == ".pdf" and b"%PDF-" in data[:1024]:
        return
    expected = _EXPECTED_MAGIC.get(suffix)
    if expected and found != expected:
        raise ReportError(f"{source}: 文件内容不是 {suffix[1:].upper()}({found or '未知格式'})")
    if not expected and found:
        raise ReportError(f"{source}: 文件内容是{found},不是文本或网页")


# --- text ---------------------------------------------------------------------------

def _read_text(data: bytes, source: str, limits: FileLimits) -> list[str]:
    text = decode_bytes(data, source)
    check_text(len(text), source, limits)
    return normalize_text(text).split("\n")


# --- HTML ---------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "br", "hr", "section", "article",
               "header", "footer", "main", "nav", "aside", "blockquote", "pre", "center", "dl", "dt", "dd", "form",
               "address", "figure", "figcaption", "caption", "table", "tr", "td", "th"}
_SKIP_TAGS = {"head", "script", "style", "noscript", "template", "iframe", "object", "select", "button"}
_MAX_SPAN = 1000


def _decode_html(data: bytes, source: str) -> str:
    """The declared charset when it decodes; pages often declare one and are saved in another.
    A page declared GB is read as a text file is: GB18030 decodes any bytes, so only the
    characters it gives tell whether the page really is GB."""
    match = _META_CHARSET.search(data[:4096])
    name = match.group(1).decode("ascii").lower() if match else None
    if name and name not in _GB_NAMES:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data, source)


def _span(cell: etree._Element, name: str, rows_left: int) -> int:
    """rowspan/colspan as browsers read them: junk is 1, rowspan=0 runs to the table's end."""
    try:
        value = int(cell.get(name, "1").strip())
    except ValueError:
        return 1
    if value == 0 and name == "rowspan":
        return rows_left
    return min(max(value, 1), _MAX_SPAN)


def _too_many_cells(source: str) -> ReportError:
    return ReportError(f"{source}: 表格单元格超过 {MAX_ELEMENTS:,} 个,远超一份年度报告,已拒绝")


def _html_grid(table: etree._Element, budget: int, source: str) -> list[list[str]]:
    """Cell texts on the table's grid, a spanning cell copied into every position it covers.
    The grid may hold at most `budget` positions: spans let a few bytes claim millions."""
    trs = table.xpath(".//tr")
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            text = tidy(cell.text_content())
            rowspan, colspan = _span(cell, "rowspan", len(trs) - r), _span(cell, "colspan", 1)
            width = max(width, c + colspan)
            if len(trs) * width > budget:
                raise _too_many_cells(source)
            for dr in range(min(rowspan, len(trs) - r)):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
    width = max((c for _, c in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(trs))]


class _HtmlText:
    """Walks the page in document order: block elements end lines, data tables become rows."""

    def __init__(self, source: str) -> None:
        self.lines: list[str] = []
        self._buffer: list[str] = []
        self._source = source
        self._cells_left = MAX_ELEMENTS

    def flush(self) -> None:
        text = tidy("".join(self._buffer))
        if text:
            self.lines.append(narrative_line(text))
        self._buffer.clear()

    def walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else None  # comments have no tag name
        if tag is None or tag in _SKIP_TAGS:
            return
        if tag == "table" and not element.xpath(".//table"):  # a table holding tables is page layout
            self.flush()
            grid = _html_grid(element, self._cells_left, self._source)
            self._cells_left -= sum(map(len, grid))
            self.lines += table_lines(grid)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        self._buffer.append(element.text or "")
        for child in element:
            self.walk(child)
            self._buffer.append(child.tail or "")
        if block:
            self.flush()


def _read_html(data: bytes, source: str, limits: FileLimits) -> list[str]:
    text = _decode_html(data, source)
    check_text(len(text), source, limits, HTML_MARKUP_ALLOWANCE)
    text = _XML_DECLARATION.sub("", text)
    try:
        document = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReportError(f"{source}: 无法解析网页({exc})") from exc
    for br in document.iter("br"):
        br.tail = "\n" + (br.tail or "")
    reader = _HtmlText(source)
    reader.walk(document)
    reader.flush()
    return reader.lines


# --- PDF ----------------------------------------------------------------------------

@dataclass(frozen=True)
class OcrOptions:
    """How scanned pages get read: where what OCR read is kept (by the file's hash, so a re-import
    does not recognise the pages again) and whom it tells page by page. Without options a scan is
    refused by name."""

    cache_dir: Path | None = None
    progress: Callable[[int, int], None] | None = None


def _read_pdf(data: bytes, source: str, limits: FileLimits, ocr: OcrOptions | None,
              warnings: list[str]) -> list[str]:
    """Imported here: index.read_pdf builds on this module's cell helpers, and pdfplumber loads
    only when a PDF is read."""
    from index.read_pdf import read_pdf
    check_pdf(data, source, limits)
    if ocr is None:
        return read_pdf(data, source)

    def ocr_pages(pages: list[int]) -> list[str]:
        from index.ocr import ocr_pdf
        return cached(ocr.cache_dir, data + repr(pages).encode(),
                      lambda found: ocr_pdf(data, ocr.progress, found, pages=pages), warnings)
    return read_pdf(data, source, ocr_pages)


def _read_image(data: bytes, source: str, limits: FileLimits, ocr: OcrOptions | None,
                warnings: list[str]) -> list[str]:
    """A photographed or scanned page (.png/.jpg) is read by OCR, as a scanned PDF page is."""
    if ocr is None:
        raise ReportError(f"{source}: 图片需要文字识别才能导入")
    from index.ocr import ocr_image
    return cached(ocr.cache_dir, data, lambda found: ocr_image(data, found), warnings)


# --- DOCX ---------------------------------------------------------------------------

def _docx_grid(table: Table) -> list[list[str]]:
    """python-docx repeats a merged cell in every grid position it covers; rows that start
    late or end early (gridBefore/gridAfter) are padded so columns line up."""
    return [[""] * row.grid_cols_before + [tidy(cell.text) for cell in row.cells] + [""] * row.grid_cols_after
            for row in table.rows]


def _docx_block(element: etree._Element, parent) -> list[str]:
    if element.tag == qn("w:p"):
        return [narrative_line(line) for line in normalize_text(Paragraph(element, parent).text).split("\n")]
    if element.tag == qn("w:tbl"):
        return table_lines(_docx_grid(Table(element, parent)))
    if element.tag == qn("w:sdt"):  # a content control wraps paragraphs and tables of its own
        content = element.find(qn("w:sdtContent"))
        return [line for child in (content if content is not None else []) for line in _docx_block(child, parent)]
    return []


# A label merged down a real table spans a few dozen rows.
_MAX_MERGED_ROWS = 200


def _check_docx_tables(body: etree._Element, source: str) -> None:
    """Tables are measured in the XML before python-docx makes a cell: it repeats a cell in every
    grid column its gridSpan claims (a few bytes may claim millions), and it finds a merged cell's
    text by walking up the merge row by row for every row, so a merge's cost grows with the
    square of its length (1,500 rows: 50 s, then RecursionError)."""
    positions = 0
    for tbl in body.iter(qn("w:tbl")):
        merged_rows: dict[int, int] = {}
        for tr in tbl.tr_lst:
            column = tr.grid_before
            for tc in tr.tc_lst:
                merged_rows[column] = merged_rows.get(column, 0) + 1 if tc.vMerge == "continue" else 0
                if merged_rows[column] > _MAX_MERGED_ROWS:
                    raise ReportError(f"{source}: DOCX 表格中有纵向合并超过 {_MAX_MERGED_ROWS} 行的单元格,"
                                      f"远超一份年度报告,已拒绝")
                column += tc.grid_span
            positions += column + tr.grid_after
            if positions > MAX_ELEMENTS:
                raise _too_many_cells(source)


# zipfile raises zlib.error, EOFError, NotImplementedError (compression method) and RuntimeError
# (encrypted member) on damaged parts.
_DOCX_ERRORS = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError, zlib.error,
                EOFError, NotImplementedError, RuntimeError)


def _read_docx(data: bytes, source: str, limits: FileLimits) -> list[str]:
    """The zip is checked against the caps before python-docx inflates and parses it whole."""
    try:
        check_zip(data, source, limits)
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        _check_docx_tables(body, source)
        return [line for child in body.iterchildren() for line in _docx_block(child, document)]
    except ReportError:  # a ValueError, named already
        raise
    except _DOCX_ERRORS as exc:
        raise ReportError(f"{source}: DOCX 文件损坏或不是 Word 文档({type(exc).__name__}: {exc})") from exc


_READERS: dict[str, Callable[[bytes, str, FileLimits], list[str]]] = {
    **{suffix: _read_text for suffix in TEXT_SUFFIXES},
    **{suffix: _read_html for suffix in HTML_SUFFIXES},
    ".docx": _read_docx,
}
# Formats that may hold page images to be read by OCR; they also report what OCR could not read.
_SCAN_READERS: dict[str, Callable[[bytes, str, FileLimits, OcrOptions | None, list[str]], list[str]]] = {
    ".pdf": _read_pdf,
    **{suffix: _read_image for suffix in IMAGE_SUFFIXES},
}


def read_lines(path: str | Path, max_mb: int | None = None, limits: FileLimits = DEFAULT_LIMITS,
               ocr: OcrOptions | None = None, warnings: list[str] | None = None) -> list[str]:
    """`max_mb` refuses a huge file before reading it: embedding its text would take hours.
    `limits` caps what reading may cost (index.file_limits); the text read is capped whatever
    the format, as it is what gets chunked and embedded. `ocr` lets scanned pages be read;
    what OCR could not read goes to `warnings`."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in _READERS and suffix not in _SCAN_READERS:
        raise ReportError(f"{source}: 不支持的文件类型 {suffix}(支持 {SUPPORTED})")
    try:
        size = path.stat().st_size
        if max_mb is not None and size > max_mb * 2**20:
            raise ReportError(f"{source}: 文件太大({size / 2**20:.1f} MB),超过上限 {max_mb} MB(GIA_MAX_REPORT_MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{source}: 无法读取文件({exc.strerror or exc})") from exc
    if not data.strip():
        raise ReportError(f"{source}: 文件为空")
    _check_content(data, suffix, source)
    if suffix in _SCAN_READERS:
        lines = _SCAN_READERS[suffix](data, source, limits, ocr, warnings if warnings is not None else [])
    else:
        lines = _READERS[suffix](data, source, limits)
    check_text(sum(map(len, lines)), source, limits)
    return lines
