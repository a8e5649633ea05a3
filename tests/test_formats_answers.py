"""The same 2019-template report published as text, HTML (merged cells) and PDF answers the same
questions with the same cell, cited by row and column path."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import AssistantService
from index.components import Components
from index.ingest import DuplicateReport
from index.report_file import parse_file
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
def services(tmp_path_factory, embeddings) -> dict[str, AssistantService]:
    """One index per format: the three files hold the same report, which one index keeps only once."""
    built = {}
    for suffix, rid in IDS.items():
        components = Components(settings_for(tmp_path_factory.mktemp(f"formats-{suffix}")))
        components.__dict__["embeddings"] = embeddings
        components.ingestor.add_reports([parse_file(FORMATS / f"report2019.{suffix}", rid)])
        built[suffix] = AssistantService(components)
    return built


@pytest.mark.parametrize("question", list(QUESTIONS))
@pytest.mark.parametrize("suffix", list(IDS))
def test_each_format_answers_from_the_same_cell(services, question, suffix):
    label, value = QUESTIONS[question]
    answer = services[suffix].ask(question, report=IDS[suffix])
    row = answer.citations[0]
    assert (row.kind, row.report, row.label) == ("table_row", IDS[suffix], label)
    assert f"“{label}”为 {value}" in answer.text


def test_the_same_report_in_another_format_is_refused_by_name(services):
    ingestor = services["txt"].components.ingestor
    outcome, = ingestor.add_reports([parse_file(FORMATS / "report2019.html", IDS["html"])])
    assert isinstance(outcome, DuplicateReport) and IDS["txt"] in str(outcome)


def test_introductions_list_of_contents_is_no_answer_beside_its_section(services):
    """The introduction names "存在的主要问题及改进情况" only as a section title; the section answers."""
    answer = services["txt"].ask("存在什么问题?", report=IDS["txt"])
    assert answer.found and [c.label for c in answer.citations] == ["五、存在的主要问题及改进情况"]
    assert "全文包括" not in answer.text
