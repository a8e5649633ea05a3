"""Faults on real processes: a Chroma server killed and restarted by pid, an ingest killed halfway,
a data folder that cannot be created, a full disk (/dev/full)."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import (EXAMPLE, EXAMPLE_ID, ROOT, cli_env, components_with, copy_example, run_cli,
                      server_settings, settings_for)
from index.chunking import chunk_report
from index.ingest import embedded, parse_file
from index.report_store import ReportStore, database_path

QUESTION = "政务微博发了多少条?"


def test_chroma_down_at_start_and_mid_question_apologises_then_recovers(own_chroma, tmp_path, memo_embeddings):
    from assistant.service import UNAVAILABLE, AssistantService

    settings = server_settings(tmp_path / "data", own_chroma.port)
    components_with(settings, memo_embeddings).ingestor.add_file(EXAMPLE)
    own_chroma.stop()

    service = AssistantService(components_with(settings, memo_embeddings))  # the app starting while Chroma is down
    down = service.ask(QUESTION)
    assert (down.text, down.found) == (UNAVAILABLE, False)
    *pieces, streamed = list(service.stream(QUESTION))
    assert "".join(pieces) == streamed.text == UNAVAILABLE and not streamed.found

    added = run_cli(["-m", "index", "add", str(EXAMPLE)], settings.data_dir, env=cli_env(settings.data_dir, settings))
    assert added.returncode == 2 and "Traceback" not in added.stderr
    assert added.stderr.strip().splitlines()[-1].startswith(f"错误: Chroma 服务器 127.0.0.1:{own_chroma.port}不可用")
    assert service.components.reports.ready_ids() == [EXAMPLE_ID]  # the indexed version is untouched
    assert len(service.components.reports.indicators(EXAMPLE_ID)) == 65

    own_chroma.start()
    back = service.ask(QUESTION)
    assert back.found and "690" in back.text
    assert any(hit.dense > 0 for hit in service.retriever.search(QUESTION, ["微博"], [EXAMPLE_ID]))

    own_chroma.stop()  # between two questions of a running app
    assert service.ask(QUESTION).text == UNAVAILABLE
    own_chroma.start()
    assert "690" in service.ask(QUESTION).text


def test_a_hung_chroma_server_costs_a_question_its_timeout_not_the_app(own_chroma, tmp_path, memo_embeddings):
    from assistant.service import UNAVAILABLE, AssistantService

    settings = server_settings(tmp_path / "data", own_chroma.port, chroma_timeout_s=2.0)
    components_with(settings, memo_embeddings).ingestor.add_file(EXAMPLE)
    service = AssistantService(components_with(settings, memo_embeddings))
    assert service.ask(QUESTION).found
    pool = ThreadPoolExecutor(1)  # not `with`: a hang must fail the test, not block it
    os.kill(own_chroma.process.pid, signal.SIGSTOP)
    try:
        for _ in range(2):  # the open connection times out, then the reconnect's heartbeat does
            assert pool.submit(service.ask, QUESTION).result(timeout=30).text == UNAVAILABLE
    finally:
        os.kill(own_chroma.process.pid, signal.SIGCONT)
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


def _settings(mode: str, request, data_dir):
    return server_settings(data_dir, request.getfixturevalue("chroma_port")) if mode == "server" \
        else settings_for(data_dir)


def _kill_once_pending(tmp_path, settings, paths: list[str]) -> list[str]:
    """Run `index add` and SIGKILL it the moment a report is half written; returns the pending reports."""
    with open(tmp_path / "killed.err", "w") as errors:
        process = subprocess.Popen([sys.executable, "-m", "index", "add", *paths], cwd=ROOT,
                                   env=cli_env(settings.data_dir, settings), stdout=subprocess.DEVNULL, stderr=errors)
        try:
            return _wait_for_pending(settings, process)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.parametrize("mode", ["embedded", "server"])
def test_an_ingest_killed_halfway_completes_when_run_again(mode, request, tmp_path, memo_embeddings):
    data_dir = tmp_path / "data"
    settings = _settings(mode, request, data_dir)
    env = cli_env(data_dir, settings)
    paths = [str(copy_example(tmp_path, f"batch{n}-2018.txt")) for n in range(2)]
    assert run_cli(["-m", "index", "add", paths[0]], data_dir, env=env).returncode == 0
    assert _kill_once_pending(tmp_path, settings, paths) == ["batch1-2018"]  # batch0 is unchanged: not rewritten

    from assistant.service import AssistantService

    service = AssistantService(components_with(settings, memo_embeddings))
    assert list(service.corpus.reports) == ["batch0-2018"]  # the half report is not searchable
    assert {hit.chunk.report_id for hit in service.retriever.search(QUESTION, ["微博"], [])} == {"batch0-2018"}

    again = run_cli(["-m", "index", "add", *paths], data_dir, env=env)
    assert again.returncode == 0, again.stderr

    clean = parse_file(EXAMPLE)
    chunks, rows = chunk_report(clean), len(clean.table_rows)
    narrative = sum(1 for chunk in chunks if embedded(chunk))  # the table rows are found by lookup, not by vector
    reports, vectors = service.components.reports, service.components.vectors
    assert reports.pending_ids() == []
    assert reports.ready_ids() == ["batch0-2018", "batch1-2018"]
    with sqlite3.connect(database_path(settings)) as db:
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT chunk_id) FROM chunks").fetchone() == (2 * len(chunks),) * 2
        assert db.execute("SELECT COUNT(*) FROM indicators").fetchone() == (2 * rows,)
    assert vectors.count() == 2 * narrative == 56
    assert [vectors.count("batch0-2018"), vectors.count("batch1-2018")] == [narrative] * 2


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


def test_a_broken_embedded_vector_store_apologises_every_time_then_recovers(tmp_path, memo_embeddings):
    """A failed open of embedded Chroma must not leave a broken client cached for the process."""
    from assistant.service import UNAVAILABLE, AssistantService

    settings = settings_for(tmp_path / "data")
    components_with(settings, memo_embeddings).ingestor.add_file(EXAMPLE)
    database = settings.chroma_dir / "chroma.sqlite3"
    healthy = database.read_bytes()
    service = AssistantService(components_with(settings, memo_embeddings))
    database.write_bytes(b"not a database" * 100)
    service.components.vectors.reset_connection()
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(settings.chroma_dir))  # as a process started on it now would
    for _ in range(3):
        answer = service.ask(QUESTION)
        assert (answer.text, answer.found) == (UNAVAILABLE, False)
    database.write_bytes(healthy)
    assert "690" in service.ask(QUESTION).text


@pytest.mark.parametrize("mode", ["embedded", "server"])
def test_a_re_import_killed_halfway_keeps_the_previous_version(mode, request, tmp_path, memo_embeddings):
    """The new version is written beside the old one: killed before the switch, the old one still answers,
    and the next import of any file removes what the killed one left."""
    data_dir = tmp_path / "data"
    settings = _settings(mode, request, data_dir)
    env = cli_env(data_dir, settings)
    first = copy_example(tmp_path, "keep-2018.txt")
    assert run_cli(["-m", "index", "add", str(first)], data_dir, env=env).returncode == 0
    changed = tmp_path / "changed" / "keep-2018.txt"
    changed.parent.mkdir()
    changed.write_text(first.read_text(encoding="utf-8").replace("发布信息690条", "发布信息691条"), encoding="utf-8")
    assert _kill_once_pending(tmp_path, settings, [str(changed)]) == ["keep-2018"]
    listing = run_cli(["-m", "index", "list"], data_dir, env=env).stdout
    assert "keep-2018\t西翥街道办事处\t街道\t西翥街道\t2018\t14\t65\t86\t可检索" in listing

    assert run_cli(["-m", "index", "add", str(copy_example(tmp_path, "other-2018.txt"))], data_dir,
                   env=env).returncode == 0
    from assistant.service import AssistantService

    service = AssistantService(components_with(settings, memo_embeddings))
    answer = service.ask("政务微博发布了多少条信息?", report="keep-2018")
    assert answer.found and "690" in answer.text and "691" not in answer.text
    reports, vectors = service.components.reports, service.components.vectors
    assert reports.pending_ids() == [] and sorted(reports.ready_ids()) == ["keep-2018", "other-2018"]
    assert vectors.count("keep-2018") == sum(1 for chunk in chunk_report(parse_file(first)) if embedded(chunk)) == 28
    with sqlite3.connect(database_path(settings)) as db:
        assert db.execute("SELECT COUNT(*) FROM chunks WHERE report_id = 'keep-2018'").fetchone() == (86,)

    again = run_cli(["-m", "index", "add", str(changed)], data_dir, env=env)
    assert again.returncode == 0 and "(替换了旧版本)" in again.stdout
    line = json.dumps({"question": "政务微博发布了多少条信息?", "report": "keep-2018"}, ensure_ascii=False)
    asked = run_cli(["-m", "assistant", "ask", "--jsonl"], data_dir, stdin=line + "\n", env=env)
    assert "691" in json.loads(asked.stdout)["answer"]  # a process of its own: embedded Chroma caches per process
    with sqlite3.connect(database_path(settings)) as db:
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT version) FROM chunks WHERE report_id = 'keep-2018'"
                          ).fetchone() == (86, 1)
