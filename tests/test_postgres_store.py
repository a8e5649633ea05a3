"""What only PostgreSQL does differently: the ingest lock is the database's own, a killed ingest's lock dies with
its session, the CLI works on a URL and names a server that is down in one line (without its password)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from conftest import (EXAMPLE, EXAMPLE_ID, ROOT, cli_env, components_with, copy_example, free_port, run_cli,
                      server_settings)
from index.ingest import embedded
from index.report_store import ReportStore


def _settings(tmp_path, chroma_port, url):
    return server_settings(tmp_path / "data", chroma_port, database_url=url)


def test_one_ingest_at_a_time_through_an_advisory_lock(postgres_database, tmp_path):
    first, second = ReportStore(postgres_database), ReportStore(postgres_database)
    order: list[str] = []
    try:
        with first.writing():
            waiter = threading.Thread(target=lambda: _write(second, order))
            waiter.start()
            time.sleep(0.5)
            order.append("first done")
        waiter.join(timeout=30)
        assert order == ["first done", "second in"]
        assert not list(tmp_path.glob("**/*.lock"))  # no lock file: the database holds the lock
    finally:
        first.close()
        second.close()


def _write(store: ReportStore, order: list[str]) -> None:
    with store.writing():
        order.append("second in")


def test_switch_and_delete_count_as_changes_naming_the_report(store_components, tmp_path):
    reports = store_components.reports
    before = reports.change_count()
    store_components.ingestor.add_file(EXAMPLE)
    store_components.ingestor.add_file(copy_example(tmp_path, "other-2018.txt"))
    assert reports.changes_since(before) == (before + 2, {EXAMPLE_ID, "other-2018"})
    store_components.ingestor.add_file(EXAMPLE)  # unchanged: nothing to follow
    assert store_components.ingestor.delete("other-2018")
    assert reports.changes_since(before + 2) == (before + 3, {"other-2018"})
    assert reports.changes_since(before + 3) == (before + 3, set())


def test_an_ingest_killed_halfway_on_postgresql_releases_its_lock(postgres_database, chroma_port, tmp_path,
                                                                  memo_embeddings):
    settings = _settings(tmp_path, chroma_port, postgres_database)
    env = cli_env(settings.data_dir, settings)
    paths = [str(copy_example(tmp_path, f"batch{n}-2018.txt")) for n in range(2)]
    store = ReportStore(postgres_database)
    process = subprocess.Popen([sys.executable, "-m", "index", "add", *paths], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not store.pending_ids() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        assert store.pending_ids(), "the ingest never had a report half written"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    again = run_cli(["-m", "index", "add", *paths], settings.data_dir, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    built = components_with(settings, memo_embeddings)
    assert built.reports.pending_ids() == [] and built.reports.ready_ids() == ["batch0-2018", "batch1-2018"]
    chunks = built.reports.chunks()
    assert built.vectors.count() == sum(1 for c in chunks if embedded(c)) and len(chunks) == 2 * 86
    listing = run_cli(["-m", "index", "list"], settings.data_dir, env=env)
    assert [line.split("\t")[0] for line in listing.stdout.splitlines()[1:]] == ["batch0-2018", "batch1-2018"]
    store.close()
    built.reports.close()


def test_a_postgresql_server_that_is_down_is_one_line_without_the_password(tmp_path):
    url = f"postgresql://gia:secret-pw@127.0.0.1:{free_port()}/gia"
    result = run_cli(["-m", "index", "list"], tmp_path, env=cli_env(tmp_path, GIA_DATABASE_URL=url))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"错误: 无法读写索引数据库 {url.replace('secret-pw', '***')}: ")
    assert "secret-pw" not in result.stderr
