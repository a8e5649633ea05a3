"""Reports as governments published them (tests/data/real, copies of public documents): metadata,
section headings and table cells, each cell checked by hand against the published page."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest import parse_file
from index.parse_template2019 import ACTIVE_TABLE, REQUEST_TABLE, REVIEW_TABLE
from index.report import Report, TableRow
from index.show import render_report
from index.table_rules import check_tables

REAL = Path(__file__).parent / "data" / "real"
RESULT = "三、本年度办理结果"
NEW = "一、本年新收政府信息公开申请数量"
ORG = "法人或其他组织"


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {path.stem: parse_file(path) for path in sorted(REAL.iterdir())}


def cell(report: Report, table: str, path: list[str], columns: list[str]) -> TableRow:
    found = [r for r in report.table_rows if r.table == table and r.path == path and r.columns == columns]
    assert len(found) == 1, (path, columns, [(r.path, r.columns) for r in report.table_rows if r.label == path[-1]])
    return found[0]


@pytest.mark.parametrize("stem, title, unit, level, region, year, template", [
    ("huaian-2024", "淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府", "市", "淮安市", 2024, "2019"),
    ("shanghai-bgt-2019", "2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", "部门", "上海市",
     2019, "2019"),
    ("pingtan-2015", "平潭综合实验区2015年度政府信息公开工作年度报告", "平潭综合实验区", "区县", "平潭综合实验区", 2015,
     "legacy"),
    ("pingtan-dishui-2013", "平潭综合实验区地方税务局2013年信息公开年度报告", "平潭综合实验区地方税务局", "部门",
     "平潭综合实验区", 2013, "legacy"),
])
def test_metadata(reports, stem, title, unit, level, region, year, template):
    report = reports[stem]
    assert (report.title, report.unit, report.level, report.region, report.year, report.template) == (
        title, unit, level, region, year, template)


def test_page_chrome_is_not_the_report(reports):
    """Header lines of a saved web page (标题:, 原文链接, 当前位置, share buttons) are not text of the report."""
    for stem in ("pingtan-2015", "pingtan-dishui-2013"):
        report = reports[stem]
        text = report.intro + "".join(s.text for s in report.sections)
        for chrome in ("原文链接", "发布时间", "当前位置", "QQ空间", "全真版", "页面链接与图片"):
            assert chrome not in text, (stem, chrome)
        assert report.intro.startswith("根据《中华人民共和国政府信息公开条例》")


@pytest.mark.parametrize("stem, headings", [
    ("huaian-2024", ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                     "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]),
    ("shanghai-bgt-2019", ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                           "四、政府信息公开行政复议、行政诉讼情况", "五、政府信息公开工作存在的主要问题及改进情况",
                           "六、其他需要报告的事项"]),
    ("pingtan-2015", ["一、概述", "二、主动公开政府信息情况", "三、政府信息依申请公开工作情况",
                      "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
                      "六、主要问题和改进措施", "七、平潭综合实验区政府信息公开情况统计表"]),
    ("pingtan-dishui-2013", ["一、概述", "二、主动公开政府信息情况", "三、依申请公开、不予公开及咨询政府信息情况",
                             "四、审批事项及处理情况", "五、申请行政复议、提起行政诉讼和申诉的情况",
                             "六、工作人员及信息公开事务支出情况"]),
])
def test_section_headings(reports, stem, headings):
    assert [s.heading for s in reports[stem].sections] == headings


def test_run_together_text_keeps_its_sub_items_apart(reports):
    """One line of copied web text becomes one line per sub-item, so a sub-heading answers with what is under it."""
    active = reports["pingtan-2015"].sections[1].text.split("\n")
    assert active[0].startswith("(一)主动公开政府信息的数量")
    assert any(line.startswith("(三)主动公开政府信息的主要形式") for line in active)
    assert "2015年主动公开政府信息2949条" in active[0]


def test_shanghai_cells_as_published(reports):
    """Checked against the page: blank (&nbsp;) cells are 未填报, never 0; the 2019 first-version columns."""
    r = reports["shanghai-bgt-2019"]
    expected = [
        (REQUEST_TABLE, [NEW], [ORG, "商业企业"], 35),
        (REQUEST_TABLE, [NEW], [ORG, "科研机构"], None),
        (REQUEST_TABLE, [NEW], ["总计"], 859),
        (REQUEST_TABLE, [RESULT, "(一)予以公开"], ["自然人"], 258),
        (REQUEST_TABLE, [RESULT, "(一)予以公开"], ["总计"], None),
        (REQUEST_TABLE, [RESULT, "(三)不予公开", "1.属于国家秘密"], ["自然人"], 14),
        (REQUEST_TABLE, [RESULT, "(四)无法提供", "1.本机关不掌握相关政府信息"], ["自然人"], 252),
        (REQUEST_TABLE, [RESULT, "(七)总计"], ["总计"], 805),
        (REQUEST_TABLE, ["四、结转下年度继续办理"], ["总计"], 72),
        (REVIEW_TABLE, ["案件数量"], ["行政复议", "结果维持"], 5),
        (REVIEW_TABLE, ["案件数量"], ["行政复议", "尚未审结"], 2),
        (REVIEW_TABLE, ["案件数量"], ["行政诉讼", "未经复议直接起诉", "尚未审结"], 1),
        (REVIEW_TABLE, ["案件数量"], ["行政诉讼", "复议后起诉", "总计"], None),
        (ACTIVE_TABLE, ["第二十条第(一)项", "规章"], ["对外公开总数量"], 524),
        (ACTIVE_TABLE, ["第二十条第(一)项", "规范性文件"], ["本年新制作数量"], 60),
        (ACTIVE_TABLE, ["第二十条第(八)项", "行政事业性收费"], ["上一年项目数量"], 0),
    ]
    for table, path, columns, value in expected:
        assert cell(r, table, path, columns).value == value, (path, columns)
    purchase = cell(r, ACTIVE_TABLE, ["第二十条第(九)项", "政府集中采购"], ["采购总金额"])
    assert (purchase.value, purchase.unit) == (251000, "元")
    assert r.warnings == []


def test_huaian_pdf_cells_as_published(reports):
    """Checked against the PDF's pages 3-5 (pdftoppm images)."""
    r = reports["huaian-2024"]
    expected = [
        (REQUEST_TABLE, [NEW], ["自然人"], 3001),
        (REQUEST_TABLE, [NEW], [ORG, "商业企业"], 53),
        (REQUEST_TABLE, [NEW], [ORG, "法律服务机构"], 61),
        (REQUEST_TABLE, [NEW], [ORG, "科研机构"], 0),
        (REQUEST_TABLE, [NEW], ["总计"], 3119),
        (REQUEST_TABLE, [RESULT, "(一)予以公开"], ["总计"], 1362),
        (REQUEST_TABLE, [RESULT, "(三)不予公开", "8.属于行政查询事项"], ["自然人"], 105),
        (REQUEST_TABLE, [RESULT, "(七)总计"], ["总计"], 3050),
        (REQUEST_TABLE, ["四、结转下年度继续办理"], ["总计"], 103),
        (REVIEW_TABLE, ["案件数量"], ["行政复议", "结果纠正"], 64),
        (REVIEW_TABLE, ["案件数量"], ["行政复议", "总计"], 351),
        (REVIEW_TABLE, ["案件数量"], ["行政诉讼", "未经复议直接起诉", "总计"], 26),
        (REVIEW_TABLE, ["案件数量"], ["行政诉讼", "复议后起诉", "总计"], 20),
        (ACTIVE_TABLE, ["第二十条第(一)项", "规章"], ["现行有效件数"], 11),
        (ACTIVE_TABLE, ["第二十条第(一)项", "行政规范性文件"], ["本年废止件数"], 26),
    ]
    for table, path, columns, value in expected:
        assert cell(r, table, path, columns).value == value, (path, columns)
    fee = cell(r, ACTIVE_TABLE, ["第二十条第(八)项", "行政事业性收费"], ["本年收费金额"])
    assert (fee.value, fee.unit) == (96171.6, "万元")
    unheld = [row for row in r.table_rows if row.label == "1.本机关不掌握相关政府信息" and row.columns == ["总计"]]
    assert [row.value for row in unheld] == [769]


def test_table_rules_hold_on_the_published_tables(reports):
    huaian = check_tables(reports["huaian-2024"])
    assert huaian and all(check.holds for check in huaian)
    shanghai = {check.rule: check.holds for check in check_tables(reports["shanghai-bgt-2019"])}
    assert shanghai["总计: 一 + 二 = 三(七)总计 + 四"] is True
    assert shanghai["行政复议: 总计 = 维持 + 纠正 + 其他 + 尚未审结"] is None  # blank 纠正/其他: cannot be checked


def test_show_lays_out_what_was_read(reports):
    text = render_report(reports["shanghai-bgt-2019"])
    assert "单位: 上海市人民政府办公厅" in text and "年度: 2019" in text
    assert "五、政府信息公开工作存在的主要问题及改进情况" in text
    assert "一、本年新收政府信息公开申请数量 | 821 | 35 | 未填报 | 未填报 | 2 | 1 | 859" in text
    assert "[成立] 总计: 一 + 二 = 三(七)总计 + 四: 877 对 877" in text
    assert "警告(0)" in text


def test_pingtan_table_whose_cells_ran_together(reports):
    """'主动公开文件数条294981916' is 2949 (2015年度) | 81916 (历年累计): the split the parent/child sums and the
    narrative's '2015年主动公开政府信息2949条' leave unique."""
    r = reports["pingtan-2015"]
    cells = {(tuple(row.path), tuple(row.columns)): (row.value, row.unit) for row in r.table_rows}
    assert cells[(("主动公开文件数",), ())] == (2949, "条")
    assert cells[(("主动公开文件数",), ("历年累计",))] == (81916, "条")
    assert cells[(("主动公开文件数", "其中:1、政府网站公开数"), ())] == (2949, "条")
    assert cells[(("受理依申请公开信息总数",), ())] == (0, "条")
    assert cells[(("受理依申请公开信息总数",), ("历年累计",))] == (1, "条")
    assert cells[(("政府信息公开收费减免金额",), ())] == (0, "元")
    assert cells[(("行政诉讼数",), ())] == (0, "件")
    assert len(r.table_rows) == 32 and r.warnings == []
    assert r.sections[-1].heading == "七、平潭综合实验区政府信息公开情况统计表"
