"""The two stores against embedded Chroma and a real Chroma server: same behaviour, no code change between them."""
from __future__ import annotations

import sqlite3

import pytest

from conftest import EXAMPLE, EXAMPLE_ID, cli_env, components_with, copy_example, run_cli, settings_for
from index.chunking import chunk_report
from index.ingest import parse_file
from index.report_store import StoreError, database_path


def test_re_add_replaces_without_duplicates(store_components):
    store_components.ingestor.add_file(EXAMPLE)
    store_components.ingestor.add_file(EXAMPLE)
    assert store_components.vectors.count(EXAMPLE_ID) == store_components.vectors.count() == 86
    assert len(store_components.reports.chunks()) == 86
    assert len(store_components.reports.indicators(EXAMPLE_ID)) == 65


def test_search_filters_by_report_and_delete_empties_both_stores(store_components, tmp_path):
    store_components.ingestor.add_file(EXAMPLE)
    store_components.ingestor.add_file(copy_example(tmp_path, "other-2018.txt"))
    vector = store_components.embeddings.embed_query("政务微博发布信息")
    hits = store_components.vectors.search(vector, 5, {"report": "other-2018"})
    assert len(hits) == 5 and {doc.metadata["report"] for doc, _ in hits} == {"other-2018"}
    assert all(0.0 < similarity <= 1.0 for _, similarity in hits)
    assert "690" in " ".join(doc.page_content for doc, _ in
                             store_components.vectors.search(vector, 3, {"report": EXAMPLE_ID}))

    assert store_components.ingestor.delete("other-2018")
    assert store_components.vectors.count("other-2018") == 0
    assert store_components.vectors.count() == 86
    assert store_components.reports.ready_ids() == [EXAMPLE_ID]


def test_the_service_answers_from_either_store(store_components):
    from assistant.service import AssistantService

    store_components.ingestor.add_file(EXAMPLE)
    answer = AssistantService(store_components).ask("政务微博发了多少条?")
    assert answer.found and "690" in answer.text


def test_a_half_written_report_is_not_searchable_and_the_next_ingest_discards_it(store_components, tmp_path):
    """What a kill between the pending rows and 'ready' leaves behind, built by the same calls the ingest makes."""
    store_components.ingestor.add_file(EXAMPLE)
    half = parse_file(copy_example(tmp_path, "half-2018.txt"))
    chunks = chunk_report(half)
    store_components.reports.write_pending(half, chunks)
    store_components.vectors.replace_report(half.report_id, chunks)

    from assistant.service import AssistantService

    service = AssistantService(store_components)
    assert list(service.corpus.reports) == [EXAMPLE_ID]
    hits = service.retriever.search("政务微博发布信息", ["微博"], [])
    assert hits and {hit.chunk.report_id for hit in hits} == {EXAMPLE_ID}

    store_components.ingestor.add_file(copy_example(tmp_path, "next-2018.txt"))
    assert store_components.reports.pending_ids() == []
    assert store_components.vectors.count(half.report_id) == 0
    assert store_components.vectors.count() == 2 * 86
    assert sorted(store_components.reports.ready_ids()) == ["next-2018", EXAMPLE_ID]


def test_database_url_puts_the_report_store_where_it_says(tmp_path, memo_embeddings):
    database = tmp_path / "elsewhere" / "index.db"
    built = components_with(settings_for(tmp_path / "data", database_url=f"sqlite:///{database}"), memo_embeddings)
    built.ingestor.add_file(EXAMPLE)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT report_id, status FROM reports").fetchall() == [(EXAMPLE_ID, "ready")]
    assert not (tmp_path / "data" / "reports.sqlite3").exists()


def test_database_url_default_and_relative_form(tmp_path):
    assert database_path(settings_for(tmp_path)) == tmp_path / "reports.sqlite3"
    assert str(database_path(settings_for(tmp_path, database_url="sqlite:///var/x.db"))) == "var/x.db"


@pytest.mark.parametrize("url", ["postgresql://gia@localhost/gia", "sqlite://", "reports.sqlite3"])
def test_an_unsupported_database_url_is_refused(tmp_path, url):
    with pytest.raises(StoreError, match="只支持 SQLite"):
        database_path(settings_for(tmp_path, database_url=url))


def test_the_cli_names_an_unsupported_database_url_in_one_line(tmp_path):
    url = "postgresql://gia@localhost/gia"
    result = run_cli(["-m", "index", "list"], tmp_path, env=cli_env(tmp_path, GIA_DATABASE_URL=url))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"错误: 不支持的数据库地址 {url}: 只支持 SQLite,例如 sqlite:////srv/gia/reports.sqlite3"
