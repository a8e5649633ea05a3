"""Browser chat sessions over real HTTP against `python app.py`: a session remembers its conversation while it
is in use, and is forgotten whole once unused for GIA_SESSION_TTL_S or pushed out past GIA_MAX_SESSIONS, so the
server's memory does not grow with every visitor and every API call."""
from __future__ import annotations

import time
import uuid

import pytest

from tests.gradio_events import run_event
from tests.web_helpers import AppProcess, indexed_copy

TTL_S = 10
MAX_SESSIONS = 4
HOUSEKEEPING_S = TTL_S / 4  # how often the server looks for idle sessions (webapp.server.housekeeping)


@pytest.fixture(scope="module")
def app(tmp_path_factory, cli_data_dir):
    data_dir = indexed_copy(cli_data_dir, tmp_path_factory.mktemp("sessions") / "data")
    running = AppProcess(data_dir, GIA_SESSION_TTL_S=str(TTL_S), GIA_MAX_SESSIONS=str(MAX_SESSIONS)).start()
    try:
        running.wait_answering()
        yield running
    finally:
        running.stop()


def questions_shown(app, session: str) -> int:
    """Asks one more question in the session; how many questions its conversation then shows."""
    chat_log, _, _ = run_event(app.url, session, "respond", ["行政诉讼有几起?", None, "全部报告"])
    return sum(1 for message in chat_log if message["role"] == "user")


def test_an_idle_session_is_forgotten_after_its_lifetime(app):
    session = uuid.uuid4().hex
    assert questions_shown(app, session) == 1
    assert questions_shown(app, session) == 2
    time.sleep(TTL_S + 2 * HOUSEKEEPING_S)
    assert questions_shown(app, session) == 1


def test_past_the_cap_the_least_recently_used_session_is_forgotten(app):
    started = time.monotonic()
    first = uuid.uuid4().hex
    assert questions_shown(app, first) == 1
    later = [uuid.uuid4().hex for _ in range(MAX_SESSIONS)]
    for session in later:
        assert questions_shown(app, session) == 1
    assert questions_shown(app, later[-1]) == 2
    assert questions_shown(app, first) == 1
    assert time.monotonic() - started < TTL_S  # pushed out by the cap, not by its lifetime
