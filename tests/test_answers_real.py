"""Answers over reports as governments published them (tests/data/real): cells of the 2019 template asked in
citizens' words, blank cells, column-group totals, sections found by meaning, narrative figures beside the
table, comparisons and staff claims. The questions are worded apart from the development set's."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from assistant.service import AssistantService
from index.components import Components
from index.ingest import parse_file
from review.fact_check import CONTRADICTED, SUPPORTED, FactChecker
from tests.conftest import settings_for

REAL = Path(__file__).parent / "data" / "real"
HUAIAN, SHANGHAI = "huaian-2024", "shanghai-bgt-2019"


@pytest.fixture(scope="module")
def real(tmp_path_factory, embeddings) -> Components:
    built = Components(settings_for(tmp_path_factory.mktemp("real")))
    built.__dict__["embeddings"] = embeddings
    built.ingestor.add_reports([parse_file(p) for p in sorted(REAL.iterdir())])
    return built


@pytest.fixture(scope="module")
def service(real) -> AssistantService:
    return AssistantService(real)


def ask(service: AssistantService, question: str, report: str | None = None):
    answer = service.ask(question, report=report)
    return answer, unicodedata.normalize("NFKC", answer.text).replace(" ", "")


def table_labels(answer) -> list[str]:
    return [c.label for c in answer.citations if c.kind == "table_row"]


@pytest.mark.parametrize("report, question, label, value", [
    (HUAIAN, "有多少件申请是企业递交的?", "一、本年新收政府信息公开申请数量 / 法人或其他组织 / 商业企业", "53件"),
    (SHANGHAI, "商业企业提出了几件申请?", "一、本年新收政府信息公开申请数量 / 法人或其他组织 / 商业企业", "35件"),
    (HUAIAN, "法律服务机构递交了几件申请?", "一、本年新收政府信息公开申请数量 / 法人或其他组织 / 法律服务机构", "61件"),
    (HUAIAN, "本机关不掌握相关政府信息的申请一共几件?", "1.本机关不掌握相关政府信息 / 总计", "769件"),
    (HUAIAN, "行政复议后来被纠正的有几件?", "案件数量 / 行政复议 / 结果纠正", "64件"),
    (HUAIAN, "复议后起诉的案件中结果维持的有几件?", "案件数量 / 行政诉讼 / 复议后起诉 / 结果维持", "12件"),
    (HUAIAN, "没经过复议直接去法院起诉的一共几件?", "案件数量 / 行政诉讼 / 未经复议直接起诉 / 总计", "26件"),
    (SHANGHAI, "一共受理了多少件信息公开申请?", "一、本年新收政府信息公开申请数量 / 总计", "859件"),
    (HUAIAN, "有多少申请结转到下一年度继续办理?", "四、结转下年度继续办理 / 总计", "103件"),
    (SHANGHAI, "规章对外公开的总数是多少件?", "规章 / 对外公开总数量", "524件"),
    (SHANGHAI, "政府集中采购花了多少钱?", "政府集中采购 / 采购总金额", "251000元"),
    (HUAIAN, "行政事业性收费一共收了多少?", "行政事业性收费 / 本年收费金额", "96171.6万元"),
])
def test_template_cells_in_citizens_words(service, report, question, label, value):
    answer, flat = ask(service, question, report)
    assert answer.found and table_labels(answer)[0] == label
    assert value in flat


def test_the_column_the_question_names_is_read(service):
    answer, flat = ask(service, "自然人里面,因为本机关不掌握信息而没法提供的有多少件?", SHANGHAI)
    assert table_labels(answer)[0] == "1.本机关不掌握相关政府信息 / 自然人" and "252件" in flat


def test_zero_cell_is_zero_with_its_citation(service):
    answer, flat = ask(service, "社会公益组织提出了几件申请?", HUAIAN)
    assert table_labels(answer)[0] == "一、本年新收政府信息公开申请数量 / 法人或其他组织 / 社会公益组织"
    assert "0件" in flat and "未填报" not in flat


@pytest.mark.parametrize("question, label", [
    ("表格里“予以公开”那一栏的总计填的是多少?", "(一)予以公开 / 总计"),
    ("社会公益组织新收的申请有几件?", "一、本年新收政府信息公开申请数量 / 法人或其他组织 / 社会公益组织"),
])
def test_blank_cell_is_not_filled_in_never_zero_or_a_sum(service, question, label):
    answer, flat = ask(service, question, SHANGHAI)
    assert table_labels(answer)[0] == label and "未填报" in flat
    assert "为0" not in flat and "272" not in flat  # 272 would be the parts of 予以公开 added up


def test_lawsuit_total_adds_the_two_cited_totals(service):
    answer, flat = ask(service, "政府因为信息公开打了多少场官司?", HUAIAN)
    assert table_labels(answer) == ["案件数量 / 行政诉讼 / 未经复议直接起诉 / 总计",
                                    "案件数量 / 行政诉讼 / 复议后起诉 / 总计"]
    assert "26件" in flat and "20件" in flat and "合计46件" in flat


def test_lawsuit_total_with_a_blank_part_is_not_added(service):
    answer, flat = ask(service, "行政诉讼一共有几件?", SHANGHAI)
    assert "9件" in flat and "未填报" in flat and "不能相加" in flat
    assert "合计9" not in flat


@pytest.mark.parametrize("report, question, heading", [
    (HUAIAN, "报告里说工作存在哪些不足?", "五、存在的主要问题及改进情况"),
    (SHANGHAI, "信息公开工作还存在什么问题?", "五、政府信息公开工作存在的主要问题及改进情况"),
    (HUAIAN, "收取信息处理费了吗?", "六、其他需要报告的事项"),
    (SHANGHAI, "有没有收信息处理费?", "六、其他需要报告的事项"),
])
def test_template_sections_by_meaning(service, report, question, heading):
    answer, _ = ask(service, question, report)
    assert answer.found and answer.citations[0].label == heading


def test_problems_answer_starts_at_the_first_item(service):
    answer, flat = ask(service, "报告里说工作存在哪些不足?", HUAIAN)
    assert "一是政策解读质量仍需提升" in flat and "二是" in flat


@pytest.mark.parametrize("report, question, value, cited", [
    (SHANGHAI, "门户网站上发布的政策解读有多少件?", "132件", "政策解读"),
    (HUAIAN, "开了几场新闻发布会?", "12场", "新闻发布会"),
    (HUAIAN, "信息处理费收了多少钱?", "3940元", "信息处理费"),
    (HUAIAN, "还在运维的政务新媒体有几个?", "95个", "政务新媒体"),
])
def test_figures_inside_long_sections(service, report, question, value, cited):
    answer, flat = ask(service, question, report)
    assert answer.found and value in flat
    assert any(cited in c.quote for c in answer.citations if c.kind == "section")


def test_narrative_figure_of_another_cell_is_said_to_count_it(service):
    """"行政复议7件…均获维持" counts all 7 reviews (2 still open), not the 结果维持 column (5)."""
    answer, flat = ask(service, "行政复议里结果是维持的有几件?", SHANGHAI)
    assert table_labels(answer) == ["案件数量 / 行政复议 / 结果维持", "案件数量 / 行政复议 / 总计"]
    assert "5件" in flat and "7件" in flat and "不一致" not in flat


def test_narrative_row_total_is_not_a_disagreement_with_one_column(service):
    answer, flat = ask(service, "自然人的申请里,因本机关不掌握而无法提供的有几件?", SHANGHAI)
    assert "252件" in flat and "265件" in flat and "不一致" not in flat
    assert "1.本机关不掌握相关政府信息 / 总计" in table_labels(answer)


def test_carried_over_count_is_matched_to_its_own_row(service):
    answer, flat = ask(service, "结转到下一年度继续办理的申请有多少?", SHANGHAI)
    assert table_labels(answer)[0] == "四、结转下年度继续办理 / 总计" and "72件" in flat
    assert "不一致" not in flat


def test_narrative_and_table_agree_on_received_applications(service):
    answer, flat = ask(service, "全年收到多少件公开申请?", HUAIAN)
    assert "3119件" in flat and {c.kind for c in answer.citations} == {"table_row", "section"}
    assert "不一致" not in flat


def test_two_units_compared_with_the_difference_of_cited_cells(service):
    answer, flat = ask(service, "淮安市2024年和上海市政府办公厅2019年相比,行政复议谁更多?")
    assert len(table_labels(answer)) == 2 and "351件" in flat and "7件" in flat
    assert "多于" in flat and "多344件" in flat


def test_comparison_with_a_blank_cell_has_no_difference(service):
    answer, flat = ask(service, "淮安市2024年和上海市政府办公厅2019年科研机构提出的申请对比")
    assert "未填报" in flat and "0件" in flat and "不计入比较" in flat
    assert "多0" not in flat and "少0" not in flat


@pytest.mark.parametrize("report, question", [
    (SHANGHAI, "信息公开工作的经费预算是多少万元?"),
    (HUAIAN, "政府网站一年被访问了多少次?"),
])
def test_unanswerable_questions_are_refused(service, report, question):
    answer, flat = ask(service, question, report)
    assert not answer.found and "报告中未提及" in flat


@pytest.mark.parametrize("report, claim, verdict, cited", [
    (HUAIAN, "2024年行政复议案件共有315件。", CONTRADICTED, "案件数量 / 行政复议 / 总计"),
    (HUAIAN, "全年收到行政复议351件。", SUPPORTED, "案件数量 / 行政复议 / 总计"),
    (SHANGHAI, "办公厅通过门户网站发布政策解读共计123件。", CONTRADICTED, "一、总体情况"),
    (SHANGHAI, "行政复议有2件尚未审结。", SUPPORTED, "案件数量 / 行政复议 / 尚未审结"),
])
def test_staff_claims_on_real_reports(service, report, claim, verdict, cited):
    check = FactChecker(service).check_claim(claim, report)
    assert check.verdict == verdict
    assert cited in [c.label for c in check.citations]
