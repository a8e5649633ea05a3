"""The web app in a real browser (Debian's Chromium through Playwright) against `python app.py` on loopback:
the citizens' chat (Gradio's Chatbot), its sources and side panel, feedback, bad input, phone width; then the staff
pages. Long conversations, layout, accessibility and what the site covers are in test_web_conversation.py."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.web_helpers import (OUTPUT, STAFF_PASSWORD, STAFF_USER, Turn, ask_in_page, chromium, open_chat,
                               serving_copy, write_timing)

EXAMPLE_ID = "xizhu-2018"


@pytest.fixture(scope="module")
def app(tmp_path_factory, cli_data_dir):
    yield from serving_copy(cli_data_dir, tmp_path_factory.mktemp("web-chat") / "data")


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture()
def page(app, browser):
    """A desktop page of the chat; every request it makes is recorded to prove the app stays offline."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.dialogs = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    open_chat(page, app.url)
    yield page
    context.close()


def ask(page: Page, question: str, press_enter: bool = True):
    return ask_in_page(page, question, press_enter)


def test_answer_streams_with_numbered_sources_and_the_panel_shows_them(page: Page, app):
    turn, first_text = ask(page, "微博发了多少条?")
    write_timing("browser_first_answer_text_s", first_text)
    expect(turn.user).to_have_text("微博发了多少条?")
    expect(turn.answer).to_contain_text("690")
    sources = turn.sources
    assert sources.count() >= 2
    row_source = sources.nth(0)
    expect(row_source.locator(".src-n")).to_have_text("[1]")
    expect(row_source.locator(".src-label")).to_have_text("3.政务微博公开政府信息数")
    expect(row_source.locator(".src-unit")).to_have_text("单位:条")
    expect(row_source.locator(".src-value")).to_have_text("690 条")
    expect(row_source.locator(".src-parents")).to_contain_text("一、主动公开情况")

    row_source.click()
    highlighted = page.locator("#source-view tr.hit")
    expect(highlighted).to_be_visible()
    expect(highlighted).to_contain_text("3.政务微博公开政府信息数")
    expect(highlighted).to_contain_text("690 条")
    expect(page.locator("#source-view table.stats")).to_contain_text("未填报")  # blank cells of the same table
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "chat-desktop-table-source.png"))

    section_source = sources.filter(has_text="九、公开平台载体建设情况").first
    section_source.click()
    mark = page.locator("#source-view mark.hit")
    expect(mark).to_have_text("2018年西翥街道办事处通过官方政务微博发布信息690条。")
    expect(page.locator("#source-view .panel-heading")).to_have_text("九、公开平台载体建设情况")
    expect(page.locator("#source-view .panel-links a", has_text="阅读报告全文")).to_have_attribute(
        "href", re.compile(r"reports/xizhu-2018#sec-\d+"))
    page.screenshot(path=str(OUTPUT / "chat-desktop.png"), full_page=True)
    outside = [url for url in page.requests if not url.startswith(app.url)]
    assert outside == [], f"the page fetched from outside the app: {outside[:5]}"


def test_follow_up_keeps_context_and_clear_starts_over(page: Page):
    ask(page, "行政诉讼有几起?")
    turn, _ = ask(page, "那行政复议呢?", press_enter=False)
    expect(turn.answer).to_contain_text("复议")
    expect(turn.answer).to_contain_text("1")
    expect(turn.answer).not_to_contain_text("诉讼数量")
    page.locator("#clear").click()
    expect(page.locator("#chat-log .message-row")).to_have_count(0)
    expect(page.locator("#chat-log")).to_contain_text("您好!我可以回答")
    turn, _ = ask(page, "那行政复议呢?")  # no history any more: a fresh conversation
    assert turn.number == 0


def test_starter_question_is_answered(page: Page):
    page.locator("#starters button", has_text="行政诉讼有几起?").click()
    turn = Turn(page, 0).wait_done()
    expect(turn.answer).to_contain_text("2")
    expect(turn.sources.first).to_be_visible()
    expect(page.locator("#question textarea")).to_have_value("")


def test_unanswerable_question_shows_the_refusal(page: Page):
    turn, _ = ask(page, "今天昆明的天气怎么样?")
    expect(turn.answer.locator(".badge-refusal")).to_have_text("未找到答案")
    expect(turn.answer).to_contain_text("报告中未提及相关内容")
    expect(turn.sources).to_have_count(0)
    expect(turn.feedback("wrong")).to_be_visible()  # a refusal can be rated too


def test_bad_questions_never_break_the_chat(page: Page):
    turn, _ = ask(page, "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned=2\">")
    expect(turn.user).to_contain_text("<script>window.__pwned = 1</script>")
    expect(turn.user).to_contain_text("<img src=x")
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []

    turn, _ = ask(page, "", press_enter=False)
    expect(turn.answer.locator(".badge-notice")).to_be_visible()
    expect(turn.answer).to_contain_text("问题为空")
    turn, _ = ask(page, "?!。,,,???")
    expect(turn.answer).to_contain_text("问题为空")
    turn, _ = ask(page, "微博" * 5001)
    expect(turn.answer).to_contain_text("问题太长")
    expect(turn.user).to_contain_text("共 10002 字")
    turn, _ = ask(page, "*强调* `代码` [链接](http://example.com) # 标题")
    expect(turn.user).to_have_text("*强调* `代码` [链接](http://example.com) # 标题")  # shown as typed, not as Markdown
    expect(turn.user.locator("a", has_text="链接")).to_have_count(0)  # (a bare URL is still made a link)
    turn, _ = ask(page, "\x00\x07\x1b[31m微博发了多少条?\x7f")
    expect(turn.answer).to_contain_text("690")
    turn, _ = ask(page, "\x01" * 50_000 + "微博发了多少条?")  # the limit is on what was sent
    expect(turn.answer.locator(".badge-notice")).to_be_visible()
    expect(turn.answer).to_contain_text("问题太长(50008 字)")
    turn, _ = ask(page, "\u202e微博\u200b发了\u2066多少条?\u2069\ufeff")  # bidi overrides and zero-width marks
    expect(turn.user).to_have_text("微博发了多少条?")
    expect(turn.answer).to_contain_text("690")
    assert "Traceback" not in page.content()


def test_feedback_is_stored_on_disk(page: Page, app):
    turn, _ = ask(page, "政府网站公开了多少条信息?")
    expect(turn.answer).to_contain_text("未填报")
    turn.feedback("wrong").click()
    comment = page.locator("#feedback-comment textarea")
    expect(comment).to_be_visible()
    comment.fill("我想知道网站上实际发布了多少条")
    page.locator("#feedback-send").click()
    expect(turn.extra.locator(".feedback.done")).to_contain_text("有错误")
    expect(comment).to_be_hidden()
    records = [json.loads(line) for line in (app.data_dir / "feedback.jsonl").read_text().splitlines()]
    record = records[-1]
    assert record["rating"] == "wrong"
    assert record["comment"] == "我想知道网站上实际发布了多少条"
    assert record["question"] == "政府网站公开了多少条信息?"
    assert "未填报" in record["answer"]
    assert record["citations"][0]["label"] == "2.政府网站公开政府信息数"


def test_phone_width_nothing_cut_off(app, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    try:
        open_chat(page, app.url)
        turn, _ = ask(page, "微博发了多少条?")
        expect(turn.sources.first).to_be_visible()
        page.screenshot(path=str(OUTPUT / "chat-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        for locator in (turn.user.locator(".message"), turn.answer.locator(".message"), turn.sources.first,
                        page.locator("#question textarea"), page.locator("#send"), page.locator("#clear")):
            box = locator.first.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (locator, box)
        font_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#chat-log .bot-row .md')).fontSize)")
        assert font_px >= 13
        turn.sources.first.tap()
        expect(page.locator("#source-view tr.hit")).to_be_visible()
        page.wait_for_function("""() => {  // the panel slides in; then the highlighted row is fully on screen
            const r = document.querySelector('#source-view tr.hit').getBoundingClientRect();
            return r.left >= 0 && r.right <= 375 && r.top >= 0 && r.bottom <= 740; }""", timeout=5000)
        page.screenshot(path=str(OUTPUT / "chat-phone-source.png"))
        page.locator("#source-view .panel-close").tap()  # the panel covers the chat on a phone: a big way back
        expect(page.locator("#source-panel")).not_to_have_class(re.compile(r"\bopen\b"))
        expect(turn.sources.first).to_be_visible()
    finally:
        context.close()


# --- staff -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def staff(app, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(app.url + "/staff/")
    page.locator("input").first.wait_for()
    inputs = page.locator("input")
    inputs.nth(0).fill(STAFF_USER)
    inputs.nth(1).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Login").click()
    expect(page.locator("#staff-report input")).to_have_value(re.compile(EXAMPLE_ID))  # filled in on load
    yield page
    context.close()


def test_staff_login_refuses_a_wrong_password(app, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(app.url + "/staff/")
        page.locator("input").first.wait_for()
        page.locator("input").nth(0).fill(STAFF_USER)
        page.locator("input").nth(1).fill("wrong")
        page.get_by_role("button", name="Login").click()
        expect(page.get_by_text("Incorrect Credentials")).to_be_visible()
        expect(page.locator("#staff-report")).to_have_count(0)
    finally:
        context.close()


def test_staff_fact_check_gives_a_verdict_per_sentence(staff: Page):
    staff.get_by_role("tab", name="事实核查").click()
    staff.locator("#check-text textarea").fill("2018年西翥街道办事处通过政务微博发布信息690条。全年行政诉讼5起。")
    staff.locator("#check-run").click()
    checks = staff.locator("#check-result li.check")
    expect(checks).to_have_count(2)
    expect(checks.nth(0).locator(".verdict")).to_have_text("相符")
    expect(checks.nth(0).locator(".evidence")).to_contain_text("690")
    expect(checks.nth(1).locator(".verdict")).to_have_text("不符")
    expect(checks.nth(1).locator(".evidence")).to_contain_text("2")


def test_staff_indicator_browser_searches_and_shows_blanks(staff: Page):
    staff.get_by_role("tab", name="指标浏览").click()
    table = staff.locator("#indicator-table")
    staff.locator("#indicator-query textarea").fill("微博")
    expect(table).to_contain_text("3.政务微博公开政府信息数")
    expect(table).to_contain_text("690 条")
    expect(table).not_to_contain_text("行政复议")
    staff.locator("#indicator-query textarea").fill("政府网站公开")
    expect(table).to_contain_text("未填报")


def test_staff_audit_lists_findings(staff: Page):
    staff.get_by_role("tab", name="审核").click()
    staff.locator("#audit-run").click()
    result = staff.locator("#audit-result")
    mismatch = result.locator("li.check", has=staff.locator(".verdict.bad"), has_text="3.政务微博公开政府信息数")
    expect(mismatch.first).to_contain_text("690")
    expect(result.locator(".verdict", has_text="需人工复核").first).to_be_visible()
    staff.screenshot(path=str(OUTPUT / "staff-audit.png"), full_page=True)


def test_staff_reviews_all_reports_downloads_the_sheet_and_marks_a_finding(staff: Page):
    from openpyxl import load_workbook

    staff.get_by_role("tab", name="年度审查").click()
    staff.locator("#review-run").click()
    table = staff.locator("#review-table")
    expect(table).to_contain_text("西翥街道办事处", timeout=60_000)
    expect(table).to_contain_text("3.政务微博公开政府信息数")
    expect(staff.locator("#review-summary")).to_contain_text("共 9 条发现")
    with staff.expect_download() as download:
        staff.locator("#review-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as data:
        sheet = load_workbook(data)["发现"]
    assert [c.value for c in sheet[1]][:4] == ["单位", "年度", "报告", "严重程度"] and sheet.max_row == 10
    fingerprint = sheet.cell(row=2, column=8).value
    staff.locator("#review-mark-id input").fill(fingerprint)
    staff.locator("#review-mark-id input").press("Enter")
    staff.get_by_label("已排除").check()
    staff.locator("#review-mark").click()
    expect(staff.locator("#review-mark-status")).to_contain_text(f"已将 {fingerprint} 标为已排除")
    staff.locator("#review-run").click()
    expect(staff.locator("#review-summary")).to_contain_text("已排除 1")
    expect(table).to_contain_text("已排除")
    staff.screenshot(path=str(OUTPUT / "staff-review.png"), full_page=True)


def test_staff_sees_what_an_import_read(staff: Page):
    staff.get_by_role("tab", name="解析结果").click()
    staff.locator("#parsed-run").click()
    result = staff.locator("#parsed-result")
    expect(result).to_contain_text("单位: 西翥街道办事处")
    expect(result).to_contain_text("年度: 2018")
    expect(result).to_contain_text("十三、2019年政府信息公开工作的计划和安排")
    expect(result).to_contain_text("3.政务微博公开政府信息数 | 条 | 690")
    expect(result).to_contain_text("警告(0)")
    staff.screenshot(path=str(OUTPUT / "staff-parsed.png"), full_page=True)


def choose_file(staff: Page, path) -> None:
    clear = staff.locator("#report-upload button[aria-label='Clear']")
    if clear.count():
        clear.click()
    staff.locator("#report-upload input[type=file]").set_input_files(str(path))


def test_staff_uploads_the_example_again_and_a_bad_file_is_refused(staff: Page, app, tmp_path):
    """A refused file is named in the status, the encoding of a Big5 file too, and is not kept in uploads/."""
    from tests.conftest import EXAMPLE

    staff.get_by_role("tab", name="报告管理").click()
    choose_file(staff, EXAMPLE)
    staff.locator("#report-add").click()
    status = staff.locator("#report-status")
    expect(status).to_contain_text(f"已导入 {EXAMPLE_ID}", timeout=120_000)
    expect(staff.locator("#report-table")).to_contain_text(EXAMPLE_ID)

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"this is not a pdf at all")
    expect(staff.locator("#report-upload .file-preview")).to_have_count(0)  # cleared after a good import
    choose_file(staff, bad)
    staff.locator("#report-add").click()
    expect(status).to_contain_text("无法导入", timeout=60_000)
    expect(status).to_contain_text("broken.pdf")

    big5 = tmp_path / "taipei-2018.txt"
    big5.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("big5", errors="replace"))
    choose_file(staff, big5)
    staff.locator("#report-add").click()
    expect(status).to_contain_text("taipei-2018.txt", timeout=60_000)
    expect(status).to_contain_text("文件编码似乎是 Big5")
    kept = sorted(p.name for p in (app.data_dir / "uploads").rglob("*") if p.is_file())
    assert kept == ["xizhu-2018.txt"], kept


def test_staff_sees_and_downloads_feedback(staff: Page, app, page: Page):
    turn, _ = ask(page, "行政诉讼有几起?")
    turn.feedback("helpful").click()
    page.locator("#feedback-send").click()
    expect(turn.extra.locator(".feedback.done")).to_be_visible()

    staff.get_by_role("tab", name="事实核查").click()
    staff.get_by_role("tab", name="用户反馈").click()
    expect(staff.locator("#feedback-table")).to_contain_text("行政诉讼有几起?")
    with staff.expect_download() as download:
        staff.locator("#feedback-download").click()
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert any(json.loads(line)["question"] == "行政诉讼有几起?" for line in lines)


def test_staff_adds_and_deletes_a_second_report_and_the_chat_offers_a_picker(staff: Page, app, browser, tmp_path):
    from tests.conftest import copy_example

    second = copy_example(tmp_path, "xizhu-2018-copy.txt")
    staff.get_by_role("tab", name="报告管理").click()
    choose_file(staff, second)
    staff.locator("#report-add").click()
    expect(staff.locator("#report-status")).to_contain_text("已导入 xizhu-2018-copy", timeout=120_000)

    context = browser.new_context()
    citizen = context.new_page()
    try:
        open_chat(citizen, app.url)
        picker = citizen.locator("#report-picker")
        expect(picker).to_be_visible()
        expect(picker.locator("input")).to_have_value("全部报告")
        expect(citizen.locator("#coverage .cov-list li")).to_have_count(2)
        turn, _ = ask(citizen, "行政诉讼有几起?")
        expect(turn.answer).to_contain_text("各报告")
        expect(turn.sources).to_have_count(2)
    finally:
        context.close()

    staff.locator("#report-delete-id input").fill("xizhu-2018-copy")
    staff.locator("#report-delete-id ul li", has_text="xizhu-2018-copy").first.click()
    staff.get_by_label("确认删除").check()
    staff.get_by_role("button", name="删除").click()
    expect(staff.locator("#report-status")).to_contain_text("已删除报告 xizhu-2018-copy")
    expect(staff.locator("#report-table")).not_to_contain_text("xizhu-2018-copy")
    page = browser.new_page()
    try:
        open_chat(page, app.url)
        expect(page.locator("#report-picker")).to_be_hidden()
        expect(page.locator("#coverage .cov-list li")).to_have_count(1)
    finally:
        page.close()
