"""Staff downloads over real HTTP against `python app.py`: the citizens' feedback (whose comments may hold phone
numbers) and the review spreadsheet are fetched by a logged-in staff session only, through no URL of the
citizens' app, and are removed from the server once GIA_EXPORT_KEEP_S has passed."""
from __future__ import annotations

import json
import os
import time
import uuid
from urllib.parse import quote

import pytest

from tests.gradio_events import run_event
from tests.web_helpers import AppProcess, get, indexed_copy, login_cookie

KEEP_S = 8
PHONE = "13912345678"
STALE_AGE_S = 7200


@pytest.fixture(scope="module")
def app(tmp_path_factory, cli_data_dir):
    data_dir = indexed_copy(cli_data_dir, tmp_path_factory.mktemp("staff-exports") / "data")
    record = {"id": "1", "time": "2024-01-01T00:00:00Z", "rating": "wrong", "comment": f"请回电 {PHONE}",
              "question": "行政诉讼有几起?", "asked": "行政诉讼有几起?", "answer": "2 起", "found": True,
              "report": "", "citations": []}
    (data_dir / "feedback.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    stale = data_dir / "exports" / "left-by-an-earlier-run"
    stale.mkdir(parents=True)
    (stale / "feedback.jsonl").write_text(PHONE, encoding="utf-8")
    os.utime(stale, (time.time() - STALE_AGE_S,) * 2)
    running = AppProcess(data_dir, GIA_EXPORT_KEEP_S=str(KEEP_S)).start()
    try:
        running.wait_answering()
        yield running
    finally:
        running.stop()


@pytest.fixture()
def cookie(app):
    return login_cookie(app)


def export_feedback(app, cookie: str) -> str:
    """The server path of the feedback download the staff page offers."""
    _, download, _ = run_event(f"{app.url}/staff", uuid.uuid4().hex, "feedback_view", [], cookie)
    return download["value"]["path"]


def export_review(app, cookie: str) -> str:
    session = uuid.uuid4().hex
    run_event(f"{app.url}/staff", session, "on_load", [], cookie)
    _, download, summary, _ = run_event(f"{app.url}/staff", session, "review", [None, "全部报告"], cookie)
    assert "条发现" in summary
    return download["value"]["path"]


def file_urls(base: str, path: str) -> list[str]:
    """Every spelling of Gradio's file routes for one server path."""
    path = quote(path)
    return [f"{base}/gradio_api/file={path}", f"{base}/gradio_api/file/{path}", f"{base}/file={path}",
            f"{base}/file/{path}", f"{base}//gradio_api/file={path}", f"{base}/gradio_api//file={path}",
            f"{base}/gradio_api/file%3D{path}", f"{base}/gradio_api/file=/..{path}"]


def test_citizens_app_and_anonymous_clients_get_no_export(app, cookie):
    feedback_copy = export_feedback(app, cookie)
    sheet_copy = export_review(app, cookie)
    originals = [str(app.data_dir / "feedback.jsonl"), *map(str, app.data_dir.joinpath("exports").rglob("*.*"))]
    for path in [feedback_copy, sheet_copy, *originals]:
        for url in file_urls(app.url, path):
            status, body = get(url)
            assert status in (403, 404), (url, status)
            assert PHONE not in body
        for url in file_urls(f"{app.url}/staff", path):
            for headers in (None, {"Cookie": "access-token-forged=abc; access-token-unsecure-forged=abc"}):
                status, body = get(url, headers=headers)
                assert status in (401, 403, 404), (url, status)
                assert PHONE not in body


def test_a_logged_in_staff_session_downloads_them(app, cookie):
    feedback_copy = export_feedback(app, cookie)
    status, body = get(f"{app.url}/staff/gradio_api/file={quote(feedback_copy)}", headers={"Cookie": cookie})
    assert status == 200 and PHONE in body
    sheet_copy = export_review(app, cookie)
    status, body = get(f"{app.url}/staff/gradio_api/file={quote(sheet_copy)}", headers={"Cookie": cookie})
    assert status == 200 and body.startswith("PK")


def test_exports_are_removed_after_their_keeping_time(app, cookie):
    exports = app.data_dir / "exports"
    assert not (exports / "left-by-an-earlier-run").exists()
    served_copy = export_feedback(app, cookie)
    assert any(exports.iterdir())
    deadline = time.monotonic() + KEEP_S + 60
    while time.monotonic() < deadline and (any(exports.iterdir()) or os.path.exists(served_copy)):
        time.sleep(0.5)
    assert not any(exports.iterdir())
    assert not os.path.exists(served_copy)
    status, body = get(f"{app.url}/staff/gradio_api/file={quote(served_copy)}", headers={"Cookie": cookie})
    assert status in (403, 404) and PHONE not in body
