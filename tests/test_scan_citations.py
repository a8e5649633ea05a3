"""Citations from a scanned report say which page OCR read them from and where on it; the source panel shows that
page with the quote or row outlined; `/reports/{id}/page/{n}.png` serves the page.

The report is tests/data/formats/report2019.pdf whose last page was scanned (pages 1-2 keep their text layer, page
3 is page 3 of tests/data/scans/report2019-scan.pdf: turned by 1.5°, a grey seal): one page of OCR, and both kinds
of page in one report. The scan was made from the text PDF, so where the text PDF prints a word, turned as
tests/data/scans/make_scans.py turned it, is where the scan shows it.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from playwright.sync_api import expect

from assistant.answer import row_citation, section_citation
from conftest import components_with, settings_for
from index.parsing import parse_report
from index.readers import OcrOptions, read_lines
from index.report import Report
from index.report_store import ReportStore, database_path
from tests.web_helpers import OUTPUT, Turn, ask_in_page, chromium, open_chat, serving
from webapp.conversation import citation_dict
from webapp.page_images import page_png
from webapp.render import render_source, source_summary
from webapp.reports import ReportCatalog
from webapp.server import add_report_routes

DATA = Path(__file__).parent / "data"
TEXT_PDF = DATA / "formats" / "report2019.pdf"
SCAN_PDF = DATA / "scans" / "report2019-scan.pdf"
SIGNOFF_PHOTO = DATA / "scans" / "report2019-signoff.jpg"
SCAN_ANGLE = 1.5  # page 3's turn in make_scans.py
REPORT_ID = "qinglan-2021"
PROBLEMS = "五、存在的主要问题及改进情况"
PLANS = "2022年,我区将加强业务培训,规范答复文书格式,丰富政策解读形式,提升公开实效。"  # over two printed lines
REQUESTS = "收到和处理政府信息公开申请情况"
REVIEWS = "政府信息公开行政复议、行政诉讼情况"


@pytest.fixture(scope="module")
def scanned_pdf(tmp_path_factory) -> Path:
    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(pdfium.PdfDocument(str(TEXT_PDF)), [0, 1])
    pdf.import_pages(pdfium.PdfDocument(str(SCAN_PDF)), [2])
    path = tmp_path_factory.mktemp("scanned") / f"{REPORT_ID}.pdf"
    pdf.save(str(path))
    return path


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ocr-cache")


def _read(path: Path, cache: Path, pages: list | None = None) -> Report:
    warnings: list[str] = []
    progress = (lambda done, total: pages.append((done, total))) if pages is not None else None
    lines = read_lines(path, ocr=OcrOptions(cache, progress), warnings=warnings)
    return parse_report(lines, str(path), REPORT_ID, warnings)


@pytest.fixture(scope="module")
def report(scanned_pdf, ocr_cache) -> Report:
    return _read(scanned_pdf, ocr_cache)


def _row(report: Report, table: str, label: str, columns: list[str]):
    return next(r for r in report.table_rows if r.table == table and r.label == label and r.columns == columns)


def printed_at(pattern: str, page: int = 2) -> tuple[float, float]:
    """The centre of the first match of `pattern` on a page of the text PDF, as shares of the page, turned about
    the page's centre as PIL turned it to make the scan."""
    with pdfplumber.open(TEXT_PDF) as pdf:
        sheet = pdf.pages[page]
        found = sheet.search(pattern)[0]
        width, height = sheet.width, sheet.height
    dx, dy = (found["x0"] + found["x1"]) / 2 - width / 2, (found["top"] + found["bottom"]) / 2 - height / 2
    turn = math.radians(SCAN_ANGLE)
    x = width / 2 + dx * math.cos(turn) + dy * math.sin(turn)
    y = height / 2 - dx * math.sin(turn) + dy * math.cos(turn)
    return x / width, y / height


def below_middle(point: tuple[float, float], box: list[float]) -> float:
    """How far (a share of the page's height) a point lies below the middle line of a box, at the point's x."""
    x0, y0, x1, y1, x2, y2, x3, y3 = box
    along = (point[0] - x0) / (x1 - x0)
    return point[1] - (y0 + y3 + (y1 - y0 + y2 - y3) * along) / 2


def inside(point: tuple[float, float], box: list[float]) -> bool:
    """Whether a point lies in a box given by its four corners, clockwise from the top left."""
    corners = list(zip(box[0::2], box[1::2]))
    turns = [(bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)
             for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1])]
    return all(t >= 0 for t in turns) or all(t <= 0 for t in turns)


# --- the parsed report knows its scanned page ------------------------------------------------------------------

def test_rows_and_lines_of_the_scanned_page_know_where_they_were_printed(report):
    assert [s.heading for s in report.sections][4:] == [PROBLEMS, "六、其他需要报告的事项"]
    assert {p.page for p in report.scan_places} == {3}
    upheld = _row(report, REVIEWS, "案件数量", ["行政复议", "结果维持"])
    assert (upheld.value, upheld.page) == (2, 3)
    total = _row(report, REQUESTS, "(七)总计", ["总计"])
    assert (total.value, total.page) == (65, 3)
    assert inside(printed_at(r"七.总计"), total.box)
    assert not inside(printed_at(r"3\.其他"), total.box)  # the row above is not outlined with it
    first = _row(report, REQUESTS, "一、本年新收政府信息公开申请数量", ["总计"])
    assert (first.page, first.box) == (None, None)  # read from page 1's text layer


def test_what_ocr_read_is_kept_with_where_it_was_printed(scanned_pdf, ocr_cache, report):
    pages: list[tuple[int, int]] = []
    again = _read(scanned_pdf, ocr_cache, pages)
    assert pages == []  # nothing recognised again
    assert again.scan_places == report.scan_places
    assert [(r.page, r.box) for r in again.table_rows] == [(r.page, r.box) for r in report.table_rows]


def test_a_report_read_without_ocr_keeps_the_version_it_was_stored_under(report):
    """The version (fingerprint) of a report is how it was computed before pages were kept, unless it has some."""
    text = parse_report(read_lines(TEXT_PDF), str(TEXT_PDF), "report2019")
    stored_before = {k: v for k, v in text.to_dict().items() if k != "scan_places"}
    stored_before["table_rows"] = [{k: v for k, v in row.items() if k not in ("page", "box")}
                                   for row in stored_before["table_rows"]]
    content = {k: v for k, v in stored_before.items() if k not in ("report_id", "source", "warnings")}
    old = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]
    assert text.fingerprint() == old == Report.from_dict(stored_before).fingerprint()
    moved = Report.from_dict(report.to_dict())
    moved.scan_places[0].box = [0.0] * 8
    assert moved.fingerprint() != report.fingerprint()


# --- citations -------------------------------------------------------------------------------------------------

def test_a_row_citation_from_the_scan_says_its_page(report):
    cited = row_citation(REPORT_ID, _row(report, REVIEWS, "案件数量", ["行政复议", "结果维持"]))
    assert cited.scanned and cited.where() == "扫描件第 3 页"
    out = cited.to_json()
    assert (out["page"], out["scanned"]) == (3, True) and len(out["boxes"]) == 1
    text_row = row_citation(REPORT_ID, _row(report, REQUESTS, "一、本年新收政府信息公开申请数量", ["总计"]))
    assert set(text_row.to_json()) == {"kind", "report", "label", "quote"}  # as before for a text page
    assert not text_row.scanned and text_row.where() == ""


def test_a_quote_from_the_scan_says_its_page_and_outlines_its_lines(report):
    cited = section_citation(REPORT_ID, PROBLEMS, PLANS, report)
    assert (cited.page, cited.scanned) == (3, True)
    assert len(cited.boxes) == 2  # the sentence runs over two printed lines
    assert inside(printed_at("2022年,我区将"), cited.boxes[0])
    assert inside(printed_at("提升公开实效"), cited.boxes[1])
    assert not inside(printed_at("单一、依申请"), cited.boxes[0])  # the start of the line is not quoted
    # The line is outlined askew as the page was scanned: the print at its start and at its end lies on the
    # box's middle line (turned straight, they would be 0.0066 of the page's height apart).
    start, end = below_middle(printed_at("单一、依申请"), cited.boxes[0]), below_middle(printed_at("我区将"), cited.boxes[0])
    assert abs(start - end) < 0.001 and abs(start) < 0.004
    text_quote = section_citation(REPORT_ID, "一、总体情况", "全年新收政府信息公开申请67件", report)
    assert set(text_quote.to_json()) == {"kind", "report", "label", "quote"}
    assert set(section_citation(REPORT_ID, PROBLEMS, PLANS).to_json()) == {"kind", "report", "label", "quote"}


# --- the page images -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def indexed(tmp_path_factory, report) -> Path:
    """A data folder whose report store holds the report (no vectors: the page routes read only the store)."""
    data_dir = tmp_path_factory.mktemp("pages") / "data"
    store = ReportStore(database_path(settings_for(data_dir)))
    version = report.fingerprint()
    store.write_pending(report, version, [])
    store.switch(REPORT_ID, version)
    store.close()
    return data_dir


@pytest.fixture(scope="module")
def client(indexed) -> TestClient:
    app = FastAPI()
    add_report_routes(app, ReportCatalog(settings_for(indexed)))
    return TestClient(app)


def _difference(png: bytes, path: Path, index: int) -> float:
    """Mean grey difference between an image and page `index` of a PDF rendered at the image's size."""
    shown = Image.open(io.BytesIO(png)).convert("L")
    page = pdfium.PdfDocument(str(path))[index]
    rendered = page.render(scale=shown.width / page.get_width()).to_pil().convert("L").resize(shown.size)
    return float(np.mean(np.abs(np.asarray(shown, np.int16) - np.asarray(rendered, np.int16))))


def test_the_page_route_serves_the_cited_page(client, indexed, scanned_pdf):
    response = client.get(f"/reports/{REPORT_ID}/page/3.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert 800 <= image.width <= 850 and image.height > image.width  # an A4 page at about 100 dpi
    assert _difference(response.content, scanned_pdf, 2) < 3 < _difference(response.content, scanned_pdf, 0)
    assert len(list((indexed / "page-images").glob("*.png"))) == 1  # rendered once, kept
    assert client.get(f"/reports/{REPORT_ID}/page/3.png").content == response.content


@pytest.mark.parametrize("path, message", [
    (f"/reports/{REPORT_ID}/page/4.png", "这份报告的原文没有这一页"),
    (f"/reports/{REPORT_ID}/page/0.png", "这份报告的原文没有这一页"),
    (f"/reports/{REPORT_ID}/page/x.png", "这份报告的原文没有这一页"),
    (f"/reports/{REPORT_ID}/page/{'9' * 5000}.png", "这份报告的原文没有这一页"),
    ("/reports/no-such-report/page/1.png", "没有找到这份报告"),
])
def test_pages_that_are_not_there_are_404(client, path, message):
    response = client.get(path)
    assert response.status_code == 404 and message in response.text


def test_a_page_image_report_is_one_page(tmp_path):
    png = page_png(SIGNOFF_PHOTO, 1, tmp_path)
    image = Image.open(io.BytesIO(png))
    assert image.size[0] == 827 and image.mode == "RGB"  # scaled to the page width; the red seal kept in colour
    assert page_png(SIGNOFF_PHOTO, 2, tmp_path) is None


# --- the web page ------------------------------------------------------------------------------------------------

def test_the_source_summary_and_panel_show_the_scanned_page(report):
    row = citation_dict(row_citation(REPORT_ID, _row(report, REVIEWS, "案件数量", ["行政复议", "结果维持"])))
    assert "(扫描件第 3 页)" in source_summary(row)
    panel = render_source(report, row, has_original=True)
    assert f'src="reports/{REPORT_ID}/page/3.png"' in panel and panel.count("<polygon") == 1
    # A quote cited without its page (the answer composer passes no report) is found in the report.
    quote = citation_dict(section_citation(REPORT_ID, PROBLEMS, PLANS))
    assert "扫描件" not in source_summary(quote)
    panel = render_source(report, quote, has_original=True)
    assert 'page/3.png' in panel and panel.count("<polygon") == 2
    assert "扫描件第 3 页" in render_source(report, quote, has_original=False)
    assert "<img" not in render_source(report, quote, has_original=False)
    text_row = citation_dict(row_citation(REPORT_ID, _row(report, REQUESTS, "一、本年新收政府信息公开申请数量", ["总计"])))
    assert "扫描件" not in source_summary(text_row) and "<img" not in render_source(report, text_row, True)


@pytest.fixture(scope="module")
def app(tmp_path_factory, report, embeddings):
    data_dir = tmp_path_factory.mktemp("scan-web") / "data"
    components_with(settings_for(data_dir), embeddings).ingestor.add_report(report)
    yield from serving(data_dir)


def asked_in_chat(browser, app, question: str):
    """The chat page at desktop size, and its first turn once answered."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_chat(page, app.url)
    ask_in_page(page, question)
    return page, Turn(page, 0).wait_done()


def test_the_panel_shows_the_scanned_page_with_the_row_outlined(app):
    with chromium() as browser:
        page, turn = asked_in_chat(browser, app, "行政复议结果维持的有几件?")
        scanned = turn.sources.filter(has_text="扫描件第 3 页")
        expect(scanned.first).to_be_visible()
        scanned.first.click()
        panel = page.locator("#source-panel")
        image = panel.locator("figure.scan-page img")
        expect(image).to_be_visible()
        expect(image).to_have_attribute("src", f"reports/{REPORT_ID}/page/3.png")
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 800", arg=image.element_handle())
        outline = panel.locator("figure.scan-page polygon")
        expect(outline).to_have_count(1)
        box, frame = outline.bounding_box(), image.bounding_box()
        assert box["width"] > 0.6 * frame["width"] and 0 < box["height"] < 0.05 * frame["height"]
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "chat-scanned-source.png"))


def test_the_panel_outlines_a_quote_from_the_scanned_page(app):
    with chromium() as browser:
        page, turn = asked_in_chat(browser, app, "存在哪些主要问题?")
        turn.sources.filter(has_text=PROBLEMS).first.click()
        panel = page.locator("#source-panel")
        expect(panel.locator("figure.scan-page img")).to_have_attribute("src", f"reports/{REPORT_ID}/page/3.png")
        expect(panel.locator("figure.scan-page figcaption")).to_contain_text("扫描件第 3 页")
        assert panel.locator("figure.scan-page polygon").count() >= 1
        page.screenshot(path=str(OUTPUT / "chat-scanned-quote.png"))
