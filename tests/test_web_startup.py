"""`python app.py` on a fresh data folder indexes the bundled report; started again it reuses the index
(cold start measured); without a staff password the staff pages are off and say how to turn them on."""
from __future__ import annotations

import sqlite3

from tests.web_helpers import AppProcess, get, write_timing

COLD_START_LIMIT_S = 60  # target 15 s on a quiet machine; the limit leaves room for a busy CI box


def _ingested_at(data_dir) -> list:
    with sqlite3.connect(data_dir / "reports.sqlite3") as db:
        return db.execute("SELECT report_id, ingested_at FROM reports ORDER BY report_id").fetchall()


def test_first_run_indexes_and_second_run_starts_cold_with_the_index(tmp_path):
    data_dir = tmp_path / "data"
    first = AppProcess(data_dir, password=None).start()
    try:
        first.wait_answering(timeout=400)
        status, body = get(first.url + "/staff/")
        assert status == 403 and "GIA_STAFF_PASSWORD" in body
        assert get(first.url + "/staff/gradio_api/info")[0] == 403
        assert get(first.url + "/staff/config")[0] == 403
    finally:
        first.stop()
    indexed = _ingested_at(data_dir)
    assert [rid for rid, _ in indexed] == ["xizhu-2018"]

    second = AppProcess(data_dir, password=None).start()
    try:
        serving = second.wait_serving()
        answering = second.wait_answering()
    finally:
        second.stop()
    write_timing("cold_start_page_served_s", serving)
    write_timing("cold_start_first_answer_s", answering)
    assert _ingested_at(data_dir) == indexed  # the index was reused, not rebuilt
    assert answering <= COLD_START_LIMIT_S
