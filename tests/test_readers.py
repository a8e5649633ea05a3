"""The same 2019-template report as text, HTML, DOCX and PDF must give the same indicators.

report2019.html is a GBK page with rowspan/colspan headers, as government sites publish
it; the DOCX is built here from that page's cells and spans with python-docx merges;
report2019.pdf was converted once from that DOCX by LibreOffice (see the README beside it).
"""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import lxml.html
import pytest
from docx.shared import Mm, Pt

from index.parsing import parse_report
from index.readers import read_lines
from index.report import Report, ReportError
from tests.pdf_bytes import pdf_from_objects

FORMATS = Path(__file__).parent / "data" / "formats"
TEXT = FORMATS / "report2019.txt"
HTML = FORMATS / "report2019.html"
PDF = FORMATS / "report2019.pdf"
LEGACY = Path(__file__).parent.parent / "data" / "reports" / "xizhu-2018.txt"


def parse(path: Path) -> Report:
    return parse_report(read_lines(path), str(path), path.stem)


def indicators(report: Report) -> list[tuple]:
    return [(r.table, tuple(r.parents), r.label, tuple(r.columns), r.unit, r.value) for r in report.table_rows]


def headings(report: Report) -> list[str]:
    return [s.heading for s in report.sections]


def html_blocks(path: Path) -> list[tuple[str, object]]:
    """The page's content in order: ("p", text) or ("table", rows of (text, rowspan, colspan))."""
    page = lxml.html.document_fromstring(path.read_bytes().decode("gbk"))
    for br in page.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks: list[tuple[str, object]] = [("title", page.xpath("//h1")[0].text_content().strip())]
    for element in page.xpath('//div[@id="zoom"]/*'):
        if element.tag == "table":
            rows = [[(td.text_content().strip(), int(td.get("rowspan", 1)), int(td.get("colspan", 1)))
                     for td in tr.xpath("./td")] for tr in element.xpath(".//tr")]
            blocks.append(("table", rows))
        else:
            blocks.append(("p", element.text_content().strip()))
    return blocks


def add_merged_table(document, rows) -> None:
    placed, taken = [], set()
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, rowspan, colspan, text))
            taken |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            c += colspan
    table = document.add_table(rows=len(rows), cols=max(c for _, c in taken) + 1)
    table.style = "Table Grid"
    for r, c, rowspan, colspan, text in placed:
        cell = table.cell(r, c)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
        cell.text = text
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(9)


def build_docx(path: Path) -> Path:
    """The HTML fixture as a Word document: A4, indented body text, merged table cells."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for kind, content in html_blocks(HTML):
        if kind == "table":
            add_merged_table(document, content)
            continue
        paragraph = document.add_paragraph(content)
        if kind == "title":
            paragraph.alignment = 1
        else:
            paragraph.paragraph_format.first_line_indent = Pt(24)
    document.save(path)
    return path


@pytest.fixture(scope="module")
def text_report() -> Report:
    return parse(TEXT)


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory) -> Path:
    return build_docx(tmp_path_factory.mktemp("docx") / "report2019.docx")


def assert_same_report(report: Report, expected: Report) -> None:
    assert report.warnings == []
    assert (report.title, report.unit, report.year, report.template) == (
        expected.title, expected.unit, expected.year, expected.template)
    assert headings(report) == headings(expected)
    assert indicators(report) == indicators(expected)


def test_text_fixture_is_a_complete_2019_report(text_report):
    assert text_report.template == "2019"
    assert len(text_report.table_rows) == 10 + 25 * 7 + 15
    assert text_report.warnings == []


def test_html_with_spans_gives_the_text_indicators(text_report):
    assert_same_report(parse(HTML), text_report)


def test_html_rows_repeat_merged_cells_and_skip_scripts():
    lines = read_lines(HTML)
    assert "三、本年度办理结果 | (三)不予公开 | 3.危及“三安全一稳定” | 1 | 0 |  | 0 | 0 |  | 1 |" in lines
    assert "行政许可 | 1268 | 1268 | 1268 |" in lines
    assert lines[0] == "青岚区人民政府2021年政府信息公开工作年度报告"  # GBK page, <title> in <head> skipped
    assert not any("微信" in line or "font-size" in line for line in lines)
    assert lines[-2:] == ["青岚区人民政府办公室", "2022年1月20日"]  # <br> ends a line


def test_html_charset_declared_wrong_falls_back_to_the_bytes(tmp_path):
    page = tmp_path / "report.htm"
    page.write_bytes('<html><head><meta charset="utf-8"></head><body><p>一、总体情况</p>'
                     "<table><tr><td>a</td><td>b</td></tr></table></body></html>".encode("gbk"))
    assert read_lines(page) == ["一、总体情况", "a | b |"]


def test_docx_with_merged_cells_gives_the_text_indicators(text_report, docx_path):
    assert_same_report(parse(docx_path), text_report)


def test_docx_reads_paragraphs_and_tables_in_document_order(docx_path):
    lines = read_lines(docx_path)
    heading = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    assert lines[heading + 1].startswith("行政复议 | 行政复议 | 行政复议 | 行政复议 | 行政复议 | 行政诉讼 |")
    assert lines[heading + 4] == "2 | 1 | 0 | 1 | 4 | 1 | 0 | 0 | 1 | 2 | 0 | 1 |  | 0 | 1 |"
    assert lines[heading + 5] == "五、存在的主要问题及改进情况"


def test_pdf_gives_the_text_indicators(text_report):
    assert_same_report(parse(PDF), text_report)


def test_pdf_text_around_tables_keeps_reading_order_and_paragraphs():
    lines = read_lines(PDF)
    requests = lines.index("三、收到和处理政府信息公开申请情况")
    assert lines[requests - 1].startswith("行政事业性收费 | 12.56 |")
    assert lines[requests + 1].startswith("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |")
    intro = next(line for line in lines if line.startswith("本报告根据"))
    assert intro.endswith("(电话:0871-65550123)。")  # a paragraph wrapped over lines comes back whole


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_converted_now_from_the_docx(text_report, docx_path, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    assert_same_report(parse(tmp_path / "report2019.pdf"), text_report)


def test_gbk_text_parses_like_utf8(tmp_path):
    gbk = tmp_path / "xizhu-2018-gbk.txt"
    gbk.write_bytes(LEGACY.read_text(encoding="utf-8").encode("gbk"))
    utf8, legacy = parse(LEGACY), parse(gbk)
    assert len(legacy.table_rows) == 65
    assert indicators(legacy) == indicators(utf8)
    assert headings(legacy) == headings(utf8)


def minimal_pdf(page_content: bytes = b"") -> bytes:
    """A valid one-page PDF whose page draws `page_content`: a scan-like file with no text."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(page_content) + page_content + b"\nendstream"]
    return pdf_from_objects(objects)


def broken_docx() -> bytes:
    """A zip that claims to be a Word file but whose document part is not XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", "not xml")
    return buffer.getvalue()


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "文件为空"),
    ("blank.html", b" \n\t\n", "文件为空"),
    ("binary.txt", b"\x01\x02\x00\x00\xff" * 40, "二进制"),
    ("renamed.txt", b"MZ\x90\x00\x03" + b"\x00" * 60, "可执行文件"),
    ("report.exe", b"MZ\x90\x00", "不支持的文件类型 .exe"),
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "不支持的文件类型 .doc"),
    ("truncated.docx", b"PK\x03\x04garbage", "DOCX 文件损坏"),
    ("broken.docx", broken_docx(), "DOCX 文件损坏"),
    ("text.docx", "一、总体情况".encode(), "文件内容不是 DOCX"),
    ("truncated.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "PDF 文件损坏"),
    ("page.pdf", b"<html><body>not a pdf</body></html>", "文件内容不是 PDF"),
    ("scan.pdf", minimal_pdf(b"0 0 m 100 100 l S"), "没有可提取的文字"),
])
def test_unreadable_files_raise_report_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReportError) as caught:
        read_lines(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_missing_file_raises_report_error(tmp_path):
    path = tmp_path / "missing.pdf"
    with pytest.raises(ReportError, match="无法读取文件"):
        read_lines(path)
