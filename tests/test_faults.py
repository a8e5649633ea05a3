"""Faults on real processes: a Chroma server killed and restarted by pid, an ingest killed halfway,
a data folder that cannot be created, a full disk (/dev/full)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import (EXAMPLE, EXAMPLE_ID, ROOT, ChromaServer, cli_env, components_with, copy_example, run_cli,
                      server_settings, settings_for)
from index.chunking import chunk_report
from index.ingest import parse_file
from index.report_store import ReportStore, database_path

QUESTION = "政务微博发了多少条?"


@pytest.fixture()
def own_server(tmp_path):
    """A server of this test's own, since the test kills it."""
    server = ChromaServer(tmp_path / "chroma-db")
    server.start()
    yield server
    server.stop()


def test_chroma_down_at_start_and_mid_question_apologises_then_recovers(own_server, tmp_path, memo_embeddings):
    from assistant.service import UNAVAILABLE, AssistantService

    settings = server_settings(tmp_path / "data", own_server.port)
    components_with(settings, memo_embeddings).ingestor.add_file(EXAMPLE)
    own_server.stop()

    service = AssistantService(components_with(settings, memo_embeddings))  # the app starting while Chroma is down
    down = service.ask(QUESTION)
    assert (down.text, down.found) == (UNAVAILABLE, False)
    *pieces, streamed = list(service.stream(QUESTION))
    assert "".join(pieces) == streamed.text == UNAVAILABLE and not streamed.found

    added = run_cli(["-m", "index", "add", str(EXAMPLE)], settings.data_dir, env=cli_env(settings.data_dir, settings))
    assert added.returncode == 2 and "Traceback" not in added.stderr
    assert added.stderr.strip().splitlines()[-1].startswith(f"错误: Chroma 服务器 127.0.0.1:{own_server.port}不可用")
    assert service.components.reports.ready_ids() == [EXAMPLE_ID]  # the indexed version is untouched
    assert len(service.components.reports.indicators(EXAMPLE_ID)) == 65

    own_server.start()
    back = service.ask(QUESTION)
    assert back.found and "690" in back.text
    assert any(hit.dense > 0 for hit in service.retriever.search(QUESTION, ["微博"], [EXAMPLE_ID]))

    own_server.stop()  # between two questions of a running app
    assert service.ask(QUESTION).text == UNAVAILABLE
    own_server.start()
    assert "690" in service.ask(QUESTION).text


def test_a_hung_chroma_server_costs_a_question_its_timeout_not_the_app(own_server, tmp_path, memo_embeddings):
    from assistant.service import UNAVAILABLE, AssistantService

    settings = server_settings(tmp_path / "data", own_server.port, chroma_timeout_s=2.0)
    components_with(settings, memo_embeddings).ingestor.add_file(EXAMPLE)
    service = AssistantService(components_with(settings, memo_embeddings))
    assert service.ask(QUESTION).found
    pool = ThreadPoolExecutor(1)  # not `with`: a hang must fail the test, not block it
    os.kill(own_server.process.pid, signal.SIGSTOP)
    try:
        for _ in range(2):  # the open connection times out, then the reconnect's heartbeat does
            assert pool.submit(service.ask, QUESTION).result(timeout=30).text == UNAVAILABLE
    finally:
        os.kill(own_server.process.pid, signal.SIGCONT)
        pool.shutdown(wait=False)
    assert "690" in service.ask(QUESTION).text


def test_an_empty_index_with_chroma_down_starts_without_the_examples(tmp_path, memo_embeddings):
    from conftest import free_port

    components = components_with(server_settings(tmp_path / "data", free_port()), memo_embeddings)
    assert components.ensure_example_index() == []
    assert components.reports.summaries() == []  # refused before anything was written


def _wait_for_pending(settings, process: subprocess.Popen, timeout: float = 120) -> list[str]:
    store = ReportStore(database_path(settings))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        pending = store.pending_ids()
        if pending:
            return pending
        time.sleep(0.02)
    raise AssertionError("the ingest never had a report half written")


@pytest.mark.parametrize("mode", ["embedded", "server"])
def test_an_ingest_killed_halfway_completes_when_run_again(mode, request, tmp_path, memo_embeddings):
    data_dir = tmp_path / "data"
    if mode == "server":
        settings = server_settings(data_dir, request.getfixturevalue("chroma_port"))
    else:
        settings = settings_for(data_dir)
    env = cli_env(data_dir, settings)
    paths = [str(copy_example(tmp_path, f"batch{n}-2018.txt")) for n in range(2)]
    with open(tmp_path / "killed.err", "w") as errors:
        process = subprocess.Popen([sys.executable, "-m", "index", "add", *paths], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            assert process.stdout.readline().startswith("已导入 batch0-2018")
            pending = _wait_for_pending(settings, process)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            process.stdout.close()
    assert pending == ["batch1-2018"]

    from assistant.service import AssistantService

    service = AssistantService(components_with(settings, memo_embeddings))
    assert list(service.corpus.reports) == ["batch0-2018"]  # the half report is not searchable
    assert {hit.chunk.report_id for hit in service.retriever.search(QUESTION, ["微博"], [])} == {"batch0-2018"}

    again = run_cli(["-m", "index", "add", *paths], data_dir, env=env)
    assert again.returncode == 0, again.stderr

    clean = parse_file(EXAMPLE)
    chunks, rows = len(chunk_report(clean)), len(clean.table_rows)
    reports, vectors = service.components.reports, service.components.vectors
    assert reports.pending_ids() == []
    assert reports.ready_ids() == ["batch0-2018", "batch1-2018"]
    with sqlite3.connect(database_path(settings)) as db:
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT chunk_id) FROM chunks").fetchone() == (2 * chunks,) * 2
        assert db.execute("SELECT COUNT(*) FROM indicators").fetchone() == (2 * rows,)
    assert vectors.count() == 2 * chunks
    assert [vectors.count("batch0-2018"), vectors.count("batch1-2018")] == [chunks] * 2


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("错误")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_data_folder_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    data_dir = blocker / "data"  # fails for root too, unlike chmod
    error = _one_line_error(run_cli(["-m", "index", "add", str(EXAMPLE)], data_dir))
    assert error == f"错误: 无法创建数据目录 {data_dir}: Not a directory"


@pytest.mark.parametrize("victim", ["reports.sqlite3", "chroma/chroma.sqlite3"])
def test_a_full_disk_is_a_clear_error_and_nothing_is_left_half_written(tmp_path, victim):
    """Writes to /dev/full fail with ENOSPC, exactly as on a full disk."""
    data_dir = tmp_path / "data"
    (data_dir / victim).parent.mkdir(parents=True)
    (data_dir / victim).symlink_to("/dev/full")
    error = _one_line_error(run_cli(["-m", "index", "add", str(EXAMPLE)], data_dir))
    assert "database or disk is full" in error
    if victim.startswith("chroma"):
        assert ReportStore(data_dir / "reports.sqlite3").summaries() == []
