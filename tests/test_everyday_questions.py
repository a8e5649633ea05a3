"""Everyday questions in a conversation: several parts in one question, polite and long wordings, greetings,
questions about the report itself, follow-ups, answers that must not only look right, several reports
and trends over one unit's years."""
from __future__ import annotations

import pytest

from assistant.service import AssistantService
from tests.conftest import EXAMPLE, components_with, settings_for
from tests.trend_reports import MULTI, xizhu_2020

REFUSED = "未提及"


def ask(service, question, history=None):
    answer = service.ask(question, history or [])
    return answer, "".join(answer.text.split())


def labels(answer) -> list[str]:
    return [c.label for c in answer.citations]


# --- item 2: ordinary questions that used to be refused ------------------------------------------------

@pytest.mark.parametrize("question, first, second", [
    ("复议有多少起？诉讼呢，有几起？", ("四、行政复议数量", "1件"), ("五、行政诉讼数量", "2件")),
    ("麻烦问下政务微博发了几条信息；另外开过几次信息公开工作会议？",
     ("3.政务微博公开政府信息数", "690条"), ("召开政府信息公开工作会议", "8次")),
])
def test_each_part_of_a_two_part_question_is_answered_and_cited(service, question, first, second):
    answer, flat = ask(service, question)
    assert answer.found and REFUSED not in flat
    for label, value in (first, second):
        assert any(label in c for c in labels(answer)) and value in flat
    assert flat.index(first[1]) < flat.index(second[1])


@pytest.mark.parametrize("question, label, value", [
    ("您好，我想请问一下，2018年这一整年里，西翥街道一共主动公开了多少条政府信息呢？", "(一)主动公开政府信息数", "30条"),
    ("参加信息公开培训的一共多少人次?", "接受培训人员数", "96人次"),
    ("街道有几个人负责政府信息公开这项工作?", "从事政府信息公开工作人员数", "1人"),
    ("<div><b>行政复议</b>有几件?</div>", "四、行政复议数量", "1件"),
    ("How many Weibo posts were published?", "3.政务微博公开政府信息数", "690条"),
])
def test_polite_long_and_marked_up_wordings_are_looked_up(service, question, label, value):
    answer, flat = ask(service, question)
    assert answer.found and label in answer.citations[0].label and value in flat


@pytest.mark.parametrize("question, expected", [
    ("想查询信息公开事项的话应该打什么电话?", "68406611"),
    ("可以发邮件到哪个邮箱?", "345328898@qq.com"),
    ("街道办的办公地址是?", "沙朗东村322号"),
    ("这份年报是在哪里发布的?", "政府门户网站"),
    ("Where can I read this report?", "政府门户网站"),
    ("What is the email address?", "345328898@qq.com"),
    ("报告的统计期限是什么时候?", "2018年1月1日至2018年12月31日"),
    ("这个报告是根据什么文件编写的?", "政府信息公开条例"),
])
def test_the_introduction_answers_what_it_says_about_the_report(service, question, expected):
    answer, flat = ask(service, question)
    assert answer.found and expected in flat
    assert answer.citations and answer.citations[0].label == "导语"


@pytest.mark.parametrize("question", ["您好!", "hello", "你都能回答哪些问题?", "怎么使用这个助手"])
def test_greetings_and_help_get_a_guide_not_a_refusal(service, question):
    answer, flat = ask(service, question)
    assert REFUSED not in flat and "可以这样问" in flat and "行政复议" in flat


# --- item 3: right-looking wrong answers ------------------------------------------------------------

def test_next_years_plan_is_the_plan_section(service):
    answer, flat = ask(service, "下一年准备做些什么?")
    assert answer.found and answer.citations[0].label.startswith("十三、")
    assert all(not c.label.startswith("十一、") for c in answer.citations)


def test_each_named_channel_is_its_own_row(service):
    answer, flat = ask(service, "政务微博、政务微信分别公开了多少条信息?")
    assert "3.政务微博公开政府信息数" in labels(answer) and "4.政务微信公开政府信息数" in labels(answer)
    assert "690条" in flat and "未填报" in flat
    assert not any("回应事件" in label for label in labels(answer))


def test_follow_up_keeps_the_previous_measure(service):
    first = service.ask("政务微博发了多少条?")
    answer, flat = ask(service, "那政府网站呢?", [("政务微博发了多少条?", first.text)])
    assert labels(answer) == ["2.政府网站公开政府信息数"] and "未填报" in flat


def test_a_part_that_names_only_a_new_subject_keeps_the_measure_of_the_part_before(service):
    answer, flat = ask(service, "专职人员几个?兼职呢?")
    assert labels(answer) == ["1.专职人员数(不包括政府公报及政府网站 工作人员数)", "2.兼职人员数"]
    assert "1人" in flat and "未填报" in flat and REFUSED not in flat


def test_the_row_named_by_both_words_wins_over_a_blank_one(service):
    answer, flat = ask(service, "主动公开了几个规范性文件?")
    assert labels(answer)[0] == "其中:主动公开规范性文件数" and "3件" in flat


def test_narrative_quotes_whole_sentences(service):
    answer, flat = ask(service, "信息公开引起的行政诉讼情况如何?")
    assert answer.found and "行政诉讼2起" in flat
    for citation in answer.citations:
        quote = citation.quote
        assert quote.count("(") == quote.count(")") and not quote.startswith(")")


def test_a_fragment_inside_parentheses_is_quoted_with_its_sentence(service):
    answer, flat = ask(service, "电子邮箱是多少?")
    assert "345328898@qq.com" in flat
    assert all(c.quote.count("(") == c.quote.count(")") for c in answer.citations)


def test_sign_off_is_labelled_as_such(service):
    answer, flat = ask(service, "主动公开政府信息的电话是多少?")
    assert "正文“统计表落款”" not in flat


# --- item 6: the report's own metadata --------------------------------------------------------------

@pytest.mark.parametrize("question, expected", [
    ("这份年度报告是哪一年的?", "2018年度"), ("该报告是哪个单位发布的?", "西翥街道办事处"),
])
def test_report_year_and_unit_come_from_the_title(service, question, expected):
    answer, flat = ask(service, question)
    assert answer.found and expected in flat
    assert answer.citations[0].quote == "西翥街道办事处2018年政府信息公开工作年度报告"


# --- items 5 and 7: several reports, trends -------------------------------------------------------------

@pytest.fixture(scope="module")
def multi(tmp_path_factory, embeddings):
    folder = tmp_path_factory.mktemp("everyday")
    built = components_with(settings_for(folder / "data"), embeddings)
    for path in (EXAMPLE, MULTI / "xizhu-2019.txt", MULTI / "qinglan-2021.txt", xizhu_2020(folder)):
        built.ingestor.add_file(path)
    return built


@pytest.fixture(scope="module")
def several(multi) -> AssistantService:
    return AssistantService(multi)


def test_every_answer_names_its_report_when_several_are_indexed(several):
    answer, flat = ask(several, "2018年西翥街道政务微博发了多少条?")
    assert flat.startswith("西翥街道办事处2018年报告") and "690条" in flat


def test_a_question_that_fits_several_reports_answers_each(several):
    answer, flat = ask(several, "信息公开工作的联系电话是多少?")
    assert {"xizhu-2018", "qinglan-2021"} <= {c.report for c in answer.citations}
    assert "68406611" in flat and "0871-65550123" in flat and "青岚区人民政府2021年" in flat


def test_an_unindexed_unit_is_named_in_the_refusal(several):
    answer, flat = ask(several, "白沙镇2018年收到多少政府信息公开申请?")
    assert not answer.found and "索引中没有白沙镇" in flat


def test_a_unit_whose_report_was_deleted_is_no_longer_answered(tmp_path, embeddings):
    built = components_with(settings_for(tmp_path / "data"), embeddings)
    built.ingestor.add_file(MULTI / "qinglan-2021.txt")
    built.ingestor.add_file(MULTI / "kunming-education-2021.txt")
    service = AssistantService(built)
    assert service.ask("青岚区2021年行政复议有几件?").found
    built.ingestor.delete("qinglan-2021")
    service.refresh()
    answer, flat = ask(service, "青岚区2021年行政复议有几件?")
    assert not answer.found and "索引中没有青岚区" in flat


def test_which_unit_has_more_names_every_unit(several):
    answer, flat = ask(several, "哪个单位的行政诉讼更多?")
    assert {"xizhu-2018", "qinglan-2021"} <= {c.report for c in answer.citations}
    assert "最多的是" in flat


def test_trend_table_has_one_cited_row_per_year_and_blank_years_are_not_zero(several):
    answer, flat = ask(several, "西翥街道这几年的行政复议数量是怎么变化的?")
    assert "|年度|数值|出处|" in flat
    assert "|2018年|1件|" in flat and "|2019年|2件|" in flat and "|2020年|未填报|" in flat
    assert "2020年该项未填报,不计为0" in flat and "增加了1件" in flat
    assert {"xizhu-2018", "xizhu-2019", "xizhu-2020"} <= {c.report for c in answer.citations}
    assert (answer.series.label, answer.series.unit) == ("行政复议数量", "件")
    assert answer.series.points == [(2018, 1.0, "1 件"), (2019, 2.0, "2 件"), (2020, None, "未填报")]


def test_trend_over_template_change_reads_each_years_own_row(several):
    answer, flat = ask(several, "西翥街道历年收到的申请数")
    assert "|2018年|未填报|" in flat and "|2019年|4件|" in flat and "|2020年|7件|" in flat
    assert "从2019年的4件到2020年的7件,增加了3件" in flat
    assert answer.series.points == [(2018, None, "未填报"), (2019, 4.0, "4 件"), (2020, 7.0, "7 件")]


def test_a_single_report_answer_has_no_series(several):
    assert several.ask("2019年西翥街道行政复议有几件?").series is None
