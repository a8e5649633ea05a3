"""The audit on the example report, on the 2019-template example, and on small reports written here
to trigger, and not trigger, each kind of finding."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT, run_cli
from index.ingest import parse_file
from review.audit import audit_report

REPORT2019 = ROOT / "tests" / "data" / "formats" / "report2019.txt"

INTRO = "本报告主要内容包括:1.总体公开情况说明;2.主动公开政府信息情况;3.信息公开相关举报、复议、诉讼情况。"
SECTIONS = {
    "总体公开情况说明": "本年度按照要求推进政务公开。",
    "主动公开政府信息情况": "全年在门户网站公开通知公告10条,党建动态5条,基层故事5条。",
    "信息公开相关举报、复议、诉讼情况": "全年因政府信息公开引起行政复议1起,行政诉讼2起。",
}
ROWS = {
    "主动公开": "30", "微博": "20", "微信": "", "复议": "1", "复议维持": "1", "复议纠错": "", "诉讼": "2",
    "诉讼维持": "1", "诉讼纠错": "1",
}


def write_report(folder: Path, intro: str = INTRO, sections: dict | None = None, **cells: str):
    """A small old-template report: numbered sections and a 《政府信息公开情况统计表》 with parents and channels."""
    values = {**ROWS, **cells}
    numbers = "一二三四五六七八九"
    body = "\n".join(f"{numbers[n]}、{title}\n{text}" for n, (title, text) in enumerate((sections or SECTIONS).items()))
    text = f"""测试街道办事处2018年政府信息公开工作年度报告
{intro}
{body}
附表:《政府信息公开情况统计表》
政府信息公开情况统计表
(2018年度)
统 计 指 标 | 单位 | 统计数 |
一、主动公开情况 | ||
(一)主动公开政府信息数 | 条 | {values["主动公开"]} |
(二)通过不同渠道和方式公开政府信息的情况 | ||
1.政务微博公开政府信息数 | 条 | {values["微博"]} |
2.政务微信公开政府信息数 | 条 | {values["微信"]} |
二、行政复议数量 | 件 | {values["复议"]} |
(一)维持具体行政行为数 | 件 | {values["复议维持"]} |
(二)被依法纠错数 | 件 | {values["复议纠错"]} |
三、行政诉讼数量 | 件 | {values["诉讼"]} |
(一)维持具体行政行为或者驳回原告诉讼请求数 | 件 | {values["诉讼维持"]} |
(二)被依法纠错数 | 件 | {values["诉讼纠错"]} |
单位负责人:张三 审 核 人:李四
填 报 人:王五 联系电话:12345678
"""
    path = folder / "small-2018.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


def kinds(findings) -> list[str]:
    return [f.kind for f in findings]


def test_consistent_small_report_has_no_findings(tmp_path):
    report = write_report(tmp_path)
    assert len(report.sections) == 3 and len(report.table_rows) == 11
    assert audit_report(report) == []


@pytest.fixture(scope="module")
def example_findings():
    return audit_report(parse_file(EXAMPLE))


def test_example_narrative_figures_against_blank_rows(example_findings):
    found = [f for f in example_findings if f.kind == "narrative_vs_table"]
    assert {(f.severity, f.citations[1].label) for f in found} == {
        ("needs_review", "(一)收到申请数"), ("needs_review", "六、举报投诉数量")}
    received = next(f for f in found if f.citations[1].label == "(一)收到申请数")
    assert "0件" in received.explanation and "未填报" in received.explanation
    assert received.citations[0].label == "八、政府信息依申请公开工作详细情况"
    assert received.citations[0].quote in parse_file(EXAMPLE).sections[7].text


def test_example_agreeing_figures_raise_no_alarm(example_findings):
    cited = {c.label for f in example_findings if f.kind == "narrative_vs_table" for c in f.citations}
    assert not cited & {"3.政务微博公开政府信息数", "四、行政复议数量", "五、行政诉讼数量"}


def test_example_table_totals(example_findings):
    found = {f.explanation: f for f in example_findings if f.kind == "children_sum"}
    review = [f for f in found.values() if f.severity == "needs_review"]
    assert {f.citations[0].label for f in review} == {"四、行政复议数量", "五、行政诉讼数量"}
    assert all(len(f.citations) == 4 and "均未填报" in f.explanation for f in review)
    channel = [f for f in found.values() if f.severity == "mismatch"]
    assert len(channel) == 1
    assert [c.label for c in channel[0].citations] == ["3.政务微博公开政府信息数", "(一)主动公开政府信息数"]
    assert "690" in channel[0].explanation and "30" in channel[0].explanation


def test_example_intro_list_against_sections(example_findings):
    found = [f for f in example_findings if f.kind == "intro_sections"]
    missing = [f for f in found if f.severity == "mismatch"]
    assert any("建议提案办理结果公开情况" in f.explanation and f.citations[0].label == "导语" for f in missing)
    assert any(f.citations[0].label == "六、政府信息公开工作存在的问题及改进情况" for f in missing)
    reworded = [f for f in found if f.severity == "needs_review"]
    assert len(reworded) == 1 and "第13项" in reworded[0].explanation
    assert "第9项" not in reworded[0].explanation  # only a parenthetical differs


def test_example_narrative_list_past_the_total(example_findings):
    found = [f for f in example_findings if f.kind == "narrative_sum"]
    assert len(found) == 1 and found[0].severity == "mismatch"
    assert "16条+1条+30余条+8条+11条+3条+3条+3个" in found[0].explanation and "75" in found[0].explanation
    assert [c.label for c in found[0].citations] == ["二、主动公开政府信息情况", "(一)主动公开政府信息数"]


def test_every_finding_is_one_line_with_a_known_severity(example_findings):
    assert example_findings
    for finding in example_findings:
        assert finding.severity in ("mismatch", "needs_review")
        assert "\n" not in finding.explanation and finding.citations
        assert set(finding.to_json()) == {"kind", "severity", "explanation", "citations"}


def test_narrative_figure_that_differs_from_its_row(tmp_path):
    sections = {**SECTIONS, "信息公开相关举报、复议、诉讼情况": "全年因政府信息公开引起行政复议1起,行政诉讼3起。"}
    found = audit_report(write_report(tmp_path, sections=sections))
    assert kinds(found) == ["narrative_vs_table"]
    assert found[0].severity == "mismatch" and "行政诉讼3起" in found[0].explanation
    assert "2 件" in found[0].explanation and found[0].citations[1].label == "三、行政诉讼数量"


def test_narrative_figure_with_a_blank_row(tmp_path):
    found = audit_report(write_report(tmp_path, 复议="", 复议维持=""))
    assert [(f.kind, f.severity, f.citations[1].label) for f in found] == [
        ("narrative_vs_table", "needs_review", "二、行政复议数量")]


def test_children_adding_past_their_parent(tmp_path):
    found = audit_report(write_report(tmp_path, 诉讼维持="2", 诉讼纠错="1"))
    assert kinds(found) == ["children_sum"] and found[0].severity == "mismatch"
    assert "合计" in found[0].explanation and found[0].citations[0].label == "三、行政诉讼数量"


def test_children_short_of_their_parent_or_all_blank(tmp_path):
    short = audit_report(write_report(tmp_path, 诉讼维持="1", 诉讼纠错="0"))
    assert [(f.kind, f.severity) for f in short] == [("children_sum", "needs_review")]
    blank = audit_report(write_report(tmp_path, 复议维持=""))
    assert [(f.kind, f.severity) for f in blank] == [("children_sum", "needs_review")]
    assert "均未填报" in blank[0].explanation
    partly = audit_report(write_report(tmp_path, 诉讼维持="2", 诉讼纠错=""))
    assert partly == []  # a blank part is not reported, not 0


def test_channel_row_larger_than_the_total(tmp_path):
    found = audit_report(write_report(tmp_path, 微博="31"))
    assert [(f.kind, f.severity) for f in found] == [("children_sum", "mismatch")]
    assert [c.label for c in found[0].citations] == ["1.政务微博公开政府信息数", "(一)主动公开政府信息数"]
    assert audit_report(write_report(tmp_path, 微博="30", 微信="30")) == []  # one item may go out on several channels


def test_intro_list_that_misses_a_section(tmp_path):
    intro = "本报告主要内容包括:1.总体公开情况说明;2.主动公开政府信息情况;3.建议提案办理结果公开情况。"
    found = audit_report(write_report(tmp_path, intro=intro))
    assert [(f.kind, f.severity) for f in found] == [("intro_sections", "mismatch")] * 2
    assert "建议提案办理结果公开情况" in found[0].explanation
    assert found[1].citations[0].label == "三、信息公开相关举报、复议、诉讼情况"


def test_intro_without_a_numbered_list_is_not_audited(tmp_path):
    assert audit_report(write_report(tmp_path, intro="现向社会公布本街道2018年政府信息公开工作年度报告。")) == []


def test_narrative_list_that_sums_past_the_total(tmp_path):
    sections = {**SECTIONS, "主动公开政府信息情况": "全年在门户网站公开通知公告20条,党建动态5条,基层故事10余条。"}
    found = audit_report(write_report(tmp_path, sections=sections))
    assert [(f.kind, f.severity) for f in found] == [("narrative_sum", "mismatch")]
    assert "至少 35 条" in found[0].explanation
    parts = {**SECTIONS, "主动公开政府信息情况": "全年公开信息30条,其中通知公告20条,党建动态5条,基层故事10条。"}
    assert audit_report(write_report(tmp_path, sections=parts)) == []  # "其中" lists parts, not more items


def test_2019_template_report_has_no_false_alarms():
    """Its narrative and sums agree; what it does leave out is the 0 the template asks for in blank cells."""
    report = parse_file(REPORT2019)
    assert report.template == "2019" and any(row.columns for row in report.table_rows)
    found = audit_report(report)
    assert [(f.kind, f.severity) for f in found] == [("blank_cell", "needs_review")] * 2
    assert "复议后起诉 / 其他结果" in found[1].explanation


def test_2019_template_totals_that_do_not_add_up(tmp_path):
    text = REPORT2019.read_text(encoding="utf-8")
    column = text.replace("| 58 | 6 | 0 | 1 | 2 | 0 | 67 |", "| 58 | 6 | 0 | 1 | 2 | 0 | 70 |")
    row = text.replace("| 57 | 6 | 0 | 0 | 2 | 0 | 65 |", "| 57 | 6 | 0 | 0 | 2 | 0 | 66 |")
    for changed, label in ((column, "一、本年新收政府信息公开申请数量 / 总计"), (row, "(七)总计 / 总计")):
        assert changed != text
        path = tmp_path / "changed-2021.txt"
        path.write_text(changed, encoding="utf-8")
        found = audit_report(parse_file(path))
        sums = [f for f in found if f.kind == "children_sum"]
        assert sums and all(f.severity == "mismatch" for f in sums)
        assert label in {f.citations[0].label for f in sums}


def test_audit_cli_plain_and_json(cli_data_dir):
    plain = run_cli(["-m", "assistant", "audit", "xizhu-2018"], cli_data_dir)
    assert plain.returncode == 0, plain.stderr
    assert "[不一致]" in plain.stdout and "[需核实]" in plain.stdout and "收到申请数" in plain.stdout
    result = run_cli(["-m", "assistant", "audit", "xizhu-2018", "--json"], cli_data_dir)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["report"] == "xizhu-2018"
    assert {f["kind"] for f in data["findings"]} == {"narrative_vs_table", "children_sum", "intro_sections",
                                                    "narrative_sum"}
    unknown = run_cli(["-m", "assistant", "audit", "no-such-report"], cli_data_dir)
    assert unknown.returncode == 2 and "未知的报告" in unknown.stderr


def test_published_old_template_report_raises_no_false_alarm():
    """平潭 2015: "其中:1、政府网站公开数" is the first part of 主动公开文件数; "其他应主动公开的信息1831条" is one
    category of the 2949; "窗口…共受理申请136437件" are administrative applications, not disclosure requests."""
    assert audit_report(parse_file(ROOT / "tests" / "data" / "real" / "pingtan-2015.txt")) == []
