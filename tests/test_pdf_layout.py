"""PDF reports as city and district governments publish them.

huaian-2024.pdf is a real report (WPS export): a text box on page 1, 表三 running from page 4
to page 5 with the merged label "(四)无法提供" cut into "(四)无" and "法提供" and the outer
label "三、本年度办理结果" left on page 4. The two made-up reports in tests/data/pdf were
printed by Chromium from their HTML (see regenerate.py there): page 1's text framed in the
table of a web page's 索引号 grid, a label column one character wide, header cells that
wrap, tables broken by pages with and without their header repeated, a row and a group
label cut by a page, a table's first row alone at the foot of a page, page numbers, a full
stop set below its line, a typo kept as printed. Every value below was read off the page
images (pdftoppm -r 60 -png).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.layout import is_table_line, split_cells
from tests.pdf_bytes import pdf_from_objects
from index.parsing import parse_report
from index.readers import read_lines
from index.report import Report

DATA = Path(__file__).parent / "data"
HUAIAN = DATA / "real" / "huaian-2024.pdf"
YUNXI = DATA / "pdf" / "yunxi-2023.pdf"
QINGSHI = DATA / "pdf" / "qingshi-2022.pdf"

HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
ACTIVE = "主动公开政府信息情况"
REQUESTS = "收到和处理政府信息公开申请情况"
REVIEWS = "政府信息公开行政复议、行政诉讼情况"
RESULT = "三、本年度办理结果"
WITHHELD = "(三)不予公开"
UNAVAILABLE = "(四)无法提供"
OTHER = "(六)其他处理"
OVERDUE_FEE = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
COMPANY = ["法人或其他组织", "商业企业"]
CHARITY = ["法人或其他组织", "社会公益组织"]
LAW_FIRM = ["法人或其他组织", "法律服务机构"]
RESEARCH = ["法人或其他组织", "科研机构"]
DIRECT_SUIT = ["行政诉讼", "未经复议直接起诉"]
SUIT_AFTER_REVIEW = ["行政诉讼", "复议后起诉"]
PAGE_NUMBER = re.compile(r"^[-—–]\s*\d+\s*[-—–]|[-—–]\s*\d+\s*[-—–]$|第\s*\d+\s*页")
ONLY_PUNCTUATION = re.compile(r"^[。.,、;:!?)]+$")


def value(report: Report, table: str, parents: list[str], label: str, columns: list[str]) -> tuple[float | None, str]:
    """(value, unit) of the one indicator row at this row path and column path."""
    found = [r for r in report.table_rows
             if (r.table, r.parents, r.label, r.columns) == (table, parents, label, columns)]
    assert len(found) == 1, (table, parents, label, columns, len(found))
    return found[0].value, found[0].unit


def read(path: Path) -> tuple[list[str], Report]:
    lines = read_lines(path)
    return lines, parse_report(lines, str(path), path.stem)


@pytest.fixture(scope="module")
def huaian() -> tuple[list[str], Report]:
    return read(HUAIAN)


@pytest.fixture(scope="module")
def yunxi() -> tuple[list[str], Report]:
    return read(YUNXI)


@pytest.fixture(scope="module")
def qingshi() -> tuple[list[str], Report]:
    return read(QINGSHI)


def assert_clean_layout(lines: list[str], report: Report, warnings: list[str]) -> None:
    """Six sections, the warnings given, no prose read as a table row, no page number, no punctuation alone."""
    assert [s.heading for s in report.sections] == HEADINGS
    assert report.warnings == warnings
    rows = [split_cells(line) for line in lines if is_table_line(line)]
    assert not [row for row in rows if len(set(row)) == 1 and len(row[0]) >= 30]
    assert not [row for row in rows if any("。" in cell for cell in row)]
    assert not [line for line in lines if PAGE_NUMBER.search(line) or ONLY_PUNCTUATION.match(line)]


# --- huaian-2024.pdf (real) ------------------------------------------------------------

def test_huaian_reads_clean(huaian):
    assert_clean_layout(*huaian, [])


def test_huaian_text_box_on_page_one_is_one_paragraph(huaian):
    lines, _ = huaian
    intro = next(line for line in lines if line.startswith("本报告由淮安市人民政府办公室"))
    assert "规定编制。报告所列统计期限自" in intro
    assert intro.endswith("电子邮箱:hazwgkc@163.com)。")  # the "。" printed outside the box ends it
    supervision = next(line for line in lines if line.startswith("(五)政府信息公开监督保障情况"))
    assert supervision.endswith("针对突出问题和日常共性问题,及时督促整改。针对具体问题,创新开展调研式培训、过堂式培训,"
                                "不断提高全市政务公开工作人员的工作能力和水平。")


def test_huaian_label_cut_by_the_page_is_whole_on_all_its_rows(huaian):
    lines, _ = huaian
    assert f"{RESULT} | {UNAVAILABLE} | 1.本机关不掌握相关政府信息 | 746 | 12 | 0 | 0 | 10 | 1 | 769 |" in lines
    assert f"{RESULT} | {UNAVAILABLE} | 2.没有现成信息需要另行制作 | 11 | 0 | 0 | 0 | 0 | 0 | 11 |" in lines
    assert f"{RESULT} | (五)不予处理 | 2.重复申请 | 25 | 0 | 0 | 0 | 0 | 0 | 25 |" in lines  # page 5
    assert not [line for line in lines if "(四)无 |" in line or line.startswith(" |")]


def test_huaian_cells(huaian):
    _, report = huaian
    new = "一、本年新收政府信息公开申请数量"
    assert value(report, REQUESTS, [], new, ["自然人"]) == (3001, "件")
    assert value(report, REQUESTS, [], new, COMPANY) == (53, "件")
    assert value(report, REQUESTS, [], new, LAW_FIRM) == (61, "件")
    assert value(report, REQUESTS, [], new, ["总计"]) == (3119, "件")
    assert value(report, REQUESTS, [RESULT], "(一)予以公开", ["总计"]) == (1362, "件")
    assert value(report, REQUESTS, [RESULT, WITHHELD], "8.属于行政查询事项", ["自然人"]) == (105, "件")
    assert value(report, REQUESTS, [RESULT, UNAVAILABLE], "1.本机关不掌握相关政府信息", ["总计"]) == (769, "件")
    assert value(report, REQUESTS, [RESULT, UNAVAILABLE], "2.没有现成信息需要另行制作", ["总计"]) == (11, "件")
    assert value(report, REQUESTS, [RESULT, "(五)不予处理"], "1.信访举报投诉类申请", ["总计"]) == (62, "件")
    assert value(report, REQUESTS, [RESULT], "(七)总计", ["总计"]) == (3050, "件")
    assert value(report, REQUESTS, [], "四、结转下年度继续办理", ["总计"]) == (103, "件")
    assert value(report, REVIEWS, [], "案件数量", ["行政复议", "结果纠正"]) == (64, "件")
    assert value(report, REVIEWS, [], "案件数量", ["行政复议", "总计"]) == (351, "件")
    assert value(report, REVIEWS, [], "案件数量", [*DIRECT_SUIT, "总计"]) == (26, "件")
    assert value(report, ACTIVE, ["第二十条第(八)项"], "行政事业性收费", ["本年收费金额"]) == (96171.6, "万元")
    assert value(report, ACTIVE, ["第二十条第(一)项"], "规章", ["现行有效件数"]) == (11, "件")
    assert value(report, ACTIVE, ["第二十条第(六)项"], "行政强制", ["本年处理决定数量"]) == (88283, "件")


# --- yunxi-2023.pdf: frame, one-character label column, header repeated ------------------

def test_yunxi_reads_clean(yunxi):
    assert_clean_layout(*yunxi, [f"{YUNXI}:3: 无法识别的表格(2 行),未导入指标"])  # the page's 索引号 grid


def test_yunxi_frame_on_page_one_reads_as_paragraphs_below_its_grid(yunxi):
    lines, _ = yunxi
    start = lines.index("一、总体情况")
    assert lines[start - 3:start - 1] == ["索引号 | 11530112MB0X23456K/2024-00012 | 主题分类 | 政务公开 |",
                                          "发布机构 | 云溪区人民政府办公室 | 成文日期 | 2024-01-18 |"]
    assert lines[start - 1].startswith("本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》)和《国务院办公厅")
    assert lines[start - 1].endswith("请与云溪区人民政府办公室联系(电话:0871-65551234)。")
    assert lines[start + 1:start + 4] == [
        "2023年,云溪区坚持以公开为常态、不公开为例外,围绕区委、区政府中心工作,不断加大政府信息公开力度,"
        "全面推进决策、执行、管理、服务、结果公开,政府信息公开工作取得新进展。",
        "(一)主动公开。全年通过区政府门户网站主动公开政府信息3612条,其中政策文件87件、政策解读41篇;"
        "召开新闻发布会9场,回应社会关切问题126个。",
        "(二)依申请公开。全年新收政府信息公开申请450件,上年结转13件,已办结438件,结转下年度继续办理25件。"
        "因政府信息公开引起行政复议5件、行政诉讼3件。",
    ]
    assert lines[start + 4].startswith("(三)政府信息管理。")  # first paragraph below the frame, on its own


def test_yunxi_wrapped_cells_are_joined_without_spaces(yunxi):
    lines, _ = yunxi
    header = next(line for line in lines if "商业企业" in line)
    assert split_cells(header)[3:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert lines.count(next(line for line in lines if line.startswith("(本列数据"))) == 1  # header not repeated
    assert sum(line.startswith(f"{RESULT} | ") for line in lines) == 22  # "三、/本/年/度/…" on every row


def test_yunxi_row_and_label_cut_by_the_page_are_one_row(yunxi):
    lines, _ = yunxi
    cut = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert f"{RESULT} | {OTHER} | {cut} | 14 | 2 | 0 | 0 | 0 | 0 | 16 |" in lines
    assert f"{RESULT} | {OTHER} | {OVERDUE_FEE} | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in lines


def test_yunxi_first_row_alone_at_the_foot_of_a_page_stays_in_its_table(yunxi):
    lines, _ = yunxi
    item = lines.index("第二十条第(五)项 | 第二十条第(五)项 |")
    assert lines[item + 1:item + 3] == ["信息内容 | 本年处理决定数量 |", "行政许可 | 1326 |"]


def test_yunxi_cells(yunxi):
    _, report = yunxi
    new, carried = "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"
    assert value(report, ACTIVE, ["第二十条第(一)项"], "规章", ["现行有效件数"]) == (3, "件")
    assert value(report, ACTIVE, ["第二十条第(一)项"], "行政规范性文件", ["本年制发件数"]) == (5, "件")
    assert value(report, ACTIVE, ["第二十条第(五)项"], "行政许可", ["本年处理决定数量"]) == (1326, "件")
    assert value(report, ACTIVE, ["第二十条第(六)项"], "行政处罚", ["本年处理决定数量"]) == (2871, "件")
    assert value(report, ACTIVE, ["第二十条第(六)项"], "行政强制", ["本年处理决定数量"]) == (None, "件")
    assert value(report, ACTIVE, ["第二十条第(八)项"], "行政事业性收费", ["本年收费金额"]) == (318.52, "万元")
    assert value(report, REQUESTS, [], new, ["自然人"]) == (412, "件")
    assert value(report, REQUESTS, [], new, COMPANY) == (23, "件")
    assert value(report, REQUESTS, [], new, CHARITY) == (2, "件")
    assert value(report, REQUESTS, [], new, ["总计"]) == (450, "件")
    assert value(report, REQUESTS, [], carried, RESEARCH) == (None, "件")
    assert value(report, REQUESTS, [RESULT], "(一)予以公开", ["总计"]) == (193, "件")
    assert value(report, REQUESTS, [RESULT, WITHHELD], "8.属于行政查询事项", LAW_FIRM) == (1, "件")
    assert value(report, REQUESTS, [RESULT, UNAVAILABLE], "1.本机关不掌握相关政府信息", ["总计"]) == (106, "件")
    assert value(report, REQUESTS, [RESULT, OTHER], "3.其他", ["自然人"]) == (7, "件")
    assert value(report, REQUESTS, [RESULT], "(七)总计", ["总计"]) == (438, "件")
    assert value(report, REQUESTS, [], "四、结转下年度继续办理", ["总计"]) == (25, "件")
    assert value(report, REVIEWS, [], "案件数量", ["行政复议", "总计"]) == (5, "件")
    assert value(report, REVIEWS, [], "案件数量", [*DIRECT_SUIT, "总计"]) == (2, "件")
    assert value(report, REVIEWS, [], "案件数量", [*SUIT_AFTER_REVIEW, "尚未审结"]) == (1, "件")


# --- qingshi-2022.pdf: no header repeated, labels left on the page before -----------------

def test_qingshi_reads_clean(qingshi):
    assert_clean_layout(*qingshi, [])


def test_qingshi_full_stop_set_below_its_line_ends_the_paragraph(qingshi):
    lines, _ = qingshi
    intro = next(line for line in lines if line.startswith("本年度报告根据"))
    assert intro.endswith("本报告电子版可在青石县人民政府门户网站下载。")
    assert lines[lines.index(intro) + 1] == "一、总体情况"


def test_qingshi_table_goes_on_with_its_labels_after_the_page_break(qingshi):
    lines, _ = qingshi
    assert f"{RESULT} | {WITHHELD} | 8.属于行政查询事项 | 9 | 0 | 0 | 0 | 0 | 0 | 9 |" in lines  # page 2
    assert f"{RESULT} | {UNAVAILABLE} | 1.本机关不掌握相关政府信息 | 46 | 3 | 0 | 1 | 1 | 0 | 51 |" in lines  # page 3
    blank = lines.index("规章 |  |  |  |")  # a blank row opening page 2 is a row of its own
    assert lines[blank - 1] == "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |"


def test_qingshi_cells(qingshi):
    _, report = qingshi
    new = "一、本年新收政府信息公开申请数量"
    assert value(report, ACTIVE, ["第二十条第(一)项"], "规章", ["本年制发件数"]) == (None, "件")
    assert value(report, ACTIVE, ["第二十条第(一)项"], "行政规范性文件", ["现行有效件数"]) == (52, "件")
    assert value(report, ACTIVE, ["第二十条第(五)项"], "行政许可", ["本年处理决定数量"]) == (2419, "件")
    assert value(report, ACTIVE, ["第二十条第(六)项"], "行政强制", ["本年处理决定数量"]) == (64, "件")
    assert value(report, ACTIVE, ["第二十条第(八)项"], "行政事业性收费", ["本年收费金额"]) == (1206.8, "万元")
    assert value(report, REQUESTS, [], new, ["自然人"]) == (186, "件")
    assert value(report, REQUESTS, [], new, ["总计"]) == (205, "件")
    assert value(report, REQUESTS, [RESULT, WITHHELD], "2.其他法律行政止公开", ["自然人"]) == (2, "件")  # as printed
    assert value(report, REQUESTS, [RESULT, WITHHELD], "8.属于行政查询事项", ["总计"]) == (9, "件")
    assert value(report, REQUESTS, [RESULT, UNAVAILABLE], "1.本机关不掌握相关政府信息", CHARITY) == (1, "件")
    assert value(report, REQUESTS, [RESULT, UNAVAILABLE], "1.本机关不掌握相关政府信息", ["总计"]) == (51, "件")
    assert value(report, REQUESTS, [RESULT, OTHER], OVERDUE_FEE, ["自然人"]) == (None, "件")
    assert value(report, REQUESTS, [RESULT, OTHER], OVERDUE_FEE, ["总计"]) == (None, "件")
    assert value(report, REQUESTS, [RESULT], "(七)总计", ["总计"]) == (201, "件")
    assert value(report, REQUESTS, [], "四、结转下年度继续办理", ["总计"]) == (10, "件")
    assert value(report, REVIEWS, [], "案件数量", ["行政复议", "结果维持"]) == (1, "件")
    assert value(report, REVIEWS, [], "案件数量", [*DIRECT_SUIT, "尚未审结"]) == (1, "件")


# --- page numbers and punctuation wherever they stand -----------------------------------

def text_pdf(lines: list[tuple[float, float, str]]) -> bytes:
    """A one-page A4 PDF printing each (x, y, text) in Helvetica 12 (y from the page's foot)."""
    stream = b"".join(b"BT /F1 12 Tf %.1f %.1f Td (%s) Tj ET\n" % (x, y, text.encode("latin-1"))
                      for x, y, text in lines)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return pdf_from_objects(objects)


def test_page_numbers_go_wherever_they_stand_and_stray_punctuation_ends_its_line(tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(text_pdf([
        (72, 760, "The widest line of this page sets its right edge for the others"),
        (96, 700, "The office reports every year"),  # a new paragraph, indented
        (260, 692, "."),  # set a little below its line
        (280, 600, "- 7 -"),  # a page number in the middle of the page
        (90, 520, "3/9"),
        (72, 440, "12"),  # a bare number in the body is text
        (72, 380, "- 2 - Summary of the year"),
        (300, 30, "12"),  # a bare number in the bottom margin is a page number
    ]))
    assert read_lines(path) == ["The widest line of this page sets its right edge for the others",
                                "The office reports every year.", "12", "Summary of the year"]
