"""Hostile report files (zip bombs, PDFs of 100,000 pages, text of millions of characters, another
encoding) are refused by name, in seconds, without the memory blow-up that took the web app from
1 GB to 10 GB; real reports saved in GBK keep importing.

The big files are read in a child process, which reports how long the refusal took and how far its
peak RSS rose above what it held with every reader imported (Linux: the peak is reset through
/proc/self/clear_refs, then read as VmHWM). The bombs are written streamed, so this test stays
small in memory too.
"""
from __future__ import annotations

import json
import random
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from conftest import EXAMPLE, ROOT
from index.file_limits import FileLimits
from index.readers import read_lines
from index.report import ReportError

REAL = ROOT / "tests" / "data" / "real"
SECONDS = 5.0  # a refusal must come within this
GROWN_MB = 400  # ... and the reader's peak RSS may rise at most this far above its baseline

_CHILD = """
import json, re, sys, time
import docx, pdfplumber, pypdfium2
import index.read_pdf
from index.readers import read_lines
from index.report import ReportError

def kilobytes(field):
    return int(re.search(field + r":\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))

with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # the peak RSS starts again from here
before = kilobytes("VmRSS")
start = time.perf_counter()
try:
    read_lines(sys.argv[1])
    message = None
except ReportError as exc:
    message = str(exc)
seconds = time.perf_counter() - start
grown_mb = (kilobytes("VmHWM") - before) / 1024
print(json.dumps({"message": message, "seconds": seconds, "grown_mb": grown_mb}))
"""


def read_in_child(path: Path) -> dict:
    """Read `path` in a fresh interpreter: its peak RSS is the reader's alone."""
    result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- DOCX ---------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>')
_BODY_START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document '
               b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
_BODY_END = b"</w:body></w:document>"
_PARAGRAPH = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"


def write_docx(path: Path, chunks, level: int = 1) -> Path:
    """A Word package whose document.xml is `chunks` of paragraphs, deflated as it is written."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w") as part:
            part.write(_BODY_START)
            for chunk in chunks:
                part.write(chunk)
            part.write(_BODY_END)
    return path


def short_paragraphs(megabytes: int):
    chunk = _PARAGRAPH * (2**20 // len(_PARAGRAPH))
    return (chunk for _ in range(megabytes))


def numbered_paragraphs(count: int):
    """Paragraphs of random numbers: they compress about as real text does."""
    numbers = random.Random(14)
    return (b"<w:p><w:r><w:t>%d</w:t></w:r></w:p>" % numbers.randrange(10**8) for _ in range(count))


def declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite a member's uncompressed size in its local header and the central directory, as a
    hostile file may: the member must be the last one written."""
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(member).header_offset
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    assert data[central + 46:central + 46 + len(member)] == member.encode()
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))


def docx_with_table(path: Path, rows: int, edit) -> Path:
    """A real Word document with one table, its cell XML changed by `edit(row index, tc)`."""
    document = docx.Document()
    table = document.add_table(rows=rows, cols=2)
    for index, row in enumerate(table.rows):
        edit(index, row.cells[0]._tc)
    document.save(path)
    return path


def _span_everything(index: int, tc) -> None:
    if index == 0:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(10**7))
        tc.get_or_add_tcPr().append(span)


def _merge_down(index: int, tc) -> None:
    merge = OxmlElement("w:vMerge")
    if index == 0:
        merge.set(qn("w:val"), "restart")
    tc.get_or_add_tcPr().append(merge)


# --- PDF ----------------------------------------------------------------------------

def write_pdf(path: Path, pages: int, content: bytes = b"") -> Path:
    """A PDF of `pages` pages that all draw one shared (deflated) content stream, written streamed."""
    with open(path, "wb") as out:
        offsets: list[int] = []

        def put(number: int, body: bytes) -> None:
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

        out.write(b"%PDF-1.4\n")
        put(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        kids = b" ".join(b"%d 0 R" % (5 + page) for page in range(pages))
        put(2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages)
        put(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        stream = zlib.compress(content, 9)
        put(4, b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
        for number in range(pages):
            put(5 + number, page)
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return path


def text_page(chars: int) -> bytes:
    """A content stream showing `chars` characters, 100 to a line."""
    line = b"(" + b"a" * 100 + b") Tj 0 -1 Td\n"
    return b"BT /F1 1 Tf 10 800 Td\n" + line * (chars // 100) + b"ET"


# --- the refusals, measured -----------------------------------------------------------

def _span_table_html(path: Path) -> Path:
    """A few kilobytes whose spans claim a grid of 201 rows by 1,000 columns."""
    rows = '<tr><td rowspan="0" colspan="1000">x</td></tr>' + "<tr><td>y</td></tr>" * 200
    path.write_text(f"<html><body><p>一、总体情况</p><table>{rows}</table></body></html>", encoding="utf-8")
    return path


def _lying_docx(path: Path) -> Path:
    """400 MB of paragraphs whose headers declare 1 MB: small enough to pass every declared cap."""
    write_docx(path, short_paragraphs(400))
    declare_size(path, "word/document.xml", 2**20)
    return path


def _long_text(path: Path) -> Path:
    """3,000,000 characters of report text (9 MB of UTF-8)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    with open(path, "w", encoding="utf-8") as out:
        for _ in range(3_000_000 // len(text) + 1):
            out.write(text)
    return path


_TOO_LONG = "文字超过 2,000,000 个字符(GIA_MAX_TEXT_CHARS),远超一份年度报告,已拒绝"
_TOO_MANY_CELLS = "表格单元格超过 100,000 个,远超一份年度报告,已拒绝"
HOSTILE = {
    # name: (build(path), the refusal after the file name: a literal or a compiled pattern)
    "bomb-1gb.docx": (lambda path: write_docx(path, short_paragraphs(1024)),
                      "DOCX 中的 word/document.xml 解压后超过 20 MB,疑似压缩炸弹,已拒绝"),
    "lying-400mb.docx": (_lying_docx,
                         "DOCX 文件损坏或不是 Word 文档(BadZipFile: Bad CRC-32 for file 'word/document.xml')"),
    "repeated-10mb.docx": (lambda path: write_docx(path, short_paragraphs(10), level=6),
                           re.compile(r"DOCX 中的 word/document\.xml 压缩比 3\d\d:1,超过 200:1,疑似压缩炸弹,已拒绝")),
    "paragraphs-150k.docx": (lambda path: write_docx(path, numbered_paragraphs(150_000)),
                             "DOCX 的段落和表格单元格超过 100,000 个,远超一份年度报告,已拒绝"),
    "gridspan.docx": (lambda path: docx_with_table(path, 3, _span_everything), _TOO_MANY_CELLS),
    "merged-1500-rows.docx": (lambda path: docx_with_table(path, 1500, _merge_down),
                              "DOCX 表格中有纵向合并超过 200 行的单元格,远超一份年度报告,已拒绝"),
    "blank-100k-pages.pdf": (lambda path: write_pdf(path, 100_000),
                             "PDF 有 100,000 页,超过上限 2,000 页(GIA_MAX_PDF_PAGES),已拒绝"),
    "dense-page.pdf": (lambda path: write_pdf(path, 1, text_page(200_000)),
                       re.compile(r"PDF 第 1 页有 20\d,\d{3} 个字符,超过每页上限 50,000,已拒绝")),
    "long-2m-chars.pdf": (lambda path: write_pdf(path, 60, text_page(45_000)), _TOO_LONG),
    "long-3m-chars.txt": (_long_text, _TOO_LONG),
    "spans.html": (_span_table_html, _TOO_MANY_CELLS),
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_is_refused_by_name_fast_and_small(hostile_dir, name):
    build, expected = HOSTILE[name]
    path = hostile_dir / name
    build(path)
    try:
        read = read_in_child(path)
    finally:
        path.unlink()
    print(f"{name}: {read['seconds']:.2f} s, +{read['grown_mb']:.0f} MB: {read['message']}")
    pattern = expected if isinstance(expected, re.Pattern) else re.compile(re.escape(expected))
    assert read["message"] is not None and pattern.fullmatch(read["message"].removeprefix(f"{path}: "))
    assert read["seconds"] < SECONDS
    assert read["grown_mb"] < GROWN_MB


# --- caps are parameters ----------------------------------------------------------------

def _stored_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for part in ("word/media/image1.png", "word/media/image2.png"):
            archive.writestr(part, random.Random(part).randbytes(700 * 1024))
    return path


@pytest.mark.parametrize("name, build, limits, expected", [
    ("images.docx", _stored_zip, FileLimits(max_unzipped_mb=1),
     "DOCX 解压后超过 1 MB(GIA_MAX_UNZIPPED_MB),疑似压缩炸弹,已拒绝"),
    ("five-pages.pdf", lambda path: write_pdf(path, 5, text_page(1000)), FileLimits(max_pdf_pages=3),
     "PDF 有 5 页,超过上限 3 页(GIA_MAX_PDF_PAGES),已拒绝"),
    ("report.txt", lambda path: path.write_bytes(EXAMPLE.read_bytes()), FileLimits(max_text_chars=1000),
     "文字超过 1,000 个字符(GIA_MAX_TEXT_CHARS),远超一份年度报告,已拒绝"),
])
def test_the_caps_are_parameters(tmp_path, name, build, limits, expected):
    path = tmp_path / name
    build(path)
    with pytest.raises(ReportError) as caught:
        read_lines(path, limits=limits)
    assert str(caught.value) == f"{path}: {expected}"


# --- encodings --------------------------------------------------------------------------

TRADITIONAL = "政府資訊公開工作年度報告\n一、總體情況\n本報告依據《中華人民共和國政府資訊公開條例》編製。\n" * 20
JAPANESE = "情報公開年次報告\n一、概要\n本報告は情報公開条例に基づき作成したものです。\n" * 20


@pytest.mark.parametrize("name, data, expected", [
    ("report.txt", TRADITIONAL.encode("big5"), "文件编码似乎是 Big5,请另存为 UTF-8 或 GBK 后再导入"),
    ("simplified-big5.txt", EXAMPLE.read_text(encoding="utf-8").encode("big5", errors="replace"),
     "文件编码似乎是 Big5,请另存为 UTF-8 或 GBK 后再导入"),
    ("page.html", f"<html><body><p>{TRADITIONAL}</p></body></html>".encode("big5"),
     "文件编码似乎是 Big5,请另存为 UTF-8 或 GBK 后再导入"),
    ("declared-gbk.html", f'<html><head><meta charset="gbk"></head><body>{TRADITIONAL}</body></html>'.encode("big5"),
     "文件编码似乎是 Big5,请另存为 UTF-8 或 GBK 后再导入"),
    ("report-jp.txt", JAPANESE.encode("shift_jis"), "文件编码似乎是 Shift-JIS,请另存为 UTF-8 或 GBK 后再导入"),
])
def test_another_encoding_is_named(tmp_path, name, data, expected):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportError) as caught:
        read_lines(path)
    assert str(caught.value) == f"{path}: {expected}"


@pytest.mark.parametrize("name, meta", [
    ("pingtan-2015.txt", None), ("pingtan-dishui-2013.txt", None),
    ("shanghai-bgt-2019.html", '<meta charset="gb2312">'), ("shanghai-bgt-2019.html", ""),
])
def test_real_reports_saved_in_gbk_read_as_in_utf8(tmp_path, name, meta):
    """GBK as government sites and Notepad save it, the page declaring its charset or not."""
    text = (REAL / name).read_text(encoding="utf-8")
    if meta is not None:
        text = text.replace('<meta charset="utf-8">', meta)
    path = tmp_path / name
    path.write_bytes(text.encode("gbk"))
    assert read_lines(path) == read_lines(REAL / name)
