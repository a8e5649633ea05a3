"""The web app's small parts without a server: upload names and limits, the feedback file, HTML escaping,
the source panel, the staff check."""
from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import gradio as gr
import pytest

from index.report import Report, Section, TableRow
from webapp.auth import require_staff
from webapp.feedback import FeedbackStore
from webapp.render import render_log, render_source
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
    stored = store_upload(source, "../../../escaped.txt", folder, max_mb=1)
    assert stored == (folder / "escaped.txt").resolve()
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "data" / "escaped.txt").exists()


@pytest.mark.parametrize("name", ["report.exe", "report.doc", "report", "report.txt.sh"])
def test_store_upload_refuses_other_file_types(tmp_path, name):
    source = tmp_path / "upload.bin"
    source.write_text("x")
    with pytest.raises(UploadError, match="不支持的文件类型"):
        store_upload(source, name, tmp_path / "uploads", max_mb=1)


def test_store_upload_refuses_too_large_and_empty_files(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(UploadError, match="文件太大"):
        store_upload(big, "big.txt", tmp_path / "uploads", max_mb=1)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="空"):
        store_upload(empty, "empty.txt", tmp_path / "uploads", max_mb=1)


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


def test_log_escapes_everything_a_user_or_report_wrote():
    html = render_log([_turn(question="<script>alert(1)</script>", text="<b>x</b>\n第二行")])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;<br>第二行" in html
    assert 'data-src="0"' in html and "[1]" in html


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
    assert "disk on fire" not in render_log(steps[-1])
    assert "出错了" in render_log(steps[-1])
    assert any("disk on fire" in (r.exc_text or "") or r.exc_info for r in caplog.records)
