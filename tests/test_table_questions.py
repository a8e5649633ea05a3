"""Table questions over the bundled reports (two legacy tables, one report without a table, two on the 2019
template) and over one unit's years: a negated measure is not its opposite, two measures asked together are
each stated and summed only where both are filled, a row answers only when it counts what is asked, a trend
reads the same measure every year, and everyday English wordings reach the table."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from assistant.report_figures import ReportFigure
from assistant.service import AssistantService
from index.components import Components
from index.ingest import parse_file
from index.report import TableRow
from tests.conftest import ROOT, settings_for
from tests.trend_reports import xizhu_years

BUNDLED = ROOT / "data" / "reports"


def _service(folder: Path, files: list[Path], embeddings) -> AssistantService:
    built = Components(settings_for(folder))
    built.__dict__["embeddings"] = embeddings
    built.ingestor.add_reports([parse_file(p) for p in files])
    return AssistantService(built)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, embeddings) -> AssistantService:
    return _service(tmp_path_factory.mktemp("bundled"), sorted(BUNDLED.iterdir()), embeddings)


@pytest.fixture(scope="module")
def years(tmp_path_factory, embeddings) -> AssistantService:
    folder = tmp_path_factory.mktemp("years")
    return _service(folder / "data", xizhu_years(folder), embeddings)


def ask(service: AssistantService, question: str, report: str | None = None):
    answer = service.ask(question, report=report)
    return answer, unicodedata.normalize("NFKC", answer.text).replace(" ", "")


def cited(answer) -> list[tuple[str, str]]:
    return [(c.report, c.label) for c in answer.citations if c.kind == "table_row"]


# --- a negated measure ------------------------------------------------------------------------------

def test_a_negated_measure_reads_the_negated_rows(bundled):
    answer, flat = ask(bundled, "不同意公开的有几件?")
    labels = [label for _, label in cited(answer)]
    assert ("xizhu-2018", "4.不同意公开答复数") in cited(answer)
    assert ("pingtan-2015", "3、不予公开答复数") in cited(answer)
    shanghai = [c.row for c in answer.citations if c.report == "shanghai-bgt-2019"]
    assert shanghai and all(row.parents[-1].endswith("不予公开") for row in shanghai)
    assert not any("同意公开答复数" in label and "不同意" not in label for label in labels)


def test_an_unnegated_measure_never_reads_the_negated_row(bundled):
    answer, _ = ask(bundled, "同意公开的有几件?", report="xizhu-2018")
    labels = [label for _, label in cited(answer)]
    assert labels and labels[0] == "2.同意公开答复数"
    assert not any("不同意" in label for label in labels)


def test_a_negated_verb_reads_its_own_group(bundled):
    answer, _ = ask(bundled, "不予处理的有几件?", report="huaian-2024")
    rows = [c.row for c in answer.citations if c.kind == "table_row"]
    assert len(rows) == 5 and all(row.parents[-1] == "(五)不予处理" for row in rows)


def test_a_group_of_rows_compared_is_its_total_where_every_row_is_filled(bundled):
    answer, flat = ask(bundled, "上海和淮安不予处理的数量对比")
    assert "88件" in flat and "未填报" in flat  # 淮安 62 + 25 + 0 + 0 + 1; 上海 has blank reasons
    assert len(answer.citations) == 10


# --- two measures added -----------------------------------------------------------------------------

def test_two_measures_added_are_each_stated_and_summed_where_both_are_filled(bundled):
    answer, flat = ask(bundled, "复议和诉讼一共多少件?")
    rows = cited(answer)
    assert ("xizhu-2018", "四、行政复议数量") in rows and ("xizhu-2018", "五、行政诉讼数量") in rows
    assert ("pingtan-2015", "行政复议数") in rows and ("pingtan-2015", "行政诉讼数") in rows
    assert ("huaian-2024", "案件数量 / 行政复议 / 总计") in rows
    assert ("shanghai-bgt-2019", "案件数量 / 行政复议 / 总计") in rows
    assert "3件" in flat  # 西翥 1 + 2
    assert "17件" not in flat  # 上海: 复议后起诉 is blank, so 7 + 9 is no total


def test_two_units_asked_together_are_never_added(bundled):
    answer, flat = ask(bundled, "西翥街道和平潭一共收到多少申请?")
    assert {c.report for c in answer.citations} >= {"xizhu-2018", "pingtan-2015"}
    assert "合计" not in flat


def test_he_between_two_unit_names_joins_them_not_a_place_named_heping(bundled):
    answer, flat = ask(bundled, "西翥街道和平潭综合实验区一共收到多少申请?")
    assert answer.found and {"xizhu-2018", "pingtan-2015"} <= {c.report for c in answer.citations}
    assert "索引中没有" not in flat and "合计" not in flat
    answer, flat = ask(bundled, "和平区2018年收到多少申请?")
    assert not answer.found and "索引中没有和平区" in flat


# --- a row counts what is asked --------------------------------------------------------------------

def test_a_row_answers_only_when_it_counts_what_is_asked(bundled):
    answer, flat = ask(bundled, "开了几次信息公开的会?")
    assert cited(answer) == [("xizhu-2018", "(一)召开政府信息公开工作会议或专题会议数")]
    assert "8次" in flat
    assert "859" not in flat and "3119" not in flat
    assert ("平潭综合实验区2015年、上海市人民政府办公厅2019年、淮安市人民政府2024年的统计表中没有找到这一项" in flat
            and "平潭综合实验区地方税务局2013年的报告中没有找到统计表" in flat), "the silent reports are named, not skipped"


@pytest.mark.parametrize("question", ["How much was charged in fees?", "收了多少费用?", "收取信息处理费多少钱?"])
def test_an_amount_of_money_is_never_read_from_a_count(bundled, question):
    """淮安's only row about fees counts applications (件); the amount it charged is in its narrative."""
    answer, flat = ask(bundled, question)
    assert not any(c.row.unit in ("件", "条", "人", "次") for c in answer.citations if c.kind == "table_row")
    assert ("xizhu-2018", "七、依申请公开信息收取的费用") in cited(answer) and "未填报" in flat
    assert ("huaian-2024", "六、其他需要报告的事项") in [(c.report, c.label) for c in answer.citations]
    assert "3940元" in flat and "6件" not in flat


def test_a_report_without_the_row_answers_from_its_text_only_with_a_figure_that_says_all_that_is_asked(bundled):
    """Over several reports, one without the row is answered from its narrative only by a figure saying what is
    asked, in its measure: not 平潭地税's "收到…行政复议0件" for applications, nor 上海's "微博粉丝突破770万" for posts."""
    answer, flat = ask(bundled, "收到多少申请?")
    assert "行政复议0件" not in flat and "平潭综合实验区地方税务局2013年的报告中没有找到统计表" in flat
    answer, flat = ask(bundled, "微博发了多少条?")
    assert "粉丝" not in flat and "上海市人民政府办公厅2019年" in flat.split("没有找到这一项")[0]
    answer, flat = ask(bundled, "兼职人员有几个?")
    assert "兼职人员1人" in flat and ("pingtan-dishui-2013", "六、工作人员及信息公开事务支出情况") in [
        (c.report, c.label) for c in answer.citations]


def test_an_amount_asked_in_the_table_reads_its_money_row(bundled):
    answer, flat = ask(bundled, "How much was charged in fees?", report="huaian-2024")
    assert "3940元" in flat and not cited(answer)
    answer, flat = ask(bundled, "行政事业性收费金额是多少?", report="huaian-2024")
    assert cited(answer) == [("huaian-2024", "行政事业性收费 / 本年收费金额")] and "96171.6万元" in flat


def test_each_report_states_the_total_of_the_cells_it_lists_where_all_are_filled(bundled):
    answer, flat = ask(bundled, "不予公开的有几件?")
    assert "淮安市人民政府2024年:(三)不予公开合计178件" in flat
    assert "2+31+5+6+8+12+9+105" in flat
    assert "不能相加得出(三)不予公开合计" in flat  # shanghai's reasons are blank: no total, never 0
    answer, flat = ask(bundled, "行政诉讼有几起?")
    assert "淮安市人民政府2024年:行政诉讼合计46件" in flat
    assert "不能相加得出行政诉讼合计" in flat


# --- a trend reads one measure -------------------------------------------------------------------------

def test_a_trend_reads_the_same_measure_every_year(years):
    answer, flat = ask(years, "西翥街道近几年主动公开了多少条信息?")
    assert ("xizhu-2018", "(一)主动公开政府信息数") in cited(answer)
    assert not any(rid != "xizhu-2018" for rid, _ in cited(answer))
    assert "规章" not in flat and "本年新公开数量" not in flat


# --- a group total with an unreadable part ---------------------------------------------------------------

def test_a_group_total_with_an_unreadable_part_is_unreadable():
    def part(column: str, value, raw: str) -> TableRow:
        return TableRow(label="案件数量", unit="件", value=value, raw=raw, parents=[],
                        columns=["行政诉讼", column, "总计"], table="表四")

    rows = [part("未经复议直接起诉", 3, "3"), part("复议后起诉", None, "?")]
    figure = ReportFigure("r", "行政诉讼 合计", None, "件", rows)
    assert figure.value_text().startswith("无法识别")


# --- everyday English ------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, expected", [
    ("Did anyone apply for information disclosure?", "申请"),
    ("Were there any lawsuits?", "行政诉讼"),
    ("How many administrative reconsideration cases were there?", "行政复议"),
    ("How many press conferences were held?", "新闻发布会"),
    ("How many people work on information disclosure?", "工作人员"),
])
def test_everyday_english_reaches_the_table(bundled, question, expected):
    answer, _ = ask(bundled, question, report="xizhu-2018")
    assert answer.found and cited(answer) and expected in cited(answer)[0][1]


def test_english_application_question_over_all_reports(bundled):
    answer, _ = ask(bundled, "Did anyone apply for information disclosure?")
    reports = {rid for rid, _ in cited(answer)}
    assert answer.found and {"xizhu-2018", "pingtan-2015", "shanghai-bgt-2019", "huaian-2024"} <= reports
