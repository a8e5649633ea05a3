"""Several reports indexed: questions are scoped by the unit and year they name, a wide-table cell is
picked by the columns named (总计 when none), and figures of two reports are never mixed."""
from __future__ import annotations

from pathlib import Path

import pytest

import assistant.query
from assistant.service import AssistantService
from index.chunking import chunk_report
from index.components import Components
from index.ingest import Ingestor, embedded, parse_file
from tests.conftest import EXAMPLE, run_cli, settings_for

MULTI = Path(__file__).parent / "data" / "multi"
FILES = [EXAMPLE, MULTI / "xizhu-2019.txt", MULTI / "qinglan-2021.txt", MULTI / "kunming-education-2021.txt"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("multi")


@pytest.fixture(scope="module")
def multi(data_dir, embeddings) -> Components:
    built = Components(settings_for(data_dir))
    built.__dict__["embeddings"] = embeddings
    Ingestor(built.reports, built.vectors).add_reports([parse_file(f) for f in FILES])
    return built


@pytest.fixture(scope="module")
def service(multi) -> AssistantService:
    return AssistantService(multi)


def reports_cited(answer) -> list[str]:
    return [c.report for c in answer.citations]


def test_metadata_from_the_titles(multi):
    found = {s.report_id: (s.unit, s.level, s.region, s.year) for s in multi.reports.summaries()}
    assert found == {
        "xizhu-2018": ("西翥街道办事处", "街道", "西翥街道", 2018),
        "xizhu-2019": ("西翥街道办事处", "街道", "西翥街道", 2019),
        "qinglan-2021": ("青岚区人民政府", "区县", "青岚区", 2021),
        "kunming-education-2021": ("昆明市教育局", "部门", "昆明市", 2021),
    }


def test_index_list_shows_unit_level_region_year(multi, data_dir):
    result = run_cli(["-m", "index", "list"], data_dir)
    assert result.returncode == 0, result.stderr
    lines = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines()}
    assert lines["kunming-education-2021"][1:5] == ["昆明市教育局", "部门", "昆明市", "2021"]
    assert lines["xizhu-2019"][1:5] == ["西翥街道办事处", "街道", "西翥街道", "2019"]


def test_batch_ingest_embeds_the_narrative_only_and_replaces(multi):
    report = parse_file(MULTI / "xizhu-2019.txt")
    narrative = [c for c in chunk_report(report) if embedded(c)]
    assert multi.vectors.count("xizhu-2019") == len(narrative) < len(chunk_report(report))
    Ingestor(multi.reports, multi.vectors).add_reports([report])
    assert multi.vectors.count("xizhu-2019") == len(narrative)
    assert len(multi.reports.indicators("xizhu-2019")) == len(report.table_rows) == 210


def test_unit_and_year_named_scope_to_one_report(service):
    answer = service.ask("2019年西翥街道新收申请多少件?")
    assert answer.found and set(reports_cited(answer)) == {"xizhu-2019"}
    assert "“一、本年新收政府信息公开申请数量 / 总计”为 4 件" in answer.text


def test_column_named_is_the_cell_read(service):
    answer = service.ask("2021年青岚区法人或其他组织中商业企业申请了多少件?")
    assert reports_cited(answer) == ["qinglan-2021"]
    assert answer.citations[0].label == "一、本年新收政府信息公开申请数量 / 法人或其他组织 / 商业企业"
    assert "6 件" in answer.text


def test_no_column_named_reads_the_total(service):
    answer = service.ask("本年新收申请总数是多少?", report="qinglan-2021")
    assert answer.citations[0].label == "一、本年新收政府信息公开申请数量 / 总计"
    assert "67 件" in answer.text
    review = service.ask("行政复议有多少件?", report="kunming-education-2021")
    assert review.citations[0].label == "案件数量 / 行政复议 / 总计" and "6 件" in review.text


def test_a_total_the_table_prints_no_cell_for_is_the_sum_of_its_cited_cells(service):
    """行政诉讼 has no total cell of its own: both 总计 cells are stated and cited, then added up."""
    answer = service.ask("行政诉讼总计多少件?", report="qinglan-2021")
    labels = [c.label for c in answer.citations if c.kind == "table_row"]
    assert labels == ["案件数量 / 行政诉讼 / 未经复议直接起诉 / 总计", "案件数量 / 行政诉讼 / 复议后起诉 / 总计"]
    assert "2 件" in answer.text and "1 件" in answer.text and "合计 3 件" in answer.text


def test_year_named_with_two_reports_answers_per_report(service):
    answer = service.ask("2021年行政复议有多少件?")
    assert answer.text.startswith("各报告统计表分别为")
    assert sorted(reports_cited(answer)) == ["kunming-education-2021", "qinglan-2021"]
    assert "青岚区人民政府2021年:“案件数量 / 行政复议 / 总计”为 4 件" in answer.text
    assert "昆明市教育局2021年:“案件数量 / 行政复议 / 总计”为 6 件" in answer.text
    assert "10 件" not in answer.text


def test_nothing_named_answers_each_report_in_year_order(service):
    answer = service.ask("行政复议有多少件?")
    assert [c.report for c in answer.citations] == ["xizhu-2018", "xizhu-2019", "kunming-education-2021",
                                                     "qinglan-2021"]
    assert "西翥街道办事处2018年:“四、行政复议数量”为 1 件" in answer.text


def test_too_many_reports_in_scope_asks_which(service, monkeypatch):
    monkeypatch.setattr(assistant.query, "MAX_REPORTS_PER_ANSWER", 2)
    answer = service.ask("行政复议有多少件?")
    assert not answer.found and not answer.citations
    assert "4 份报告" in answer.text and "昆明市教育局2021年(编号 kunming-education-2021)" in answer.text


def test_unit_without_a_report_of_that_year_is_refused(service):
    answer = service.ask("青岚区2019年行政复议多少件?")
    assert not answer.found and "没有青岚区人民政府2019年的报告" in answer.text


def test_narrative_answer_names_its_report_when_several_are_in_scope(service):
    answer = service.ask("西翥街道存在的主要问题有哪些?")
    assert answer.found
    assert answer.text.startswith("据西翥街道办事处20")


def test_document_frequency_over_distinct_texts_is_exact(service):
    """Counted over the distinct texts the store keeps, not over every chunk held in memory."""
    corpus = service.corpus
    texts = [chunk.text for chunk in corpus.store.chunks()]
    for word in ("申请", "行政复议", "西翥", "总计", "2019", "2018年", "商业企业", "不存在的词"):
        assert corpus.document_frequency(word) == sum(1 for text in texts if word in text), word

