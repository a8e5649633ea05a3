"""A citizen's conversation that holds up, in Debian's Chromium against `python app.py`: ten turns at desktop and
phone size without anything drawn over anything else, comparison tables rendered as tables, the list of indexed
reports with each report readable in full and downloadable, Chinese accessible names and Gradio strings whatever
the browser's language, and no uploads into the citizens' app."""
from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import EXAMPLE
from tests.web_helpers import (OUTPUT, SIZES, Turn, ask_in_page, get, launch_chromium, login_cookie, open_chat,
                               serving_copy, sized_context)

SECOND_UNIT = "团结街道办事处"
QUESTIONS = ["微博发了多少条?", "行政诉讼有几起?", "那行政复议呢?", "政府网站公开了多少条信息?", "2019年有什么工作计划?",
             "今天天气怎么样?", "比较各报告的行政复议数量", "收到多少件依申请公开?", "联系电话是多少?",
             "主动公开了多少条信息?"]
# What must never be drawn over anything else, and what must stay usable below the conversation.
LAYOUT_JS = """() => {
  const box = (selector) => {
    const el = document.querySelector(selector);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height};
  };
  const hits = (selector) => {  // is the element itself what is drawn at its centre?
    const el = document.querySelector(selector);
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!top && (el === top || el.contains(top));
  };
  const rows = document.querySelectorAll('#chat-log .message-row');
  const last = rows.length ? rows[rows.length - 1].getBoundingClientRect() : null;
  return {
    boxes: {log: box('#chat-log'), header: box('#site-header'), scope: box('#scope'), starters: box('#starters'),
            question: box('#question'), send: box('#send'), clear: box('#clear'), footer: box('#site-footer')},
    clickable: {question: hits('#question textarea'), send: hits('#send'), clear: hits('#clear'),
                starter: hits('#starters button'), footer: hits('#site-footer a')},
    last: last && {top: last.top, bottom: last.bottom},
    viewport: {width: window.innerWidth, height: window.innerHeight},
    scrollWidth: document.documentElement.scrollWidth,
    container: document.querySelector('.gradio-container').getBoundingClientRect().width,
  };
}"""


SCROLLED_TO_END_JS = """() => {
  const log = document.querySelector('#chat-log .bubble-wrap');
  return log.scrollHeight - log.scrollTop - log.clientHeight < 2;
}"""


def _second_report(tmp_path):
    """The example under another unit's name: a second report to compare with."""
    path = tmp_path / "tuanjie-2018.txt"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("西翥", "团结"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def app(tmp_path_factory, cli_data_dir):
    folder = tmp_path_factory.mktemp("web-conversation")
    yield from serving_copy(cli_data_dir, folder / "data", _second_report(folder))


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright):
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()


def _overlaps(a: dict, b: dict) -> bool:
    return a["x"] < b["right"] - 1 and b["x"] < a["right"] - 1 and a["y"] < b["bottom"] - 1 and b["y"] < a["bottom"] - 1


def check_layout(page: Page, size: str, turns: int, widths: set) -> None:
    width, height = SIZES[size]
    layout = page.evaluate(LAYOUT_JS)
    boxes = layout["boxes"]
    names = list(boxes)
    for n, first in enumerate(names):
        for second in names[n + 1:]:
            if {first, second} == {"send", "question"} or {first, second} == {"clear", "header"}:
                continue  # side by side in one row: checked below that they do not cover each other
            assert not _overlaps(boxes[first], boxes[second]), (size, turns, first, second, boxes)
    assert not _overlaps(boxes["question"], boxes["send"]) and not _overlaps(boxes["clear"], boxes["header"])
    assert all(layout["clickable"].values()), (size, turns, layout["clickable"])
    for name in ("question", "send", "clear", "footer", "log"):  # all of it on the screen, none below the fold
        box = boxes[name]
        assert box["x"] >= 0 and box["right"] <= width + 0.5 and box["y"] >= 0 and box["bottom"] <= height + 0.5, \
            (size, turns, name, box)
    assert boxes["question"]["width"] >= (600 if size == "desktop" else 200), boxes["question"]
    assert boxes["log"]["height"] >= (400 if size == "desktop" else 250), boxes["log"]
    last, log = layout["last"], boxes["log"]  # the newest answer's end is in view inside the log
    assert turns == 0 or log["y"] - 1 <= last["bottom"] <= log["bottom"] + 1, (size, turns, last, log)
    assert layout["scrollWidth"] <= width, layout["scrollWidth"]
    widths.add(round(layout["container"]))
    assert len(widths) == 1, f"the page width changed with the answers: {widths}"


@pytest.mark.parametrize("size", list(SIZES))
def test_ten_turns_stay_in_order_and_in_view(app, browser, size):
    width, height = SIZES[size]
    context = sized_context(browser, size)
    page = context.new_page()
    widths: set[int] = set()
    try:
        open_chat(page, app.url)
        check_layout(page, size, 0, widths)
        for number, question in enumerate(QUESTIONS, start=1):
            turn, _ = ask_in_page(page, question)
            assert turn.number == number - 1
            check_layout(page, size, number, widths)
            if number in (3, 10):
                page.screenshot(path=str(OUTPUT / f"conversation-{size}-turn{number}.png"))
        page.wait_for_function(SCROLLED_TO_END_JS)  # the chat has scrolled to the newest answer by itself
        page.wait_for_timeout(1500)  # (the answer's last update has landed)
        page.mouse.move(width / 2, 400)  # and the wheel scrolls it back to the first question, where it stays
        page.mouse.wheel(0, -20_000)
        page.wait_for_function("() => document.querySelector('#chat-log .bubble-wrap').scrollTop === 0")
        page.wait_for_timeout(1000)
        assert page.evaluate("document.querySelector('#chat-log .bubble-wrap').scrollTop") == 0
        first, log = Turn(page, 0).user.bounding_box(), page.locator("#chat-log").bounding_box()
        assert log["y"] <= first["y"] and first["y"] + first["height"] <= log["y"] + log["height"], (first, log)
        page.screenshot(path=str(OUTPUT / f"conversation-{size}-scrolled-up.png"))
        turn, _ = ask_in_page(page, "行政诉讼有几起?")  # and a new answer brings the newest back into view
        expect(turn.sources.first).to_be_in_viewport()
        check_layout(page, size, 11, widths)
    finally:
        context.close()


def test_a_comparison_is_a_rendered_table(app, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        open_chat(page, app.url)
        turn, _ = ask_in_page(page, "比较各报告的行政复议数量")
        table = turn.answer.locator("table")
        expect(table).to_be_visible()
        expect(table.locator("th")).to_have_text(["报告", "指标", "数值"])
        expect(table.locator("tbody tr")).to_have_count(2)
        expect(table.locator("tbody")).to_contain_text(SECOND_UNIT)
        expect(table.locator("tbody")).to_contain_text("1 件")
        expect(turn.answer).not_to_contain_text("|---")
        expect(turn.sources).to_have_count(2)
        page.screenshot(path=str(OUTPUT / "conversation-comparison-table.png"))
    finally:
        context.close()


def test_the_page_lists_the_reports_and_each_can_be_read_and_downloaded(app, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        open_chat(page, app.url)
        coverage = page.locator("#coverage")
        expect(coverage.locator("summary")).to_contain_text("已收录 2 份报告")
        coverage.locator("summary").click()
        items = coverage.locator(".cov-list li")
        expect(items).to_have_count(2)
        expect(items.filter(has_text="西翥街道办事处").first).to_contain_text("2018 年度")
        expect(items.filter(has_text=SECOND_UNIT).first).to_contain_text("2018 年度")
        picker = page.locator("#report-picker")
        expect(picker).to_be_visible()
        page.screenshot(path=str(OUTPUT / "conversation-coverage.png"))

        xizhu = items.filter(has_text="西翥街道办事处").first
        with context.expect_page() as opened:
            xizhu.get_by_role("link", name="阅读全文").click()
        report = opened.value
        report.wait_for_load_state()
        expect(report).to_have_title(re.compile("西翥街道办事处2018年政府信息公开工作年度报告"))
        expect(report.locator("h2", has_text="九、公开平台载体建设情况")).to_be_visible()
        expect(report.locator("main")).to_contain_text("2018年西翥街道办事处通过官方政务微博发布信息690条。")
        row = report.locator("table.stats tr", has_text="2.政府网站公开政府信息数")
        expect(row).to_contain_text("未填报")
        expect(report.locator("table.stats tr", has_text="3.政务微博公开政府信息数")).to_contain_text("690 条")
        expect(report.locator("#signoff")).to_contain_text("68406611")
        report.screenshot(path=str(OUTPUT / "report-page.png"))
        with report.expect_download() as download:
            report.get_by_role("link", name=re.compile("下载原文")).click()
        assert download.value.suggested_filename == "xizhu-2018.txt"
        assert open(download.value.path(), "rb").read() == EXAMPLE.read_bytes()
        report.close()
        with page.expect_download() as download:
            xizhu.get_by_role("link", name="下载原文").click()
        assert open(download.value.path(), "rb").read() == EXAMPLE.read_bytes()
    finally:
        context.close()


def test_only_indexed_reports_are_served(app):
    assert get(f"{app.url}/reports/no-such-report")[0] == 404
    assert get(f"{app.url}/reports/no-such-report/original")[0] == 404
    for sneaky in ("..%2F..%2Fsettings.py", "%2Fetc%2Fpasswd", "..", "xizhu-2018%2F..%2F..%2Fapp.py"):
        status, body = get(f"{app.url}/reports/{sneaky}/original")
        assert status == 404 and "import" not in body and "root:" not in body, sneaky


def test_the_page_is_titled_and_previewed_as_this_site(app):
    status, html = get(app.url + "/")
    assert status == 200
    head = html.split("<script>window.gradio_config", 1)[0]
    assert "<title>政府信息公开年报问答</title>" in head
    assert '<html\n\tlang="zh-CN"' in head or '<html lang="zh-CN"' in head
    assert re.search(r'<meta property="og:title" content="政府信息公开年报问答">', head)
    assert re.search(r'<meta property="og:description" content="[^"]*年度报告[^"]*">', head)
    for gradio_text in ("Click to try out the app", 'content="Gradio"', "@Gradio", "header-image.jpg", "gradio.app"):
        assert gradio_text not in head, gradio_text


def _upload(url: str, cookie: str | None = None) -> int:
    boundary = "x-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="r.txt"\r\n\r\nabc\r\n'
            f"--{boundary}--\r\n").encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_citizens_app_takes_no_uploads_and_the_staff_app_keeps_its_own(app):
    for route in ("/gradio_api/upload", "/gradio_api/upload/", "/gradio_api/process_recording"):
        assert _upload(app.url + route) == 403, route
    assert _upload(f"{app.url}/staff/gradio_api/upload") == 401
    assert _upload(f"{app.url}/staff/gradio_api/upload", login_cookie(app)) == 200


def test_chinese_names_and_strings_with_an_english_browser(app, playwright):
    chromium = launch_chromium(playwright, "--lang=en-US")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        open_chat(page, app.url)
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        expect(page).to_have_title("政府信息公开年报问答")
        expect(page.get_by_role("textbox", name="您的问题")).to_be_visible()
        expect(page.get_by_role("button", name="发送")).to_be_visible()
        panel_button = page.get_by_role("button", name=re.compile("报告原文面板"))
        expect(panel_button).to_have_count(1)
        log = page.locator("#chat-log [role=log]")
        expect(log).to_have_attribute("aria-live", "polite")  # new answers are announced
        expect(log).to_have_attribute("aria-label", "对话记录")
        expect(page.locator("#report-picker input")).to_have_attribute("aria-label", "提问范围")

        turn, _ = ask_in_page(page, "微博发了多少条?")
        copy = page.locator("#chat-log").get_by_role("button", name="复制这条消息")  # Gradio's own, in Chinese
        expect(copy).to_have_count(2)  # the question and the answer; not the sources (their copy is their markup)
        turn.sources.first.focus()
        page.keyboard.press("Enter")  # a source opens with the keyboard...
        expect(page.locator("#source-panel")).to_have_class(re.compile(r"\bopen\b"))
        expect(page.locator("#source-view tr.hit")).to_be_visible()
        page.keyboard.press("Escape")  # ...and Escape closes it, back on the source
        expect(page.locator("#source-panel")).not_to_have_class(re.compile(r"\bopen\b"))
        assert page.evaluate("document.activeElement.value") == "src:0:0"

        english = page.evaluate("""() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
            .flatMap(el => ['aria-label', 'title', 'placeholder'].map(a => el.getAttribute(a)))
            .filter(text => text && /[A-Za-z]{3,}/.test(text))""")
        assert english == [], english
        visible_text = page.locator("body").inner_text()
        assert not re.search(r"\b(Loading|Error|Clear|Copy|Submit|Send|processing|queue)\b", visible_text), \
            visible_text
        page.screenshot(path=str(OUTPUT / "conversation-english-browser.png"))
    finally:
        context.close()
        chromium.close()
