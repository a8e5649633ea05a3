"""Browser chat sessions over real HTTP against `python app.py`: a session remembers its conversation while it
is in use, and is forgotten whole once unused for GIA_SESSION_TTL_S or pushed out past GIA_MAX_SESSIONS, so the
server's memory does not grow with every visitor and every API call."""
from __future__ import annotations

import threading
import time
import uuid

import gradio as gr
import pytest
import uvicorn
from fastapi import FastAPI

from settings import Settings
from tests.gradio_events import run_event
from tests.web_helpers import AppProcess, call_api, free_port, indexed_copy
from webapp.server import housekeeping

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


def echo(question: str) -> str:
    return f"答:{question}"


def test_answered_api_calls_leave_no_records_in_gradios_queue(tmp_path):
    """Gradio's queue keeps, per session, the ids of its events not yet delivered and a message queue: the
    first emptied, never removed, the second until 2,000 newer sessions push it out, and every `ask` call is a
    session of its own. The server's housekeeping drops both once a session's results are read; a browser
    session asking again afterwards is answered as before."""
    with gr.Blocks() as blocks:
        text = gr.Textbox()
        shout = gr.Button()
        shout.click(lambda value: value.upper(), text, text, api_name="shout")
        gr.api(echo, api_name="echo")
    blocks.queue()
    settings = Settings(data_dir=tmp_path, session_ttl_s=40, export_keep_s=40)  # housekeeping every 10 s
    app = FastAPI(lifespan=housekeeping([blocks], settings))
    gr.mount_gradio_app(app, blocks, path="")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    queue = blocks._queue
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.1)
        session = uuid.uuid4().hex
        assert run_event(url, session, "shout", ["first"]) == ["FIRST"]
        calls = 30
        for n in range(calls):
            assert call_api(url, "echo", [f"问题{n}"]) == f"答:问题{n}"
        held = len(queue.pending_event_ids_session)  # all of them, the first pass being seconds away
        deadline = time.monotonic() + 15
        while (queue.pending_event_ids_session or queue.pending_messages_per_session) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert held == calls + 1 and not queue.pending_event_ids_session and not queue.pending_messages_per_session
        assert run_event(url, session, "shout", ["again"]) == ["AGAIN"]
        assert call_api(url, "echo", ["再问"]) == "答:再问"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
