"""The same 2019-template report published as text, HTML (merged cells) and PDF answers the same
questions with the same cell, cited by row and column path."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import AssistantService
from index.batch_ingest import BatchIngestor
from index.components import Components
from index.ingest import parse_file
from tests.conftest import settings_for

FORMATS = Path(__file__).parent / "data" / "formats"
IDS = {"txt": "report2019-txt", "html": "report2019-html", "pdf": "report2019-pdf"}
QUESTIONS = {
    "2021年法人或其他组织中商业企业申请了多少件?": ("一、本年新收政府信息公开申请数量 / 法人或其他组织 / 商业企业", "6 件"),
    "本年新收申请总数是多少?": ("一、本年新收政府信息公开申请数量 / 总计", "67 件"),
    "属于国家秘密不予公开的有几件?": ("1.属于国家秘密 / 总计", "0 件"),
    "行政规范性文件现行有效多少件?": ("行政规范性文件 / 现行有效件数", "37 件"),
    "行政事业性收费金额是多少?": ("行政事业性收费 / 本年收费金额", "12.56 万元"),
}


@pytest.fixture(scope="module")
def service(tmp_path_factory, embeddings) -> AssistantService:
    built = Components(settings_for(tmp_path_factory.mktemp("formats")))
    built.__dict__["embeddings"] = embeddings
    BatchIngestor(built.reports, built.vectors).add_reports(
        [parse_file(FORMATS / f"report2019.{suffix}", rid) for suffix, rid in IDS.items()])
    return AssistantService(built)


@pytest.mark.parametrize("question", list(QUESTIONS))
@pytest.mark.parametrize("suffix", list(IDS))
def test_each_format_answers_from_the_same_cell(service, question, suffix):
    label, value = QUESTIONS[question]
    answer = service.ask(question, report=IDS[suffix])
    row = answer.citations[0]
    assert (row.kind, row.report, row.label) == ("table_row", IDS[suffix], label)
    assert f"“{label}”为 {value}" in answer.text


def test_unscoped_question_over_three_copies_answers_each(service):
    answer = service.ask("本年新收申请总数是多少?")
    assert sorted(c.report for c in answer.citations) == sorted(IDS.values())
    assert answer.text.count("为 67 件") == 3


def test_introductions_list_of_contents_is_no_answer_beside_its_section(service):
    """The introduction names "存在的主要问题及改进情况" only as a section title; the section answers."""
    answer = service.ask("存在什么问题?", report=IDS["txt"])
    assert answer.found and [c.label for c in answer.citations] == ["五、存在的主要问题及改进情况"]
    assert "全文包括" not in answer.text
