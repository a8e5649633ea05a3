"""The two stores on SQLite with embedded Chroma, SQLite with a Chroma server and PostgreSQL with a Chroma server:
same behaviour, no code change between them."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest

from conftest import EXAMPLE, EXAMPLE_ID, cli_env, components_with, copy_example, run_cli, settings_for
from index.chunking import chunk_report
from index.ingest import parse_file
from index.report_store import ReportStore, StoreError, database_path

NARRATIVE = 28  # the example's narrative chunks, the ones with vectors; its 58 table rows are found by lookup


def test_re_add_replaces_without_duplicates(store_components):
    store_components.ingestor.add_file(EXAMPLE)
    store_components.ingestor.add_file(EXAMPLE)
    assert store_components.vectors.count(EXAMPLE_ID) == store_components.vectors.count() == NARRATIVE
    assert len(store_components.reports.chunks()) == 86
    assert len(store_components.reports.indicators(EXAMPLE_ID)) == 65


def test_search_filters_by_report_and_delete_empties_both_stores(store_components, tmp_path):
    store_components.ingestor.add_file(EXAMPLE)
    store_components.ingestor.add_file(copy_example(tmp_path, "other-2018.txt"))
    vector = store_components.embeddings.embed_query("政务微博发布信息")
    hits = store_components.vectors.search(vector, 5, ["other-2018"])
    assert len(hits) == 5 and {doc.metadata["report"] for doc, _ in hits} == {"other-2018"}
    assert all(0.0 < similarity <= 1.0 for _, similarity in hits)
    assert "690" in " ".join(doc.page_content for doc, _ in
                             store_components.vectors.search(vector, 3, [EXAMPLE_ID]))

    assert store_components.ingestor.delete("other-2018")
    assert store_components.vectors.count("other-2018") == 0
    assert store_components.vectors.count() == NARRATIVE
    assert store_components.reports.ready_ids() == [EXAMPLE_ID]


def test_a_report_among_hundreds_of_copies_of_its_text_gets_its_own_chunks(store_components):
    """The same boilerplate in many reports: 400 copies of the example, one vector per distinct text. HNSW's filtered
    search finds few or none of one report's chunks among the copies; a narrow scope is compared one by one."""
    from dataclasses import replace

    from index.ingest import embedded

    chunks = [c for c in chunk_report(parse_file(EXAMPLE)) if embedded(c)]
    for first, last in ((0, 100), (100, 400)):  # reports arrive in batches, as a year's do
        store_components.vectors.add_chunks([replace(c, chunk_id=f"copy{n}:{c.chunk_id}", report_id=f"copy{n}")
                                             for n in range(first, last) for c in chunks])
    for question in ("明年的工作计划", "行政复议", "存在的主要问题有哪些"):
        vector = store_components.embeddings.embed_query(question)
        for report in ("copy0", "copy137", "copy399"):
            hits = store_components.vectors.search(vector, 8, [report])
            assert len(hits) == 8 and {doc.metadata["report"] for doc, _ in hits} == {report}, (question, report)
    both = store_components.vectors.search(vector, 8, ["copy1", "copy2"])
    assert len(both) == 8 and {doc.metadata["report"] for doc, _ in both} <= {"copy1", "copy2"}


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
    store_components.reports.write_pending(half, half.fingerprint(), chunks)
    store_components.vectors.add_chunks(chunks)

    from assistant.service import AssistantService

    service = AssistantService(store_components)
    assert list(service.corpus.reports) == [EXAMPLE_ID]
    hits = service.retriever.search("政务微博发布信息", ["微博"], [])
    assert hits and {hit.chunk.report_id for hit in hits} == {EXAMPLE_ID}

    store_components.ingestor.add_file(copy_example(tmp_path, "next-2018.txt"))
    assert store_components.reports.pending_ids() == []
    assert store_components.vectors.count(half.report_id) == 0
    assert store_components.vectors.count() == 2 * NARRATIVE
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


@pytest.mark.parametrize("url", ["postgresql://gia@db.example/gia", "postgresql+psycopg://gia:pw@127.0.0.1:5432/gia"])
def test_a_postgresql_url_is_taken_as_it_is(tmp_path, url):
    assert database_path(settings_for(tmp_path, database_url=url)) == url


@pytest.mark.parametrize("url", ["mysql://gia@localhost/gia", "postgresql+psycopg2://gia@localhost/gia",
                                 "postgresql://", "sqlite://", "reports.sqlite3"])
def test_an_unsupported_database_url_is_refused(tmp_path, url):
    with pytest.raises(StoreError, match=re.escape(f"不支持的数据库地址 {url}: 只支持 SQLite 和 PostgreSQL")):
        database_path(settings_for(tmp_path, database_url=url))


def test_the_cli_names_an_unsupported_database_url_in_one_line(tmp_path):
    url = "mysql://gia@localhost/gia"
    result = run_cli(["-m", "index", "list"], tmp_path, env=cli_env(tmp_path, GIA_DATABASE_URL=url))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"错误: 不支持的数据库地址 {url}: 只支持 SQLite 和 PostgreSQL,"
                                     f"例如 sqlite:////srv/gia/reports.sqlite3 或 postgresql://gia@127.0.0.1/gia")


def test_the_same_content_under_another_name_is_refused_by_name(store_components, tmp_path):
    from index.ingest import DuplicateReport

    store_components.ingestor.add_file(EXAMPLE)
    twin = tmp_path / "x.txt"
    twin.write_bytes(EXAMPLE.read_bytes())
    with pytest.raises(DuplicateReport, match=f"与已导入的报告 {EXAMPLE_ID} 内容相同"):
        store_components.ingestor.add_file(twin)
    assert store_components.reports.ready_ids() == [EXAMPLE_ID]
    assert store_components.ingestor.add_file(EXAMPLE).outcome == "unchanged"
    assert store_components.vectors.count() == NARRATIVE


def test_cli_names_the_report_a_duplicate_already_is(tmp_path):
    data_dir = tmp_path / "data"
    assert run_cli(["-m", "index", "add", str(EXAMPLE)], data_dir).returncode == 0
    twin = tmp_path / "x.txt"
    twin.write_bytes(EXAMPLE.read_bytes())
    result = run_cli(["-m", "index", "add", str(twin)], data_dir)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"错误: {twin}: 与已导入的报告 {EXAMPLE_ID} 内容相同,未重复导入"
    assert [line.split("\t")[0] for line in run_cli(["-m", "index", "list"], data_dir).stdout.splitlines()[1:]] == [
        EXAMPLE_ID]


def test_an_index_written_before_versions_is_migrated(tmp_path, memo_embeddings):
    """An index from before reports had versions keeps its reports: rows become version ''."""
    database = tmp_path / "reports.sqlite3"
    with sqlite3.connect(database) as db:
        db.executescript("""
            CREATE TABLE reports (report_id TEXT PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL,
                unit TEXT, year INTEGER, level TEXT, region TEXT, title TEXT, ingested_at REAL);
            CREATE TABLE indicators (report_id TEXT NOT NULL, position INTEGER NOT NULL, table_name TEXT,
                label TEXT NOT NULL, parents TEXT NOT NULL, columns TEXT NOT NULL, unit TEXT, value REAL, raw TEXT,
                line INTEGER, PRIMARY KEY (report_id, position));
            CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, kind TEXT NOT NULL,
                heading TEXT NOT NULL, body TEXT NOT NULL, position INTEGER NOT NULL);""")
        report = parse_file(EXAMPLE)
        db.execute("INSERT INTO reports VALUES (?, 'ready', ?, ?, ?, ?, ?, ?, 0)",
                   (report.report_id, __import__("json").dumps(report.to_dict(), ensure_ascii=False), report.unit,
                    report.year, report.level, report.region, report.title))
        db.execute("INSERT INTO indicators VALUES (?, 0, 't', '微博', '[]', '[]', '条', 690, '690', 1)",
                   (report.report_id,))
        db.execute("INSERT INTO chunks VALUES ('xizhu-2018:s0:0', ?, 'section', '一', '正文', 0)", (report.report_id,))
    store = components_with(settings_for(tmp_path, database_url=f"sqlite:///{database}"), memo_embeddings).reports
    assert store.ready_ids() == [EXAMPLE_ID]
    assert [row.value for row in store.indicators(EXAMPLE_ID)] == [690]
    assert [chunk.chunk_id for chunk in store.chunks()] == ["xizhu-2018:s0:0"]


def test_an_index_written_before_chunks_kept_their_order_is_migrated(tmp_path):
    """A versioned index from before the `ordinal` column: its chunks keep the order their row ids gave them,
    and the change counter starts at 0."""
    database = tmp_path / "reports.sqlite3"
    with sqlite3.connect(database) as db:
        db.executescript("""
            CREATE TABLE reports (report_id TEXT NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL,
                data TEXT NOT NULL, unit TEXT, year INTEGER, level TEXT, region TEXT, title TEXT, ingested_at REAL,
                PRIMARY KEY (report_id, version));
            CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, version TEXT NOT NULL,
                kind TEXT NOT NULL, heading TEXT NOT NULL, body TEXT NOT NULL, position INTEGER NOT NULL);""")
        report = parse_file(EXAMPLE)
        db.execute("INSERT INTO reports VALUES (?, 'v1', 'ready', ?, ?, ?, ?, ?, ?, 0)",
                   (report.report_id, json.dumps(report.to_dict(), ensure_ascii=False), report.unit,
                    report.year, report.level, report.region, report.title))
        db.executemany("INSERT INTO chunks VALUES (?, ?, 'v1', 'section', '一', '正文', 0)",
                       [("z-first", EXAMPLE_ID), ("a-second", EXAMPLE_ID)])
    store = ReportStore(database)
    assert [chunk.chunk_id for chunk in store.chunks()] == ["z-first", "a-second"]
    assert store.change_count() == 0 and store.ready_ids() == [EXAMPLE_ID]
