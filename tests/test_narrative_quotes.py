"""What an answer quotes from the narrative: a figure set beside a table row only when it counts that row's
measure; a list announced by a sentence quoted with its items, an item with its body; a question about the
report itself answered by the sentence that says it, per report; a plan question by the plan sections; and a
quote from a scanned page with its page. Over the five bundled reports as one index, as the app ships."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from assistant.service import AssistantService
from conftest import EXAMPLE, components_with, settings_for
from index.report_file import parse_file

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "reports"
DATA = Path(__file__).parent / "data"
XIZHU, PINGTAN, DISHUI, HUAIAN, SHANGHAI = ("xizhu-2018", "pingtan-2015", "pingtan-dishui-2013", "huaian-2024",
                                            "shanghai-bgt-2019")


@pytest.fixture(scope="module")
def service(tmp_path_factory, embeddings) -> AssistantService:
    built = components_with(settings_for(tmp_path_factory.mktemp("bundled")), embeddings)
    built.ingestor.add_reports([parse_file(p) for p in sorted(BUNDLED.iterdir())])
    return AssistantService(built)


def ask(service: AssistantService, question: str, report: str | None = None):
    answer = service.ask(question, report=report)
    return answer, unicodedata.normalize("NFKC", answer.text).replace(" ", "")


def section_quotes(answer, report: str | None = None) -> list[str]:
    return [c.quote for c in answer.citations if c.kind == "section" and report in (None, c.report)]


# --- a narrative figure beside a row ---------------------------------------------------------------------------

def test_a_figure_of_something_else_on_a_website_is_no_disagreement(service):
    """"在平潭政府采购信息网上主动公开…信息188条" counts published items, not applications made online."""
    answer, flat = ask(service, "网上申请了几件?")
    assert answer.found and "2、网上申请数" in [c.label for c in answer.citations]
    assert "不一致" not in flat and "188" not in flat
    assert not any("188条" in quote for quote in section_quotes(answer))


@pytest.fixture(scope="module")
def misstated(tmp_path_factory, embeddings) -> AssistantService:
    """The example whose narrative says 行政复议3起 where its table says 1."""
    path = tmp_path_factory.mktemp("misstated") / EXAMPLE.name
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("行政复议1起", "行政复议3起"), encoding="utf-8")
    built = components_with(settings_for(path.parent / "data"), embeddings)
    built.ingestor.add_file(path)
    return AssistantService(built)


def test_a_figure_that_counts_the_row_and_differs_is_still_a_disagreement(misstated):
    answer, flat = ask(misstated, "行政复议有几起?")
    assert "行政复议数量”为1件" in flat and "行政复议3起" in flat and "不一致" in flat


# --- lists and their items -------------------------------------------------------------------------------------

def test_a_sentence_announcing_a_list_brings_its_items(service):
    answer, flat = ask(service, "“三个更加”是什么?")
    quotes = section_quotes(answer, XIZHU)
    assert len(quotes) == 1
    for item in ("一是公开的内容更加充实。", "二是公开的时间更加及时。", "三是公开重点更加突出。"):
        assert item in quotes[0] and item in flat
    assert len(quotes[0]) < 400


def test_an_item_topic_sentence_brings_its_body(service):
    answer, flat = ask(service, "公开的时间更加及时是怎么做的?")
    quotes = section_quotes(answer, XIZHU)
    assert quotes == ["二是公开的时间更加及时。针对公开项目的不同情况,确定公开时间,做到常规性工作定期公开,"
                      "临时性工作随时公开,固定性工作长期公开。"]
    assert "三是" not in flat


# --- questions about the report itself -------------------------------------------------------------------------

def test_where_the_report_is_published_is_quoted_from_the_sentence_that_says_it(service):
    answer, flat = ask(service, "这份报告在哪里公布的?")
    quotes = {c.report: c.quote for c in answer.citations if c.kind == "section"}
    assert quotes[XIZHU] == "报告通过昆明市五华区政府门户网站向社会公布"
    assert quotes[PINGTAN] == "本报告的电子版可在“中国·平潭”政府门户网站(www.pingtan.gov.cn)下载。"
    assert quotes[SHANGHAI] == "本年度报告电子版可从“中国上海”门户网站(www.shanghai.gov.cn)下载。"
    assert HUAIAN not in quotes and DISHUI not in quotes and "未提及" in flat


@pytest.mark.parametrize("question", ["联系电话是多少?", "咨询电话是多少", "What is the phone number?"])
def test_a_phone_number_is_quoted_never_a_count_of_phone_calls(service, question):
    answer, flat = ask(service, question)
    assert {c.report for c in answer.citations} == {XIZHU, PINGTAN, HUAIAN}
    assert "68406611" in flat and "23158138" in flat and "0517-83605210" in flat
    assert "3200" not in flat and "平潭综合实验区地方税务局2013年、上海市人民政府办公厅2019年的报告中未提及联系电话" in flat
    answer, flat = ask(service, question, report=DISHUI)
    assert not answer.found and "报告中未提及联系电话" in flat and "3200" not in flat


def test_a_count_of_phone_calls_is_still_a_count(service):
    answer, flat = ask(service, "电话咨询有多少人次?", report=DISHUI)
    assert answer.found and "电话咨询3200人次" in flat


# --- plans -----------------------------------------------------------------------------------------------------

def test_a_plan_question_is_answered_from_plan_sections_only(service):
    answer, flat = ask(service, "What are the plans for next year?")
    headings = {c.report: c.label for c in answer.citations}
    assert headings[XIZHU].startswith("十三、2019年") and "下一步,我市将" in flat
    assert headings[PINGTAN] == "六、主要问题和改进措施"  # under its sub-heading (二)改进措施
    assert DISHUI not in headings and "规划计划类" not in flat


# --- a quote from a scanned page -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scanned(tmp_path_factory, embeddings) -> AssistantService:
    """tests/data/formats/report2019.pdf with its last page replaced by its scan (as in test_scan_citations)."""
    folder = tmp_path_factory.mktemp("scanned")
    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(pdfium.PdfDocument(str(DATA / "formats" / "report2019.pdf")), [0, 1])
    pdf.import_pages(pdfium.PdfDocument(str(DATA / "scans" / "report2019-scan.pdf")), [2])
    path = folder / "qinglan-2021.pdf"
    pdf.save(str(path))
    built = components_with(settings_for(folder / "data"), embeddings)
    built.ingestor.add_file(path)
    return AssistantService(built)


def test_an_answer_quoting_a_scanned_page_names_the_page(scanned):
    answer, _ = ask(scanned, "存在哪些主要问题?")
    quoted = [c for c in answer.citations if c.kind == "section"]
    assert quoted and all(c.page == 3 and c.boxes for c in quoted)
    assert quoted[0].to_json()["scanned"] is True
