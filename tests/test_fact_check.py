"""Fact checking against the real service over the example report, and through the `check` command."""
from __future__ import annotations

import json

import pytest

from assistant.claims import figures_in, in_unit, split_claims
from assistant.service import AssistantService, QuestionError
from conftest import run_cli
from review.fact_check import FactChecker

SMALL_REPORT = """测试街道办事处2018年政府信息公开工作年度报告
一、总体公开情况说明
全年依申请公开收取费用0.5万元。
附表:《政府信息公开情况统计表》
政府信息公开情况统计表
(2018年度)
统 计 指 标 | 单位 | 统计数 |
一、依申请公开信息收取的费用 | 万元 | 0.5 |
二、行政诉讼数量 | 件 | 120 |
"""


@pytest.fixture(scope="module")
def checker(service):
    return FactChecker(service)


def check(checker, claim, report=None):
    checks = checker.check_text(claim, report)
    assert len(checks) == 1
    return checks[0]


def labels(result):
    return [c.label for c in result.citations]


def test_figures_with_units_and_chinese_numerals():
    stated = {(f.text, f.value, f.unit, f.approximate) for f in figures_in(
        "行政诉讼两起,培训一百二十人次,收费0.5万元,部门动态30余条,2018年千家万户第三次。")}
    assert stated == {("两起", 2, "起", False), ("一百二十人次", 120, "人次", False), ("0.5万元", 0.5, "万元", False),
                      ("30余条", 30, "条", True)}
    assert in_unit(0.5, "万元", "元") == 5000
    assert split_claims("全年召开会议8次。举办培训5次;\n王亚平填报。") == ["全年召开会议8次。", "举办培训5次;", "王亚平填报。"]


def test_figure_against_the_table_and_the_narrative(checker):
    result = check(checker, "2018年西翥街道因政府信息公开引起行政诉讼3起。")
    assert result.verdict == "contradicted"
    assert "报告为 2 起" in result.explanation
    assert labels(result) == ["五、行政诉讼数量", "十、信息公开相关举报、复议和诉讼情况"]
    assert result.citations[0].row.value == 2 and "行政诉讼2起" in result.citations[1].quote


def test_agreeing_figures_are_supported_with_chinese_numerals(checker):
    meeting = check(checker, "全年召开政府信息公开工作会议8次。")
    assert meeting.verdict == "supported" and labels(meeting) == ["(一)召开政府信息公开工作会议或专题会议数"]
    lawsuits = check(checker, "行政诉讼两起。")
    assert lawsuits.verdict == "supported" and "五、行政诉讼数量" in labels(lawsuits)
    trained = check(checker, "接受培训人员一百二十人次。")
    assert trained.verdict == "contradicted" and "报告为 96 人次" in trained.explanation


def test_units_are_converted_where_the_unit_demands(fresh_components, tmp_path):
    path = tmp_path / "small-2018.txt"
    path.write_text(SMALL_REPORT, encoding="utf-8")
    fresh_components.ingestor.add_file(path)
    small = FactChecker(AssistantService(fresh_components))
    assert check(small, "依申请公开收取费用5000元。").verdict == "supported"
    dearer = check(small, "依申请公开收取费用6000元。")
    assert dearer.verdict == "contradicted" and "报告为 5000 元" in dearer.explanation
    assert check(small, "行政诉讼一百二十件。").verdict == "supported"


def test_blank_cell_never_supports(checker):
    fee = check(checker, "依申请公开信息收取的费用0.5万元。")
    assert fee.verdict == "not_found" and "未填报" in fee.explanation
    assert labels(fee) == ["七、依申请公开信息收取的费用"]
    received = check(checker, "全年受理依申请公开政府信息0件。")
    assert received.verdict == "not_found" and "未填报" in received.explanation
    assert labels(received) == ["(一)收到申请数", "八、政府信息依申请公开工作详细情况"]
    reports = check(checker, "因政府信息公开引起举报3起。")
    assert reports.verdict == "contradicted" and "未填报" in reports.explanation and "报告为 0 起" in reports.explanation


def test_what_the_report_does_not_cover_is_not_found(checker):
    for claim in ("西翥街道2018年获评全国政务公开先进单位。", "建立了党员积分管理制度。", "2025年行政诉讼2起。"):
        result = check(checker, claim)
        assert result.verdict == "not_found" and result.citations == [], claim


def test_claims_without_figures_are_checked_against_the_text(checker):
    filled = check(checker, "统计表由王亚平填报。")
    assert filled.verdict == "supported" and filled.citations[0].quote == "填报人:王亚平"
    wrong = check(checker, "统计表由李银霞填报。")
    assert wrong.verdict == "contradicted" and "王亚平" in wrong.explanation
    group = check(checker, "办事处成立了政务公开工作领导小组。")
    assert group.verdict == "supported" and labels(group) == ["十一、完善公开制度机制建设情况"]
    assert "领导小组" in group.citations[0].quote
    opinion = check(checker, "2018年度有政务舆情。")
    assert opinion.verdict == "contradicted" and "无政务舆情" in opinion.citations[0].quote


def test_counted_words_are_checked_against_the_narrative(checker):
    six = check(checker, "建立了六项制度")
    assert six.verdict == "supported" and labels(six) == ["十一、完善公开制度机制建设情况"]
    seven = check(checker, "建立了七项制度")
    assert seven.verdict == "contradicted" and "报告为 6 项" in seven.explanation
    about = check(checker, "部门动态35条")
    assert about.verdict == "not_found" and "30余条" in about.explanation


def test_a_paragraph_gets_one_verdict_per_sentence(checker):
    checks = checker.check_text("全年召开政府信息公开工作会议8次。行政复议2件。西翥街道获评全国先进单位。")
    assert [c.verdict for c in checks] == ["supported", "contradicted", "not_found"]
    assert checks[1].claim == "行政复议2件。" and "报告为 1 件" in checks[1].explanation


def test_unknown_report_and_empty_claim_are_refused(checker):
    with pytest.raises(QuestionError, match="未知的报告"):
        checker.check_text("行政诉讼2起。", report="no-such-report")
    with pytest.raises(QuestionError):
        checker.check_text(" 。")


def test_check_jsonl_contract(cli_data_dir):
    lines = [
        json.dumps({"claim": "2018年西翥街道行政复议2件。"}, ensure_ascii=False),
        "not json",
        json.dumps({"claim": ""}),
        json.dumps({"claim": "行政诉讼2起。", "report": "no-such-report"}, ensure_ascii=False),
        json.dumps({"claim": "全年召开政府信息公开工作会议8次。西翥街道获评全国先进单位。", "report": "xizhu-2018"},
                   ensure_ascii=False),
        json.dumps({"claim": "全年召开政府信息公开工作会议8次。"}, ensure_ascii=False),
    ]
    result = run_cli(["-m", "assistant", "check", "--jsonl"], cli_data_dir, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    outs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outs) == len(lines)
    review, not_json, empty, unknown, paragraph, meeting = outs
    assert set(review) == {"verdict", "explanation", "citations", "latency_ms"}
    assert review["verdict"] == "contradicted" and "报告为 1 件" in review["explanation"]
    assert review["citations"][0] == {"kind": "table_row", "report": "xizhu-2018", "label": "四、行政复议数量",
                                      "quote": "附表《政府信息公开情况统计表》 > 四、行政复议数量: 1 件"}
    assert "JSON" in not_json["error"] and "claim" in empty["error"] and "未知的报告" in unknown["error"]
    assert paragraph["verdict"] == "not_found" and "一致" in paragraph["explanation"]
    assert meeting["verdict"] == "supported" and "error" not in meeting


def test_plain_check_prints_a_verdict_per_sentence(cli_data_dir):
    result = run_cli(["-m", "assistant", "check", "行政诉讼3起。统计表由王亚平填报。"], cli_data_dir)
    assert result.returncode == 0, result.stderr
    assert "【与报告不符】行政诉讼3起。" in result.stdout and "【属实】统计表由王亚平填报。" in result.stdout
    assert "报告为 2 起" in result.stdout and "来源:" in result.stdout


def test_each_figure_of_a_comma_joined_sentence_against_its_own_row(checker):
    result = check(checker, "2018年西翥街道政务微博发布信息690条，行政诉讼3起。")
    assert result.verdict == "contradicted"
    assert [(p.claim, p.verdict) for p in result.parts] == [
        ("2018年西翥街道政务微博发布信息690条", "supported"), ("行政诉讼3起", "contradicted")]
    assert "说法为“690条”" not in result.explanation
    assert "3.政务微博公开政府信息数" in labels(result.parts[0]) and "五、行政诉讼数量" in labels(result.parts[1])


def test_meetings_trainings_and_person_times_each_found(checker):
    result = check(checker, "全年召开政府信息公开工作会议8次，举办培训班5次，接受培训96人次。")
    assert result.verdict == "supported"
    assert [p.verdict for p in result.parts] == ["supported"] * 3
    assert "(三)接受培训人员数" in labels(result.parts[2])


def test_paragraph_gets_a_combined_verdict_and_one_per_figure(checker):
    paragraph = checker.check_paragraph("全年召开政府信息公开工作会议8次；行政诉讼3起。统计表由王亚平填报。")
    assert paragraph.verdict == "contradicted"
    assert [p.verdict for p in paragraph.parts] == ["supported", "contradicted", "supported"]
    assert {"claim", "verdict", "explanation", "citations", "parts"} <= set(paragraph.to_json())
