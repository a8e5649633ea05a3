"""Statistics tables whose cell separators were lost when a web page was saved as text."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from conftest import EXAMPLE
from index.flat_tables import restore_flat_tables
from index.ingest import parse_file
from index.layout import TableBlock, is_table_line, split_cells, squeeze
from index.parse_legacy_table import is_legacy_header, parse_legacy_table
from index.parse_template2019 import ACTIVE_TABLE, REQUEST_TABLE, REVIEW_LABEL, REVIEW_TABLE
from index.parsing import parse_report
from index.readers import read_lines, tidy
from index.report import Report, TableRow

DATA = Path(__file__).parent / "data"
PINGTAN = DATA / "real" / "pingtan-2015.txt"
FLAT_2019 = DATA / "flat" / "template2019-flat.txt"
SPACED = DATA / "flat" / "spaced-2016.txt"
RESULT = "三、本年度办理结果"
RUNNING = ["历年累计"]
TABLE_WARNINGS = ("统计表", "表格", "单元格", "数值", "数字")


def restore_and_parse(lines: list[str], source: str) -> tuple[list[str], list[str], Report]:
    warnings: list[str] = []
    restored = restore_flat_tables(lines, warnings, source)
    return restored, warnings, parse_report(restored, source, Path(source).stem)


def cell(report: Report, label: str, *columns: str) -> TableRow:
    found = [r for r in report.table_rows if r.label == label and r.columns == list(columns)]
    assert len(found) == 1, (label, columns, [(r.label, r.columns) for r in report.table_rows])
    return found[0]


def table_warnings(report: Report) -> list[str]:
    return [w for w in report.warnings if any(word in w for word in TABLE_WARNINGS)]


# --- pingtan-2015: the legacy 统计表 at the end of a one-line page -----------------------------

@pytest.fixture(scope="module")
def pingtan() -> tuple[list[str], list[str], Report]:
    return restore_and_parse(read_lines(PINGTAN), "pingtan-2015.txt")


def test_pingtan_table_is_cut_out_of_the_narrative(pingtan):
    restored, warnings, _ = pingtan
    heading = restored.index("七、平潭综合实验区政府信息公开情况统计表")
    assert restored[heading - 1].endswith("提升工作人员整体工作水平。")
    assert not is_table_line(restored[heading])
    assert restored[heading + 1] == "指标名称 | 计量单位 | 2015年度 | 历年累计 |"
    assert restored[heading + 2] == "主动公开文件数 | 条 | 2949 | 81916 |"
    assert restored[-1] == "行政诉讼数 | 件 | 0 | 0 |"
    assert warnings == []


def test_pingtan_cells_this_year_and_running_total(pingtan):
    report = pingtan[2]
    published = cell(report, "主动公开文件数")
    assert (published.value, published.unit, published.parents) == (2949, "条", [])
    assert cell(report, "主动公开文件数", *RUNNING).value == 81916
    assert cell(report, "受理依申请公开信息总数").value == 0
    assert cell(report, "受理依申请公开信息总数", *RUNNING).value == 1
    assert cell(report, "行政诉讼数").value_text() == "0 件"
    assert cell(report, "政府信息公开收费减免金额").value_text() == "0 元"
    assert len(report.table_rows) == 16 * 2
    assert table_warnings(report) == []


def test_pingtan_subset_rows_hang_under_their_parent_and_add_up(pingtan):
    report = pingtan[2]
    assert cell(report, "其中:1、政府网站公开数").parents == ["主动公开文件数"]
    assert cell(report, "2、政府公报公开数", *RUNNING).parents == ["主动公开文件数"]
    assert cell(report, "3、信函、传真申请数").parents == ["受理依申请公开信息总数"]
    assert cell(report, "4、其他类型答复数").parents == ["对申请的答复总数"]
    assert cell(report, "政府信息公开收费减免金额").parents == []
    for parent in ("主动公开文件数", "受理依申请公开信息总数", "对申请的答复总数"):
        for columns in ([], RUNNING):
            children = [r for r in report.table_rows if r.parents == [parent] and r.columns == columns]
            assert len(children) >= 2 and sum(r.value for r in children) == cell(report, parent, *columns).value


def test_pingtan_without_the_narrative_figure_leaves_the_row_unreadable():
    """294981916 is 2|94981916, 29|4981916, 294|981916 or 2949|81916: only the narrative's "2949条" tells."""
    lines = [line.replace("2015年主动公开政府信息2949条", "") for line in read_lines(PINGTAN)]
    _, warnings, report = restore_and_parse(lines, "pingtan-2015.txt")
    for label in ("主动公开文件数", "其中:1、政府网站公开数"):
        assert cell(report, label).value is None and cell(report, label, *RUNNING).value is None
        assert cell(report, label).value_text() == "无法识别(原文“294981916”)"  # printed, so not 未填报
        assert any(w.startswith("pingtan-2015.txt:10: ") and f"“{label}”" in w and "'294981916'" in w
                   and "4 种" in w for w in warnings), warnings
    assert len(warnings) == 2
    assert cell(report, "2、政府公报公开数").value == 0


# --- the 2019 template as a web page's text ------------------------------------------------------

@pytest.fixture(scope="module")
def template2019() -> tuple[list[str], list[str], Report]:
    return restore_and_parse(read_lines(FLAT_2019), "template2019-flat.txt")


def test_2019_tables_are_cut_out_with_their_headings(template2019):
    restored = template2019[0]
    for heading in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"):
        at = restored.index(heading)
        assert is_table_line(restored[at + 1]) and not is_table_line(restored[at])
    assert restored[restored.index("二、主动公开政府信息情况") - 1].endswith("主动公开政府信息4120条。")
    assert restored[-1].startswith("五、存在的主要问题及改进情况 部分单位政策解读形式单一。")
    assert template2019[2].template == "2019"
    assert table_warnings(template2019[2]) == []


def test_2019_request_rows_split_by_their_totals(template2019):
    report = template2019[2]
    new = "一、本年新收政府信息公开申请数量"
    assert [cell(report, new, *c).value for c in (["自然人"], ["法人或其他组织", "商业企业"], ["总计"])] == [71, 3, 74]
    assert cell(report, new, "法人或其他组织", "其他").value == 0
    assert cell(report, "二、上年结转政府信息公开申请数量", "法人或其他组织", "商业企业").value == 9
    assert cell(report, "1.本机关不掌握相关政府信息", "自然人").value == 12
    assert cell(report, "3.危及“三安全一稳定”", "总计").parents == [RESULT, "(三)不予公开"]
    assert cell(report, "(七)总计", "总计").value == 72
    assert cell(report, "四、结转下年度继续办理", "总计").value == 13
    assert {r.table for r in report.table_rows if r.label == new} == {REQUEST_TABLE}


def test_2019_ambiguous_rows_stay_unreadable_with_a_warning(template2019):
    """信访 and 重复申请 both print 110000011: 11|0|…|11 and 1|10|…|11 each add up, in either order."""
    warnings, report = template2019[1], template2019[2]
    for label in ("1.信访举报投诉类申请", "2.重复申请"):
        assert all(r.value is None and r.is_unreadable for r in report.table_rows if r.label == label)
        assert any(f"{label}”" in w and "'110000011'" in w and "2 种" in w for w in warnings), warnings
    assert all(r.value is None for r in report.table_rows if r.label == "行政规范性文件")
    assert any("“第二十条第(一)项 / 行政规范性文件”" in w and "'5237'" in w for w in warnings)
    assert len(warnings) == 3 and all(w.startswith("template2019-flat.txt:2: ") for w in warnings)


def test_2019_active_and_review_cells(template2019):
    report = template2019[2]
    assert cell(report, "规章", "现行有效件数").value == 0
    licence = cell(report, "行政许可", "本年处理决定数量")
    assert (licence.value, licence.parents, licence.table) == (1268, ["第二十条第(五)项"], ACTIVE_TABLE)
    assert cell(report, "行政强制", "本年处理决定数量").value is None
    assert cell(report, "行政事业性收费", "本年收费金额").value_text() == "12.56 万元"
    upheld = cell(report, REVIEW_LABEL, "行政复议", "结果维持")
    assert (upheld.value, upheld.table) == (10, REVIEW_TABLE)
    assert cell(report, REVIEW_LABEL, "行政复议", "总计").value == 13
    assert cell(report, REVIEW_LABEL, "行政诉讼", "未经复议直接起诉", "尚未审结").value == 1
    assert cell(report, REVIEW_LABEL, "行政诉讼", "复议后起诉", "总计").value == 0


# --- cells separated by spaces or tabs -----------------------------------------------------------

def test_spaced_legacy_table_on_separate_lines():
    restored, warnings, report = restore_and_parse(read_lines(SPACED), "spaced-2016.txt")
    assert "指标名称 | 计量单位 | 2016年度 | 历年累计 |" in restored
    assert cell(report, "主动公开文件数", *RUNNING).value == 2210
    assert cell(report, "2、政府公报公开数").value == 56
    assert cell(report, "2、网上申请数").parents == ["受理依申请公开信息总数"]
    assert cell(report, "3、信函、传真申请数").value is None  # printed without figures: blank, no warning
    assert cell(report, "行政复议数", *RUNNING).value == 3
    lawsuits = [r for r in report.table_rows if r.label == "行政诉讼数"]
    assert [r.value for r in lawsuits] == [None, None]  # "12" under two columns: one of them is blank
    assert warnings == ["spaced-2016.txt:15: 网页文字中的统计表行“行政诉讼数”的数字 '12' "
                        "印有 1 个数值,与 2 列对不上,该行数值记为无法识别"]
    assert report.signoff["填报人"] == "李四"
    assert table_warnings(report) == []


def test_spaced_2019_tables():
    lines = [
        "某某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第(一)项",
        "信息内容 本年制发件数 本年废止件数 现行有效件数", "规章 13 13 524", "行政规范性文件\t5\t2\t37",
        "第二十条第(五)项", "信息内容 本年处理决定数量", "行政许可 1268",
        "三、收到和处理政府信息公开申请情况",
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) 申请人情况",
        "自然人 法人或其他组织 总计", "商业企业 科研机构 社会公益组织 法律服务机构 其他",
        "一、本年新收政府信息公开申请数量 71 3 0 0 0 0 74", "二、上年结转政府信息公开申请数量 2 0 0 0 0 0 2",
        RESULT, "(一)予以公开 30 1 0 0 31", "(二)部分公开(区分处理的,只计这一情形,不计其他情形) 43 2 0 0 0 0 45",
        "(七)总计 73 3 0 0 0 0 76", "四、结转下年度继续办理 0 0 0 0 0 0 0",
        "四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计",
        "1 0 0 0 1 0 0 0 0 0 0 2 0 0 2", "五、存在的主要问题及改进情况", "无。",
    ]
    _, warnings, report = restore_and_parse(lines, "r.txt")
    assert [cell(report, "规章", c).value for c in ("本年制发件数", "本年废止件数", "现行有效件数")] == [13, 13, 524]
    assert cell(report, "行政规范性文件", "现行有效件数").value == 37
    assert cell(report, "一、本年新收政府信息公开申请数量", "总计").value == 74
    assert cell(report, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "自然人").parents == [RESULT]
    assert all(r.value is None for r in report.table_rows if r.label == "(一)予以公开")  # 5 numbers, 7 columns
    assert warnings == ["r.txt:17: 网页文字中的统计表行“三、本年度办理结果 / (一)予以公开”的数字 '30 1 0 0 31' "
                        "印有 5 个数值,与 7 列对不上,该行数值记为无法识别"]
    assert cell(report, REVIEW_LABEL, "行政诉讼", "复议后起诉", "结果纠正").value == 2
    assert table_warnings(report) == []


# --- what is never guessed ---------------------------------------------------------------------

def flat_legacy(header: str, body: str) -> tuple[list[str], Report]:
    lines = ["某某局2016年政府信息公开工作年度报告", "一、概述", "本年度工作平稳。", f"二、统计表 {header}{body}"]
    _, warnings, report = restore_and_parse(lines, "f.txt")
    return warnings, report


def test_leading_zeros_are_not_a_number():
    warnings, report = flat_legacy("统计指标单位统计数", "行政复议数件0074行政诉讼数件0")
    assert cell(report, "行政复议数").value is None and cell(report, "行政诉讼数").value == 0
    assert warnings == ["f.txt:4: 网页文字中的统计表行“行政复议数”的数字 '0074' 无法按本表规则拆分为 1 列,该行数值记为无法识别"]


def test_running_total_is_never_below_this_year():
    """10 under 2016年度 | 历年累计 can only be 1 | 0, which a running total rules out."""
    warnings, report = flat_legacy("指标名称计量单位2016年度历年累计", "行政复议数件10行政诉讼数件12")
    assert cell(report, "行政复议数").value is None and "'10'" in warnings[0]
    assert (cell(report, "行政诉讼数").value, cell(report, "行政诉讼数", *RUNNING).value) == (1, 2)
    assert len(warnings) == 1


def test_row_number_out_of_sequence_leaves_the_row_in_doubt():
    """After "其中:1、" the next number is 2 (or a new list's 1); "…条27、" ends neither way."""
    warnings, report = flat_legacy("统计指标单位统计数", "受理申请数件3其中:1、当面申请数件27、网上申请数件1")
    assert cell(report, "其中:1、当面申请数").value is None
    assert "后接的行号与上一行的编号不连续" in warnings[0] and "'2'" in warnings[0]


def test_headings_without_figures_and_blank_rows_in_run_together_text():
    warnings, report = flat_legacy("统计指标单位统计数", "一、主动公开情况(一)主动公开政府信息数条690其中:主动公开规范性文件数条"
                                                "(二)回应公众关注热点数次3四、行政复议数量件1")
    assert warnings == []
    assert cell(report, "一、主动公开情况").unit == ""
    assert cell(report, "(一)主动公开政府信息数").value == 690
    blank = cell(report, "其中:主动公开规范性文件数")
    assert (blank.value, blank.unit, blank.parents) == (None, "条", ["一、主动公开情况", "(一)主动公开政府信息数"])
    assert cell(report, "(二)回应公众关注热点数").parents == ["一、主动公开情况"]
    assert cell(report, "四、行政复议数量").value == 1


def test_a_dash_is_a_blank_cell_in_its_place():
    warnings, report = flat_legacy("指标名称计量单位2016年度历年累计", "一、依申请公开情况——(一)收到申请数件—3(二)办结数件2—")
    assert warnings == []
    assert cell(report, "一、依申请公开情况").unit == ""
    assert (cell(report, "(一)收到申请数").value, cell(report, "(一)收到申请数", *RUNNING).value) == (None, 3)
    assert (cell(report, "(二)办结数").value, cell(report, "(二)办结数", *RUNNING).value) == (2, None)


def flattened(lines: list[str]) -> list[str]:
    """Each run of table rows as one line of text with its cells run together, as a page copy gives
    it: blank and dash cells vanish."""
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if is_table_line(line):
            run += [c for c in split_cells(line) if c.strip("—")]
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(line)
    return out[:-1]


def test_the_bundled_report_flattened_reads_back_its_figures():
    """xizhu-2018's table as one run-together line: every filled cell comes back where it was."""
    original = parse_report(read_lines(EXAMPLE), "x.txt", "x")
    _, warnings, report = restore_and_parse(flattened(read_lines(EXAMPLE)), "x.txt")
    filled = {(squeeze(r.label), *r.parents): r.value for r in original.table_rows if r.value is not None}
    restored = {(r.label, *r.parents): r.value for r in report.table_rows if r.value is not None}
    assert len(filled) == 14 and restored == filled
    assert warnings == []


# --- what is left alone -------------------------------------------------------------------------

@pytest.mark.parametrize("path", [DATA / "real" / "pingtan-dishui-2013.txt", EXAMPLE,
                                  DATA / "formats" / "report2019.txt"])
def test_reports_without_flat_tables_are_returned_unchanged(path):
    lines = read_lines(path)
    warnings: list[str] = []
    assert restore_flat_tables(lines, warnings, path.name) == lines
    assert warnings == []


def test_table_words_in_prose_are_not_a_table():
    lines = ["某某局2021年政府信息公开工作年度报告",
             "一、总体情况 按照《条例》第二十条第(一)项的规定公开规章3件,行政复议和行政诉讼结果维持1件。",
             "本年新收政府信息公开申请数量为71件,指标单位统计数据均已公开。"]
    assert restore_flat_tables(lines, [], "p.txt") == lines


# --- several value columns in the legacy table ------------------------------------------------------

def test_legacy_table_with_a_running_total_column():
    rows = [["指标名称", "计量单位", "2015年度", "历年累计"], ["主动公开文件数", "条", "2949", "81916"],
            ["其中:1、政府网站公开数", "条", "2949", ""], ["2、政府公报公开数", "条", "0", "x"],
            ["受理依申请公开信息总数", "条", "0", "1"]]
    assert is_legacy_header(rows[0])
    warnings: list[str] = []
    parsed = parse_legacy_table(TableBlock(rows=rows, lines=[1, 2, 3, 4, 5]), warnings, "t.txt")
    assert [(r.label, r.columns, r.value) for r in parsed[:2]] == [("主动公开文件数", [], 2949),
                                                                   ("主动公开文件数", RUNNING, 81916)]
    assert parsed[3].value is None and parsed[3].columns == RUNNING
    assert [r.parents for r in parsed[2:6]] == [["主动公开文件数"]] * 4
    assert parsed[6].parents == []
    assert warnings == ["t.txt:4: 无法识别的数值 'x'(2、政府公报公开数 / 历年累计),未导入数值"]


# --- the same report in every form real copies take ---------------------------------------------
# Each form is made at test time from a report we have and parsed; every cell must be the
# original's, or unreadable with a warning naming its row, or missing where the form loses it.

SHANGHAI = DATA / "real" / "shanghai-bgt-2019.html"
HUAIAN = DATA / "real" / "huaian-2024.pdf"
REPORT_2021 = DATA / "formats" / "report2019.html"
REPORT_2021_PDF = DATA / "formats" / "report2019.pdf"
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "li", "br", "table", "tr", "td", "th"}


def html_blocks(path: Path) -> list[str | list[list[str]]]:
    """The page body in order: text blocks, and tables as rows of cells, a merged cell once."""
    document = lxml.html.document_fromstring(path.read_bytes())
    blocks: list[str | list[list[str]]] = []
    buffer: list[str] = []

    def flush() -> None:
        text = tidy("".join(buffer))
        buffer.clear()
        if text:
            blocks.append(text)

    def walk(element) -> None:
        if not isinstance(element.tag, str) or element.tag in ("head", "script", "style"):
            return
        if element.tag == "table" and not element.xpath(".//table"):
            flush()
            blocks.append([[tidy(c.text_content()) for c in tr.xpath("./td|./th")] for tr in element.xpath(".//tr")])
            return
        if element.tag in _BLOCK_TAGS:
            flush()
        buffer.append(element.text or "")
        for child in element:
            walk(child)
            buffer.append(child.tail or "")
        if element.tag in _BLOCK_TAGS:
            flush()

    walk(document.find("body"))
    flush()
    return blocks


def text_blocks(path: Path) -> list[str | list[list[str]]]:
    blocks: list[str | list[list[str]]] = []
    for line in read_lines(path):
        if is_table_line(line):
            if not blocks or isinstance(blocks[-1], str):
                blocks.append([])
            blocks[-1].append(split_cells(line))
        elif line.strip():
            blocks.append(line)
    return blocks


def crawler_text(blocks, joiner: str) -> str:
    """What a crawler saves: a header, then the body's text on one line, a blank cell gone."""
    body = " ".join(block if isinstance(block, str) else
                    joiner.join(c for row in block for c in row if c.strip("—")) for block in blocks)
    return "\n".join(["标题: 报告", "发布时间: 2020-01-31 10:00", "原文链接: https://example.gov.cn/a.htm",
                      "==================== 正文 ====================", body]) + "\n"


def wrapped(cell: str, width: int = 12) -> list[str]:
    return [cell[i:i + width] for i in range(0, len(cell), width)] or [""]


def cell_per_line(blocks) -> str:
    """pdftotext without -layout: every printed cell on its own line(s), a long one wrapped."""
    lines = []
    for block in blocks:
        cells = [] if isinstance(block, str) else [c for row in block for c in row if c.strip()]
        lines += [block] if isinstance(block, str) else [piece for c in cells for piece in wrapped(c)]
    return "\n".join(lines) + "\n"


def layout_text(blocks) -> str:
    """pdftotext -layout: a row on one line, cells parted by spaces, long labels wrapped below."""
    lines = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
            continue
        for row in block:
            pieces = [wrapped(c) for c in row]
            for k in range(max(len(p) for p in pieces)):
                lines.append("   ".join((p[k] if k < len(p) else "").ljust(12) for p in pieces).rstrip())
    return "\n".join(lines) + "\n"


def pdftotext(path: Path, *options: str) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, check=True, text=True).stdout


def cell_key(row: TableRow) -> tuple:
    return row.table, tuple(squeeze(p) for p in row.parents), squeeze(row.label), tuple(row.columns)


def compare(original: Report, copy: Report) -> dict[str, list]:
    """Cells of the copy against the original's: matched, unreadable, missing, and any wrong value
    or printed figure turned blank (never allowed)."""
    found = {cell_key(r): r for r in copy.table_rows}
    result: dict[str, list] = {"matched": [], "unreadable": [], "missing": [], "wrong": []}
    for row in original.table_rows:
        key, other = cell_key(row), found.get(cell_key(row))
        if other is None:
            result["missing"].append(key)
        elif other.is_unreadable:
            result["unreadable"].append(key)
        elif other.value == row.value:
            result["matched"].append(key)
        else:
            result["wrong"].append((key, row.value, other.value))
    return result


def _sources() -> dict[str, Path]:
    return {"shanghai": SHANGHAI, "report2021": REPORT_2021, "xizhu": EXAMPLE, "huaian": HUAIAN,
            "report2021pdf": REPORT_2021_PDF}


def make_form(source: str, form: str) -> str:
    path = _sources()[source]
    if form.startswith("pdftotext"):
        return pdftotext(path, *(["-layout"] if form.endswith("layout") else []))
    blocks = text_blocks(path) if path.suffix == ".txt" else html_blocks(path)
    joiners = {"crawler-none": "", "crawler-space": " ", "crawler-tab": "\t"}
    if form in joiners:
        return crawler_text(blocks, joiners[form])
    return cell_per_line(blocks) if form == "cells" else layout_text(blocks)


# (source, form): cells matched, unreadable, missing. The original's blank cells that a copy drops
# make a row's numbers fewer than its columns: where they stood is unknown, so the row is unreadable.
FORMS = {
    ("shanghai", "crawler-none"): (70, 128, 0), ("shanghai", "crawler-space"): (78, 120, 0),
    ("shanghai", "crawler-tab"): (78, 120, 0), ("report2021", "crawler-none"): (49, 151, 0),
    ("report2021", "crawler-space"): (52, 148, 0), ("report2021", "crawler-tab"): (52, 148, 0),
    ("xizhu", "crawler-none"): (59, 0, 6), ("xizhu", "crawler-space"): (59, 0, 6), ("xizhu", "crawler-tab"): (59, 0, 6),
    ("shanghai", "cells"): (56, 120, 22), ("report2021", "cells"): (52, 148, 0), ("xizhu", "cells"): (59, 0, 6),
    ("shanghai", "layout"): (0, 15, 183), ("report2021", "layout"): (52, 148, 0), ("xizhu", "layout"): (41, 0, 24),
    ("huaian", "pdftotext"): (185, 15, 0), ("huaian", "pdftotext-layout"): (200, 0, 0),
    ("report2021pdf", "pdftotext"): (0, 0, 200), ("report2021pdf", "pdftotext-layout"): (52, 148, 0),
}


@pytest.fixture(scope="module")
def originals() -> dict[str, Report]:
    return {name: parse_file(path) for name, path in _sources().items()}


@pytest.mark.parametrize(("source", "form"), sorted(FORMS))
def test_every_form_gives_the_original_cells_or_says_why_not(source, form, originals, tmp_path):
    copy_path = tmp_path / f"{source}-{form}.txt"
    copy_path.write_text(make_form(source, form), encoding="utf-8")
    original, copy = originals[source], parse_file(copy_path)
    result = compare(original, copy)
    assert result["wrong"] == []  # never another number, never a printed figure as 未填报
    assert (len(result["matched"]), len(result["unreadable"]), len(result["missing"])) == FORMS[(source, form)]
    unreadable_rows = {r.label for r in copy.table_rows if r.is_unreadable}
    warned = {w.split("统计表行“")[1].split("”的数字")[0].split(" / ")[-1] for w in copy.warnings if "统计表行“" in w}
    warned = {REVIEW_LABEL if label == REVIEW_TABLE else label for label in warned}  # 表四's one row
    assert {squeeze(label) for label in unreadable_rows} == {squeeze(label) for label in warned}
    not_imported = [w for w in copy.warnings if "未导入该表" in w]
    lost_tables = {key[0] for key in result["missing"]} - {r.table for r in copy.table_rows}
    assert {w.split("《")[1].split("》")[0] for w in not_imported} <= lost_tables | {r.table for r in copy.table_rows}
    assert not [w for w in copy.warnings if "未能归入任何章节的文字" in w and any(ch.isdigit() for ch in w[-6:])]
    assert all(s.heading in [o.heading for o in original.sections] for s in copy.sections)


def test_pdftotext_of_huaian_keeps_the_sections_and_table_words_out_of_them(originals, tmp_path):
    """Without -layout, "四、结转下年度继续办理" once became a section and 表二 read 未填报."""
    for options, unreadable in (((), {REVIEW_LABEL}), (("-layout",), set())):
        path = tmp_path / "huaian.txt"
        path.write_text(pdftotext(HUAIAN, *options), encoding="utf-8")
        copy = parse_file(path)
        assert [s.heading for s in copy.sections] == [s.heading for s in originals["huaian"].sections]
        assert cell(copy, "行政许可", "本年处理决定数量").value == 447228
        assert cell(copy, "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "总计").value == 71
        assert {r.label for r in copy.table_rows if r.is_unreadable} == unreadable
    assert copy.warnings == []


def test_pdftotext_printed_column_by_column_imports_no_table_and_says_so(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(pdftotext(REPORT_2021_PDF), encoding="utf-8")
    copy = parse_file(path)
    assert [w.split(": ", 1)[1] for w in copy.warnings if "未导入该表" in w] == [
        f"统计表《{name}》的文字分散在多行,无法按模板还原,未导入该表" for name in (ACTIVE_TABLE, REQUEST_TABLE, REVIEW_TABLE)]
    assert copy.table_rows == [] and len(copy.sections) == 6
