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
from pathlib import Path
from typing import Callable

import docx
import lxml.html
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from index.layout import CELL_SEPARATOR, normalize_text
from index.report import ReportError

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED = ".txt .html .htm .pdf .docx"
_ENCODINGS = ("utf-8-sig", "gb18030")
# Notepad's "Unicode" is UTF-16 with a byte-order mark; UTF-32 marks are tested first as they start alike.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_GB_NAMES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}

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
_EXPECTED_MAGIC = {".pdf": "PDF", ".docx": "ZIP(含 DOCX)"}

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
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportError(f"{source}: 无法识别文件编码(既不是 UTF-8 也不是 GBK)")


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

def _read_text(data: bytes, source: str) -> list[str]:
    return normalize_text(decode_bytes(data, source)).split("\n")


# --- HTML ---------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "br", "hr", "section", "article",
               "header", "footer", "main", "nav", "aside", "blockquote", "pre", "center", "dl", "dt", "dd", "form",
               "address", "figure", "figcaption", "caption", "table", "tr", "td", "th"}
_SKIP_TAGS = {"head", "script", "style", "noscript", "template", "iframe", "object", "select", "button"}
_MAX_SPAN = 1000


def _decode_html(data: bytes, source: str) -> str:
    """The declared charset when it decodes; pages often declare one and are saved in another."""
    match = _META_CHARSET.search(data[:4096])
    if match:
        name = match.group(1).decode("ascii").lower()
        try:
            return data.decode("gb18030" if name in _GB_NAMES else name)
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


def _html_grid(table: etree._Element) -> list[list[str]]:
    """Cell texts on the table's grid, a spanning cell copied into every position it covers."""
    trs = table.xpath(".//tr")
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            text = tidy(cell.text_content())
            rowspan, colspan = _span(cell, "rowspan", len(trs) - r), _span(cell, "colspan", 1)
            for dr in range(min(rowspan, len(trs) - r)):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
    width = max((c for _, c in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(trs))]


class _HtmlText:
    """Walks the page in document order: block elements end lines, data tables become rows."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buffer: list[str] = []

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
            self.lines += table_lines(_html_grid(element))
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


def _read_html(data: bytes, source: str) -> list[str]:
    text = _XML_DECLARATION.sub("", _decode_html(data, source))
    try:
        document = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReportError(f"{source}: 无法解析网页({exc})") from exc
    for br in document.iter("br"):
        br.tail = "\n" + (br.tail or "")
    reader = _HtmlText()
    reader.walk(document)
    reader.flush()
    return reader.lines


# --- PDF ----------------------------------------------------------------------------

def _read_pdf(data: bytes, source: str) -> list[str]:
    """Imported here: index.read_pdf builds on this module's cell helpers, and pdfplumber loads
    only when a PDF is read."""
    from index.read_pdf import read_pdf
    return read_pdf(data, source)


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


def _read_docx(data: bytes, source: str) -> list[str]:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ReportError(f"{source}: DOCX 文件损坏或不是 Word 文档({type(exc).__name__}: {exc})") from exc
    body = document.element.body
    return [line for child in body.iterchildren() for line in _docx_block(child, document)]


_READERS: dict[str, Callable[[bytes, str], list[str]]] = {
    **{suffix: _read_text for suffix in TEXT_SUFFIXES},
    **{suffix: _read_html for suffix in HTML_SUFFIXES},
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}


def read_lines(path: str | Path, max_mb: int | None = None) -> list[str]:
    """`max_mb` refuses a huge file before reading it: embedding its text would take hours."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
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
    return reader(data, source)
