"""Several app processes on one index: each follows the others' ingests and deletions through the store's change
counter, updating only the reports that changed, and ends where a corpus loaded afresh would be."""
from __future__ import annotations

import time

import pytest

from conftest import EXAMPLE, EXAMPLE_ID, cli_env, copy_example, run_cli, server_settings

QUESTION = "政务微博发布了多少条信息?"


def _fresh_copy(folder, name: str, figure: str):
    """The example with another 政务微博 figure, so only this report can give that answer."""
    folder.mkdir(exist_ok=True)
    path = copy_example(folder, name)
    path.write_text(path.read_text(encoding="utf-8").replace("发布信息690条", f"发布信息{figure}条"), encoding="utf-8")
    return path


WORDS = ("微博", "信息", "申请", "777", "778", "555")


def _state(corpus) -> dict:
    """What answers depend on: the catalogue, keyword ranking, signatures, unit words and document frequencies."""
    ranked = [(chunk.chunk_id, round(score, 9)) for chunk, score in corpus.keyword_top(["微博", "信息", "申请"], 50, [])]
    return {"catalogue": corpus.catalogue, "size": corpus.keywords.size, "average": round(corpus.keywords.average, 9),
            "ranked": sorted(ranked), "chunks": {rid: [c.chunk_id for c in corpus.chunks_of(rid)] for rid in corpus.reports},
            "signatures": sorted(corpus.signatures), "units": corpus.unit_words, "scope": corpus.scope_words(),
            "df": {word: corpus.document_frequency(word) for word in WORDS}, "texts": corpus.frequencies.size}


def test_an_ingest_and_a_delete_elsewhere_are_followed_report_by_report(store_components, tmp_path):
    from assistant.corpus import Corpus

    ingestor = store_components.ingestor
    ingestor.add_file(EXAMPLE)
    follower = Corpus(store_components.reports, follow_every_s=0)
    ingestor.add_file(_fresh_copy(tmp_path, "fresh-2018.txt", "777"))
    ingestor.add_file(_fresh_copy(tmp_path, "gone-2018.txt", "555"))
    assert follower.follow() and "fresh-2018" in follower.reports
    before = _state(follower)  # frequencies remembered now are corrected as texts change, not counted afresh
    ingestor.add_file(_fresh_copy(tmp_path / "v2", "fresh-2018.txt", "778"))
    assert ingestor.delete("gone-2018")
    assert follower.follow() and not follower.follow()  # nothing new the second time
    after = _state(follower)
    assert after == _state(Corpus(store_components.reports)) and after != before
    assert after["df"]["777"] == after["df"]["555"] == 0 and after["df"]["778"] > 0
    assert "778" in " ".join(c.text for c in follower.chunks_of("fresh-2018"))
    assert follower.keywords.size == follower.frequencies.size == 2 * 86
    assert sorted(follower.reports) == ["fresh-2018", EXAMPLE_ID]


def test_the_service_sees_another_process_ingest_before_its_next_question(store_components, tmp_path):
    from assistant.service import AssistantService

    if not store_components.settings.chroma_host:
        pytest.skip("embedded Chroma caches its index per process: processes share vectors through a Chroma server")
    store_components.ingestor.add_file(EXAMPLE)
    service = AssistantService(store_components)
    settings = store_components.settings
    added = run_cli(["-m", "index", "add", str(_fresh_copy(tmp_path, "fresh-2018.txt", "777"))], settings.data_dir,
                    env=cli_env(settings.data_dir, settings))
    assert added.returncode == 0, added.stderr
    time.sleep(1.1)
    assert "777" in service.ask(QUESTION, report="fresh-2018").text
    assert sorted(service.corpus.reports) == ["fresh-2018", EXAMPLE_ID]


@pytest.fixture()
def two_apps(tmp_path, postgres_database, chroma_port):
    """Two `app.py` processes, each with its own data folder, over one PostgreSQL and one Chroma server."""
    from tests.web_helpers import AppProcess

    settings = server_settings(tmp_path / "shared", chroma_port, database_url=postgres_database)
    env = cli_env(settings.data_dir, settings)
    assert run_cli(["-m", "index", "add", str(EXAMPLE)], settings.data_dir, env=env).returncode == 0
    shared = {k: env[k] for k in ("GIA_DATABASE_URL", "CHROMA_HOST", "CHROMA_PORT", "CHROMA_COLLECTION")}
    apps = [AppProcess(tmp_path / f"app{n}" / "data", password=None, **shared) for n in range(2)]
    for app in apps:
        app.data_dir.mkdir(parents=True)
        app.start()
    try:
        for app in apps:
            app.wait_answering()
        yield settings, env, apps
    finally:
        for app in apps:
            app.stop()


def test_two_app_processes_share_one_index(two_apps, tmp_path):
    from tests.web_helpers import ask

    settings, env, (first, second) = two_apps
    assert "未知的报告编号" in ask(second.url, QUESTION, report="fresh-2018")["error"]
    added = run_cli(["-m", "index", "add", str(_fresh_copy(tmp_path, "fresh-2018.txt", "777"))], settings.data_dir,
                    env=env)
    assert added.returncode == 0, added.stderr
    started = time.monotonic()
    answer = _answer_within(second.url, "fresh-2018", seconds=5)
    assert "777" in answer["answer"], answer
    followed_s = time.monotonic() - started
    assert "777" in ask(first.url, QUESTION, report="fresh-2018")["answer"]

    assert run_cli(["-m", "index", "delete", "fresh-2018"], settings.data_dir, env=env).returncode == 0
    time.sleep(1.1)
    assert "未知的报告编号" in ask(second.url, QUESTION, report="fresh-2018")["error"]
    assert "690" in ask(second.url, QUESTION)["answer"]
    print(f"second process answered from the new report {followed_s:.2f} s after `index add` returned")


def _answer_within(url: str, report: str, seconds: float) -> dict:
    from tests.web_helpers import ask

    deadline = time.monotonic() + seconds
    while True:
        answer = ask(url, QUESTION, report=report)
        if "answer" in answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)
