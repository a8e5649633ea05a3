"""The web app's small parts without a server: upload names and limits, the feedback file, HTML escaping,
the source panel, the staff check."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.answer import Answer
from index.report import Report, ReportError, Section, TableRow
from webapp.auth import require_staff
from webapp.feedback import FeedbackStore
from webapp.render import (answer_markdown, plain_markdown, render_messages, render_report, render_source,
                           source_summary)
from webapp.uploads import UploadError, safe_name, store_upload


@pytest.mark.parametrize("name, safe", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\report.docx", "report.docx"),
    ("/abs/path/西翥 2018 年报.pdf", "西翥-2018-年报.pdf"),
    (".hidden.txt", "hidden.txt"),
    ("a\x00b\x1f.txt", "ab.txt"),
])
def test_safe_name_keeps_only_the_last_component(name, safe):
    assert safe_name(name) == safe


@pytest.mark.parametrize("name", ["..", "../", "", "...", "a/"])
def test_safe_name_refuses_names_with_nothing_left(name):
    with pytest.raises(UploadError):
        safe_name(name)


def test_store_upload_writes_inside_its_folder_only(tmp_path):
    source = tmp_path / "upload.bin"
    source.write_text("报告", encoding="utf-8")
    folder = tmp_path / "data" / "uploads"
    stored = store_upload(source, "../../../escaped.txt", folder, max_mb=1, received_in=tmp_path)
    assert stored == (folder / "escaped.txt").resolve()
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "data" / "escaped.txt").exists()


@pytest.mark.parametrize("name", ["report.exe", "report.doc", "report", "report.txt.sh"])
def test_store_upload_refuses_other_file_types(tmp_path, name):
    source = tmp_path / "upload.bin"
    source.write_text("x")
    with pytest.raises(UploadError, match="不支持的文件类型"):
        store_upload(source, name, tmp_path / "uploads", max_mb=1, received_in=tmp_path)


def test_store_upload_takes_only_files_the_browser_uploaded(tmp_path):
    """A staff API call naming a server path instead of an uploaded file imports nothing."""
    received = tmp_path / "gradio"
    received.mkdir()
    for path in ("/usr/lib/python3.11/LICENSE.txt", "/etc/passwd", str(received / ".." / "elsewhere.txt")):
        with pytest.raises(UploadError, match="只能导入本次上传的文件"):
            store_upload(Path(path), "LICENSE.txt", tmp_path / "uploads", max_mb=1, received_in=received)
    assert not (tmp_path / "uploads").exists()
    uploaded = received / "abc" / "report.txt"
    uploaded.parent.mkdir()
    uploaded.write_text("报告", encoding="utf-8")
    assert store_upload(uploaded, "report.txt", tmp_path / "uploads", max_mb=1, received_in=received).exists()


def test_store_upload_refuses_too_large_and_empty_files(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(UploadError, match="文件太大"):
        store_upload(big, "big.txt", tmp_path / "uploads", max_mb=1, received_in=tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="空"):
        store_upload(empty, "empty.txt", tmp_path / "uploads", max_mb=1, received_in=tmp_path)


def _turn(**extra):
    return {"question": "微博发了多少条?", "asked": "微博发了多少条?", "text": "690 条", "status": "answer",
            "citations": [{"kind": "section", "report": "r", "label": "九、公开平台", "quote": "690条", "row": None}],
            "report": "", "feedback": None, **extra}


def test_feedback_is_appended_and_read_back(tmp_path):
    store = FeedbackStore(tmp_path / "fb" / "feedback.jsonl")
    store.add(_turn(), "helpful")
    store.add(_turn(), "wrong", "  数字不对  " + "长" * 3000)
    with store.path.open("a", encoding="utf-8") as out:
        out.write('{"cut short by a cra')
    records = store.all()
    assert [r["rating"] for r in records] == ["helpful", "wrong"]
    assert records[1]["comment"].startswith("数字不对") and len(records[1]["comment"]) == 2000
    assert records[0]["citations"] == [{"kind": "section", "report": "r", "label": "九、公开平台", "quote": "690条"}]
    assert json.loads(store.path.read_text(encoding="utf-8").splitlines()[0])["found"] is True
    with pytest.raises(ValueError):
        store.add(_turn(), "meh")


def test_messages_escape_everything_a_user_or_report_wrote():
    messages = render_messages([_turn(question="<script>alert(1)</script> *x* [a](b)", text="<b>x</b>\n第二行 *强调*")])
    question, answer, extra = (m["content"] for m in messages)
    assert [m["role"] for m in messages] == ["user", "assistant", "assistant"]
    assert "<script>" not in question and "&lt;script&gt;alert(1)&lt;/script&gt;" in question
    assert r"\*x\*" in question and r"\[a\](b)" in question
    assert answer == "&lt;b&gt;x&lt;/b&gt;\n第二行 \\*强调\\*"
    assert 'value="src:0:0"' in extra and "[1]" in extra and 'value="fb:0:wrong"' in extra


def test_answer_tables_and_lists_stay_markdown_and_are_set_apart():
    text = "| 报告 | 指标 | 数值 |\n|---|---|---|\n| 甲 | 四、行政复议数量 | 1 件 |\n乙的统计表中没有找到这一指标。\n- 一项\n---"
    assert answer_markdown(text).split("\n") == [
        "| 报告 | 指标 | 数值 |", "|---|---|---|", "| 甲 | 四、行政复议数量 | 1 件 |", "",
        "乙的统计表中没有找到这一指标。", "- 一项", "\\---"]
    assert plain_markdown("1. 第一\n- 第二\n# 第三") == "1\\. 第一\n\\- 第二\n\\# 第三"


def test_a_turn_shows_its_progress_and_its_status():
    pending = render_messages([_turn(text="", status="pending", citations=[])])
    assert [m["content"] for m in pending][1] == '<span class="typing">正在查找报告…</span>' and len(pending) == 2
    waiting = render_messages([_turn(text="", status="pending", citations=[], waiting="系统正在准备")])
    assert "系统正在准备" in waiting[1]["content"]
    refusal = render_messages([_turn(text="报告中未提及相关内容。", status="refusal", citations=[])])
    assert refusal[1]["content"].startswith('<span class="badge badge-refusal">未找到答案</span>')
    assert 'value="fb:0:helpful"' in refusal[2]["content"]  # a refusal can be rated
    notice = render_messages([_turn(text="问题为空", status="notice", citations=[])])
    assert len(notice) == 2 and "badge-notice" in notice[1]["content"]
    rated = render_messages([_turn(feedback="wrong")])
    assert "已收到您的反馈(有错误)" in rated[2]["content"] and 'value="fb:' not in rated[2]["content"]


def _report() -> Report:
    rows = [TableRow("一、主动公开情况", "", None, ""),
            TableRow("3.政务微博公开政府信息数", "条", 690.0, "690", parents=["一、主动公开情况"], line=7),
            TableRow("2.政府网站公开政府信息数", "条", None, "", parents=["一、主动公开情况"], line=6)]
    return Report("r", "某街道2018年报告", "某街道", 2018,
                  sections=[Section("九", "平台", "九、平台", "前文。全年发布信息690条。后文。")], table_rows=rows)


def test_source_panel_highlights_the_quote_or_the_row():
    report = _report()
    section = render_source(report, {"kind": "section", "report": "r", "label": "九、平台", "quote": "全年发布信息690条。",
                                     "row": None})
    assert '前文。<mark class="hit">全年发布信息690条。</mark>后文。' in section
    from dataclasses import asdict

    cited = asdict(report.table_rows[1])
    table = render_source(report, {"kind": "table_row", "report": "r", "label": "", "quote": "", "row": cited})
    assert table.count('class="hit"') == 1
    assert '<tr class="hit"><td style="padding-left:1.2em">3.政务微博公开政府信息数</td><td>条</td><td>690 条</td>' in table
    assert '<tr class="blank"><td style="padding-left:1.2em">2.政府网站公开政府信息数</td><td>条</td><td>未填报</td>' in table


@pytest.mark.parametrize("quote", ["全年发布\u200b信息690条\u202e。", "全年发布信息690条。"])
def test_a_quote_from_text_with_hidden_characters_is_highlighted_and_shown_without_them(quote):
    """A report can carry zero-width and bidi-override characters; shown, they would hide or turn text, and
    whether or not the quote kept them, the highlight must still find it."""
    report = Report("r", "某街道2018年报告", "某街道", 2018,
                    sections=[Section("九", "平台", "九、平台", "前文。全年发布\u200b信息690条\u202e。后文。")])
    citation = {"kind": "section", "report": "r", "label": "九、平台", "quote": quote, "row": None}
    panel = render_source(report, citation)
    summary = source_summary(citation)
    assert '前文。<mark class="hit">全年发布信息690条。</mark>后文。' in panel
    assert "“全年发布信息690条。”" in summary
    assert not any(ch in panel + summary for ch in "\u200b\u202e")


def test_the_whole_report_page_has_its_narrative_tables_and_signoff():
    report = _report()
    report.signoff = {"联系电话": "68406611"}
    report.source = "/srv/reports/r.txt"
    page = render_report(report, has_original=True)
    assert "<title>某街道2018年报告 · 政府信息公开年报问答</title>" in page
    assert '<section id="sec-0"><h2>九、平台</h2>' in page and "全年发布信息690条" in page
    assert '<table class="stats" id="table-0">' in page and "<td>未填报</td>" in page and "690 条" in page
    assert "联系电话" in page and "68406611" in page
    assert 'href="r/original" download>下载原文(TXT)' in page
    assert "下载原文" not in render_report(report, has_original=False)
    report.title = "<script>x</script>"
    assert "<script>x" not in render_report(report, has_original=False)


def test_the_citizens_page_is_this_site_not_gradio():
    from webapp.server import citizen_page

    gradio_head = ('<!doctype html>\n<html\n\tlang="en"\n>\n<head>\n<meta charset="utf-8" />\n'
                   '<meta property="og:title" content="Gradio" />\n'
                   '<meta property="og:description" content="Click to try out the app!" />\n'
                   '<meta\n\t\t\tname="twitter:image"\n\t\t\tcontent="https://example.com/x.jpg"\n\t\t/>\n'
                   '<link rel="manifest" href="/manifest.json" />\n</head></html>')
    page = citizen_page(gradio_head)
    assert 'lang="zh-CN"' in page and "<title>政府信息公开年报问答</title>" in page
    for gone in ("Gradio", "Click to try", "x.jpg", "manifest.json"):
        assert gone not in page.replace("Gradio footer navigation", ""), gone
    assert "define('language', 'zh-CN')" in page


def test_staff_handlers_refuse_a_session_without_login():
    for request in (None, SimpleNamespace(username=None), SimpleNamespace(username="")):
        with pytest.raises(gr.Error):
            require_staff(request)
    assert require_staff(SimpleNamespace(username="inspector")) == "inspector"


class _BrokenService:
    def stream(self, question, history, report):
        yield "半句"
        raise RuntimeError("disk on fire")


def test_an_internal_error_becomes_a_short_apology_and_is_logged(caplog):
    from webapp.conversation import APOLOGY, stream_turn

    steps = [copy.deepcopy(step) for step in stream_turn(_BrokenService(), "微博发了多少条?", [], "")]
    assert steps[0][-1]["status"] == "pending"
    assert steps[1][-1]["text"] == "半句"
    final = steps[-1][-1]
    assert final["status"] == "error" and final["text"] == APOLOGY and final["citations"] == []
    shown = "".join(m["content"] for m in render_messages(steps[-1]))
    assert "disk on fire" not in shown and "出错了" in shown
    assert any("disk on fire" in (r.exc_text or "") or r.exc_info for r in caplog.records)


class _EchoService:
    def __init__(self):
        self.histories = []

    def stream(self, question, history, report):
        self.histories.append(history)
        yield Answer(text="长回答" * 1000, found=True, citations=[], question=question)


def test_a_session_keeps_a_bounded_conversation():
    """A browser session's state lives in server memory: 200 long turns must not all be kept."""
    from webapp.conversation import MAX_HISTORY_TURNS, MAX_KEPT_TURNS, ask_json, stream_turn

    service, turns = _EchoService(), []
    for n in range(200):
        *_, turns = stream_turn(service, f"问题{n}", turns, "")
    assert len(turns) == MAX_KEPT_TURNS and turns[-1]["question"] == "问题199"
    assert max(len(h) for h in service.histories) == MAX_HISTORY_TURNS
    service.ask = lambda question, pairs, report: (service.histories.append(pairs), Answer("好", True, []))[1]
    ask_json(service, "再问", [["问", "答"]] * 500, "")
    assert len(service.histories[-1]) == MAX_HISTORY_TURNS


def test_an_upload_lands_beside_the_originals_only_once_imported(tmp_path, fresh_components):
    """A refused file is not left in uploads/ and does not replace the original of a report already there."""
    from tests.conftest import EXAMPLE
    from webapp.uploads import import_upload

    received, folder = tmp_path / "gradio", tmp_path / "uploads"
    received.mkdir()
    good = received / "xizhu-2018.txt"
    good.write_bytes(EXAMPLE.read_bytes())
    result = import_upload(fresh_components.ingestor, good, good.name, folder, 1, received)
    original = (folder / "xizhu-2018.txt").resolve()
    assert result.report_id == "xizhu-2018" and original.read_bytes() == EXAMPLE.read_bytes()
    assert fresh_components.reports.report("xizhu-2018").source == str(original)
    broken = received / "again" / "xizhu-2018.txt"
    broken.parent.mkdir()
    broken.write_bytes(b"\x00\x01 not a report")
    with pytest.raises(ReportError):
        import_upload(fresh_components.ingestor, broken, broken.name, folder, 1, received)
    assert original.read_bytes() == EXAMPLE.read_bytes()
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["xizhu-2018.txt"]
