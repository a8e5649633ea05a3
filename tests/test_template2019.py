"""Tables of the 2019 template, parsed from the canonical text of a realistic report."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.layout import TableBlock
from index.parse_template2019 import (ACTIVE_TABLE, REQUEST_TABLE, REVIEW_LABEL, REVIEW_TABLE,
                                      is_template2019_table)
from index.parsing import parse_report
from index.readers import read_lines
from index.report import Report, TableRow

FIXTURE = Path(__file__).parent / "data" / "formats" / "report2019.txt"
RESULT = "三、本年度办理结果"
REQUEST_COLUMNS = [["自然人"], *(["法人或其他组织", kind] for kind in ("商业企业", "科研机构", "社会公益组织",
                                                                      "法律服务机构", "其他")), ["总计"]]


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return read_lines(FIXTURE)


@pytest.fixture(scope="module")
def report(lines) -> Report:
    return parse_report(lines, "report2019.txt", "report2019")


def parse(lines: list[str]) -> Report:
    return parse_report(lines, "r.txt", "r")


def cell(report: Report, label: str, *columns: str) -> TableRow:
    found = [r for r in report.table_rows if r.label == label and r.columns == list(columns)]
    assert len(found) == 1, (label, columns, found)
    return found[0]


def replace_line(lines: list[str], start: str, new: str) -> list[str]:
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    return [*lines[:index], new, *lines[index + 1:]]


def test_title_unit_year_and_template(report):
    assert (report.unit, report.year, report.level, report.template) == ("青岚区人民政府", 2021, "区县", "2019")
    assert report.warnings == []


def test_the_six_sections_of_the_template(report):
    assert [s.heading for s in report.sections] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert report.sections[0].text.startswith("2021年,青岚区人民政府坚持以公开为常态")


def test_active_disclosure_cells(report, lines):
    rule = cell(report, "规章", "本年制发件数")
    assert (rule.value, rule.unit, rule.parents, rule.table) == (0.0, "件", ["第二十条第(一)项"], ACTIVE_TABLE)
    assert not rule.is_blank
    assert cell(report, "行政规范性文件", "现行有效件数").value == 37
    licence = cell(report, "行政许可", "本年处理决定数量")  # one value merged over three columns
    assert (licence.value, licence.parents, licence.line) == (1268, ["第二十条第(五)项"],
                                                              lines.index("行政许可 | 1268 | 1268 | 1268 |") + 1)
    fee = cell(report, "行政事业性收费", "本年收费金额")
    assert (fee.value, fee.unit) == (12.56, "万元")
    assert cell(report, "行政强制", "本年处理决定数量").value is None


def test_request_cells(report):
    new = cell(report, "一、本年新收政府信息公开申请数量", "法人或其他组织", "商业企业")
    assert (new.value, new.unit, new.parents, new.table) == (6, "件", [], REQUEST_TABLE)
    assert cell(report, "一、本年新收政府信息公开申请数量", "总计").value == 67
    secret = cell(report, "1.属于国家秘密", "自然人")
    assert secret.parents == [RESULT, "(三)不予公开"]
    assert cell(report, "(一)予以公开", "总计").parents == [RESULT]
    assert cell(report, "(七)总计", "总计").value == 65
    assert cell(report, "四、结转下年度继续办理", "法人或其他组织", "社会公益组织").value == 1
    assert cell(report, "5.要求行政机关确认或重新出具已获取信息", "自然人").parents == [RESULT, "(五)不予处理"]


def test_blank_request_cells_are_none_not_zero(report):
    blank = cell(report, "1.本机关不掌握相关政府信息", "法人或其他组织", "科研机构")
    assert (blank.value, blank.raw, blank.value_text()) == (None, "", "未填报")
    assert cell(report, "1.本机关不掌握相关政府信息", "法人或其他组织", "法律服务机构").value == 1


def test_request_table_adds_up_in_every_column(report):
    """一 + 二 = (七)总计 + 四 is the template's own check; it holds only if every cell landed right."""
    for columns in REQUEST_COLUMNS:
        def value(label):
            return cell(report, label, *columns).value or 0
        assert (value("一、本年新收政府信息公开申请数量") + value("二、上年结转政府信息公开申请数量")
                == value("(七)总计") + value("四、结转下年度继续办理")), columns


def test_review_cells(report):
    corrected = cell(report, REVIEW_LABEL, "行政诉讼", "复议后起诉", "结果纠正")
    assert (corrected.value, corrected.unit, corrected.table, corrected.parents) == (1, "件", REVIEW_TABLE, [])
    assert cell(report, REVIEW_LABEL, "行政复议", "总计").value == 4
    assert cell(report, REVIEW_LABEL, "行政诉讼", "未经复议直接起诉", "总计").value == 2
    assert cell(report, REVIEW_LABEL, "行政诉讼", "复议后起诉", "其他结果").value is None
    assert len([r for r in report.table_rows if r.table == REVIEW_TABLE]) == 15


def test_malformed_rows_are_warned_and_the_rest_kept(lines):
    short = f"{RESULT} | (三)不予公开 | 6.属于四类过程性信息 | 3 | 1 | 0 | 0 | | 4 |"
    garbled = f"{RESULT} | (四)无法提供 | 1.本机关不掌握相关政府信息 | l2 | 1 | | 0 | 1 | | 14 |"
    wide = "行政处罚 | 356 | 356 | 356 | 9 |"
    broken = replace_line(lines, f"{RESULT} | (三)不予公开 | 6.", short)
    broken = replace_line(broken, f"{RESULT} | (四)无法提供 | 1.", garbled)
    broken = replace_line(broken, "行政处罚 |", wide)
    report = parse(broken)
    number = {line: broken.index(line) + 1 for line in (short, garbled, wide)}
    assert any(w.startswith(f"r.txt:{number[short]}: 该行有 9 个单元格,表头有 10 列") for w in report.warnings)
    assert any(w.startswith(f"r.txt:{number[garbled]}: 1.本机关不掌握相关政府信息 / 自然人: 无法识别的数值 'l2'")
               for w in report.warnings)
    assert any(w.startswith(f"r.txt:{number[wide]}: 该行有 5 个单元格,表头有 4 列") for w in report.warnings)
    assert len(report.warnings) == 3
    assert not [r for r in report.table_rows if r.label in ("6.属于四类过程性信息", "行政处罚")]
    assert cell(report, "1.本机关不掌握相关政府信息", "自然人").value is None
    assert cell(report, "1.本机关不掌握相关政府信息", "总计").value == 14
    assert len(report.table_rows) == 200 - 7 - 1


def test_pasted_table_without_repeated_merges_uses_the_template_columns():
    """Text copied from a web page prints a merged cell once: rows get shorter, values stay rightmost."""
    lines = [
        "某某局2020年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |",
        "自然人 | 法人或其他组织 | 总计 |",
        "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |",
        "一、本年新收政府信息公开申请数量 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |",
        f"{RESULT} | (一)予以公开 | 2 | 1 | | | | | 3 |",
        "(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "2.其他法律行政法规禁止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 | 行政诉讼 |",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |",
        " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + " |",
        " | ".join("1 0 0 0 1 0 0 0 0 0 0 2 0 0 2".split()) + " |",
    ]
    report = parse(lines)
    assert report.warnings == []
    assert cell(report, "一、本年新收政府信息公开申请数量", "法人或其他组织", "商业企业").value == 1
    assert cell(report, "(一)予以公开", "法人或其他组织", "科研机构").value is None
    assert cell(report, "2.其他法律行政法规禁止公开", "总计").parents == [RESULT, "(三)不予公开"]
    assert cell(report, REVIEW_LABEL, "行政诉讼", "复议后起诉", "结果纠正").value == 2


def test_table_broken_by_a_page_is_joined_again(lines):
    """A PDF page break: a running header between the parts, the merged 三、 cell blank on the new
    page, and a row whose label ran over the break."""
    start = lines.index(f"{RESULT} | (五)不予处理 | 5.要求行政机关确认或重新出具已获取信息 | 1 | 0 |  | 0 | 0 |  | 1 |")
    tail = [line.replace(RESULT, "", 1) for line in lines[start + 1:start + 5]]
    broken = [*lines[:start],
              f"{RESULT} | (五)不予处理 | 5.要求 | 1 | 0 |  | 0 | 0 |  | 1 |",
              "青岚区人民政府2021年政府信息公开工作年度报告",
              " |  | 行政机关确认或重新出具已获取信息 |  |  |  |  |  |  |  |",
              *tail, *lines[start + 5:]]
    report = parse(broken)
    assert report.warnings == []
    assert cell(report, "5.要求行政机关确认或重新出具已获取信息", "总计").value == 1
    assert cell(report, "3.其他", "自然人").parents == [RESULT, "(六)其他处理"]
    assert cell(report, "(七)总计", "总计").parents == [RESULT]
    assert len(report.table_rows) == 200


def test_2019_first_edition_columns_and_values_with_units():
    lines = [
        "某某镇人民政府2019年政府信息公开工作年度报告", "二、主动公开政府信息情况",
        "第二十条第(一)项 | | | |",
        "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
        "规范性文件 | 2 | 2 | 15 |",
        "第二十条第(五)项 | | | |",
        "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |",
        "行政许可 | 22 | +1 | 23 |",
        "第二十条第(九)项 | | | |",
        "信息内容 | 采购项目数量 | 采购总金额 | |",
        "政府集中采购 | 3 | 184719元 | |",
    ]
    report = parse(lines)
    assert report.warnings == []
    assert cell(report, "规范性文件", "对外公开总数量").value == 15
    assert cell(report, "行政许可", "本年增/减").value == 1
    purchase = cell(report, "政府集中采购", "采购总金额")
    assert (purchase.value, purchase.unit, purchase.raw) == (184719, "元", "184719元")
    assert cell(report, "政府集中采购", "采购项目数量").unit == "件"


def test_unknown_tables_are_left_to_the_caller():
    contact = TableBlock(rows=[["联系人", "联系电话"], ["张三", "0871-65550123"]], lines=[5, 6])
    assert not is_template2019_table(contact)
    report = parse(["某某局2021年政府信息公开工作年度报告", "一、总体情况", "联系人 | 联系电话 |", "张三 | 0871-65550123 |"])
    assert any("无法识别的表格" in w for w in report.warnings)
