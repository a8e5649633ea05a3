"""Answers from the real chain over the real index: lookups, blanks, narrative, refusals, follow-ups."""
from __future__ import annotations

import pytest

from assistant.service import QuestionError


def ask(service, question, history=None):
    answer = service.ask(question, history or [])
    return answer, "".join(answer.text.split())


def quotes_are_real(service, answer):
    report = service.corpus.reports["xizhu-2018"]
    texts = [report.intro, *(s.text for s in report.sections)]
    for citation in answer.citations:
        if citation.kind == "section" and citation.label in {s.heading for s in report.sections}:
            assert any(citation.quote in t for t in texts), citation.quote
        if citation.kind == "table_row":
            assert citation.row is not None and citation.row in report.table_rows


@pytest.mark.parametrize("question, value, row_word", [
    ("微博发了多少条?", "690条", "政务微博"),
    ("行政复议有几件?", "1件", "行政复议数量"),
    ("How many administrative lawsuits were there?", "2件", "行政诉讼数量"),
    ("接受培训的有多少人次?", "96人次", "接受培训人员数"),
    ("开了几次信息公开工作会议?", "8次", "会议"),
])
def test_quantity_questions_are_table_lookups(service, question, value, row_word):
    answer, flat = ask(service, question)
    assert answer.found and value in flat
    rows = [c for c in answer.citations if c.kind == "table_row"]
    assert rows and row_word in rows[0].label
    quotes_are_real(service, answer)


def test_blank_cell_is_not_zero(service):
    answer, flat = ask(service, "网络申请有多少件?")
    assert answer.found and "未填报" in flat
    assert "为0" not in flat
    assert answer.citations[0].label == "3.网络申请数"


def test_narrative_and_table_agreeing_cite_both(service):
    answer, flat = ask(service, "行政诉讼有几起?")
    kinds = {c.kind for c in answer.citations}
    assert kinds == {"table_row", "section"} and "2件" in flat and "行政诉讼2起" in flat


def test_narrative_figure_against_blank_cell_says_both(service):
    answer, flat = ask(service, "全年收到了多少政府信息公开申请?")
    assert "收到申请数" in flat and "未填报" in flat
    assert "0件" in flat and any(c.label.startswith("八、") for c in answer.citations)


def test_extractive_answer_is_short_and_grounded(service):
    answer, flat = ask(service, "政务服务中心大厅实行了哪些服务?")
    assert answer.found and "预约办理" in flat
    assert len(answer.text) < 300
    assert answer.citations[0].label.startswith("四、")
    quotes_are_real(service, answer)


def test_colloquial_question(service):
    answer, flat = ask(service, "有人告过街道办吗?")
    assert answer.found and flat.startswith("有") and "行政诉讼" in flat


def test_next_year_plans(service):
    answer, flat = ask(service, "明年打算怎么改进?")
    assert answer.found and any(word in flat for word in ("下一步", "计划", "整改"))


@pytest.mark.parametrize("question, value, row_word", [
    ("因为信息公开被起诉了几次?", "2件", "行政诉讼数量"),
    ("有人因为信息公开打官司吗?", "2件", "行政诉讼数量"),
    ("微信公众号发了多少?", "未填报", "政务微信"),
])
def test_function_words_and_colloquial_names_do_not_block_a_lookup(service, question, value, row_word):
    answer, flat = ask(service, question)
    assert answer.found and value in flat and row_word in answer.citations[0].label


@pytest.mark.parametrize("question, field, others", [
    ("审核人是谁?", "李银霞", ("张忠泽", "王亚平")),
    ("Who reviewed the statistics table?", "李银霞", ("张忠泽", "王亚平")),
    ("谁是单位负责人?", "张忠泽", ("李银霞", "68406611")),
])
def test_signoff_question_gets_its_field_only(service, question, field, others):
    answer, flat = ask(service, question)
    assert answer.found and field in flat and not any(o in flat for o in others)
    assert answer.citations[0].label == "统计表落款" and field in answer.citations[0].quote


def test_sub_heading_is_answered_with_the_lines_under_it(service):
    answer, flat = ask(service, "下一步工作是什么?")
    assert answer.found and "继续深化公开内容" in flat
    quotes_are_real(service, answer)


@pytest.mark.parametrize("question", [
    "街道今年修了多少公里道路?", "辖区常住人口有多少?", "新建了几所学校?", "垃圾分类做得怎么样?",
    "What is the unemployment rate?", "医保报销比例是多少?", "How many roads were built?",
    "What is the budget for roads?",
])
def test_refuses_what_the_report_does_not_say(service, question):
    answer, flat = ask(service, question)
    assert not answer.found and "未提及" in flat and answer.citations == []
    assert not any(ch.isdigit() for ch in flat)


def test_unknown_year_is_refused(service):
    answer, flat = ask(service, "2025年行政诉讼有几起?")
    assert not answer.found and "2025年" in flat


def test_follow_up_uses_the_conversation(service):
    first, _ = ask(service, "2018年行政复议有几件?")
    follow, flat = ask(service, "那行政诉讼呢?", [("2018年行政复议有几件?", first.text)])
    assert follow.found and "行政诉讼数量" in follow.citations[0].label and "2件" in flat


def test_follow_up_without_history_is_a_plain_question(service):
    answer, _ = ask(service, "那行政诉讼呢?")
    assert answer.found and any("诉讼" in c.label or "诉讼" in c.quote for c in answer.citations)


@pytest.mark.parametrize("question, error", [
    ("", "为空"), ("??!!", "为空"), ("……——《》【】", "为空"), ("问" * 10_000, "太长")])
def test_bad_questions(service, question, error):
    with pytest.raises(QuestionError, match=error):
        service.ask(question)


def test_unknown_report(service):
    with pytest.raises(QuestionError, match="未知的报告"):
        service.ask("微博发了多少条?", report="nope-2099")


@pytest.mark.parametrize("question, label, value", [
    ("关于信息公开的培训有几次?", "举办各类培训班数", "5次"),
    ("接受培训的有多少人次?", "接受培训人员数", "96人次"),
])
def test_count_question_reads_the_row_counted_in_its_unit(service, question, label, value):
    answer, flat = ask(service, question)
    assert label in answer.citations[0].label and value in flat


def test_blank_cell_also_cites_what_the_narrative_says(service):
    answer, flat = ask(service, "有没有政策解读?")
    assert "未填报" in flat and "现暂无政策解读情况" in flat
    assert [c.kind for c in answer.citations] == ["table_row", "section"]
    assert answer.citations[1].label.startswith("五、")
    quotes_are_real(service, answer)


def test_english_any_question_is_an_existence_lookup(service):
    answer, flat = ask(service, "Did anyone file a complaint?")
    assert answer.citations[0].label == "六、举报投诉数量" and "未填报" in flat and "举报0起" in flat


def test_count_question_without_a_figure_about_it_is_refused(service):
    """Sentences mention 社区, none counts them: naming them would be a guess."""
    answer, flat = ask(service, "西翥街道有多少个社区?")
    assert not answer.found and "未提及" in flat and answer.citations == []


def test_value_question_is_not_mistaken_for_a_count(service):
    answer, flat = ask(service, "报告的联系电话是多少?")
    assert answer.found and "68406611" in flat


@pytest.mark.parametrize("question", ["2019年有什么工作计划?", "What is the plan for 2019?"])
def test_year_the_report_writes_about_is_content_not_a_missing_report(service, question):
    answer, flat = ask(service, question)
    assert answer.found and answer.citations[0].label.startswith("十三、2019年")


@pytest.mark.parametrize("question, label", [
    ("信息公开方面有多少人在干活?", "(三)从事政府信息公开工作人员数"),
    ("How many people work on information disclosure?", "(三)从事政府信息公开工作人员数"),
    ("主动公开了多少条政府信息?", "(一)主动公开政府信息数"),
])
def test_no_disagreement_with_a_narrative_figure_about_something_else(service, question, label):
    """"举报0起" counts no 人, and "提案办理情况16条" is one item, not the 主动公开 total."""
    answer, flat = ask(service, question)
    assert answer.citations[0].label == label
    assert "不一致" not in flat and [c.kind for c in answer.citations] == ["table_row"]
