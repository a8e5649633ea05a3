"""Answering from the database instead of a copy of every report, on SQLite and PostgreSQL: keyword search
ranks as one in-memory BM25 over every chunk would, a comparison reads each report's best cell as the full
ranking picks it, no report's text is read to start or to scope a question, and an index whose tokens were
cut by another tokenizer is cut again when it is opened."""
from __future__ import annotations

import dataclasses
import math
from collections import Counter

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from assistant.corpus import Corpus
from assistant.lookup import lookup_rows
from assistant.query import prepare
from assistant.report_figures import figures_per_report
from conftest import EXAMPLE, ROOT
from index.chunking import chunk_report
from index.ingest import parse_file
from index.report_store import ReportStore
from index.tokens import tokenize

FILES = [EXAMPLE, *sorted((ROOT / "tests" / "data" / "multi").glob("*.txt"))]


@pytest.fixture(params=["sqlite", "postgres"])
def location(request, tmp_path):
    if request.param == "sqlite":
        return tmp_path / "reports.sqlite3"
    return request.getfixturevalue("postgres_database")


@pytest.fixture()
def store(location):
    """The example and the three 2019-template reports, written as an ingest writes them (no vectors)."""
    built = ReportStore(location)
    for path in FILES:
        report = parse_file(path)
        built.write_pending(report, report.fingerprint(), chunk_report(report))
        built.switch(report.report_id, report.fingerprint())
    yield built
    built.close()


def _bm25(store: ReportStore, terms: list[str], report_ids: list[str]) -> list[tuple[str, float]]:
    """Okapi BM25 (k1 1.2, b 0.75, IDF floored at 0.01) over every ready chunk, tokenized afresh."""
    docs = [(chunk, tokenize(chunk.text)) for chunk in store.chunks()]
    average = sum(len(tokens) for _, tokens in docs) / len(docs)
    df = Counter(term for _, tokens in docs for term in set(tokens))
    ranked = []
    for chunk, tokens in docs:
        counts = Counter(tokens)
        score = sum(max(math.log((len(docs) - df[t] + 0.5) / (df[t] + 0.5) + 1), 0.01) * counts[t] * 2.2
                    / (counts[t] + 1.2 * (0.25 + 0.75 * len(tokens) / average)) for t in set(terms) if counts[t])
        if score and (not report_ids or chunk.report_id in report_ids):
            ranked.append((chunk.chunk_id, round(score, 9)))
    return sorted(ranked, key=lambda hit: (-hit[1], hit[0]))


@pytest.mark.parametrize("terms, report_ids", [
    (["微博", "信息", "申请"], ["xizhu-2018"]),
    (["行政复议", "案件", "总计"], ["xizhu-2019", "qinglan-2021"]),
    (["政务微博", "主动公开", "不存在的词"], []),
])
def test_keyword_search_ranks_as_one_index_of_every_chunk(store, terms, report_ids):
    hits = Corpus(store).keyword_top(terms, 10_000, report_ids)
    assert sorted(((chunk.chunk_id, round(score, 9)) for chunk, score in hits), key=lambda hit: (-hit[1], hit[0])) \
        == _bm25(store, terms, report_ids)


@pytest.mark.parametrize("question", ["哪个单位2021年收到的申请最多", "2021年哪个单位的行政诉讼最多",
                                      "西翥街道2018年和2019年的行政复议数量对比", "哪个单位商业企业的申请最多"])
def test_a_comparison_reads_each_reports_best_cell_as_the_full_ranking_picks_it(store, question):
    corpus = Corpus(store)
    query = prepare(question, [], corpus, None)
    assert query.compare
    every_cell = lookup_rows(dataclasses.replace(query, compare=False), corpus, [])
    best_cells = lookup_rows(query, corpus, [])
    assert len(best_cells) < len(every_cell)
    assert figures_per_report(best_cells, question) == figures_per_report(every_cell, question)


def test_no_report_text_is_read_to_start_or_to_scope_a_question(store, monkeypatch):
    read: list[str] = []
    original = ReportStore.report
    monkeypatch.setattr(ReportStore, "report", lambda self, rid: read.append(rid) or original(self, rid))
    corpus = Corpus(store)
    assert [(r.unit, r.year) for r in corpus.reports.values()] == [
        ("西翥街道办事处", 2018), ("西翥街道办事处", 2019), ("昆明市教育局", 2021), ("青岚区人民政府", 2021)]
    assert prepare("青岚区2021年行政复议多少件?", [], corpus, None).report_ids == ["qinglan-2021"]
    assert read == []
    assert corpus.reports["qinglan-2021"].sections and read == ["qinglan-2021"]


def test_an_index_cut_by_another_tokenizer_is_cut_again_when_opened(store, location):
    before = (store.tokenized_chunks(), store.term_docs(["微博", "申请", "行政复议"]), sorted(store.texts_since(-1)),
              store.totals(), store.signatures_since(0))
    url = make_url(f"sqlite:///{location}" if not isinstance(location, str) else location)
    engine = create_engine(url.set(drivername="postgresql+psycopg") if url.drivername.startswith("postgresql")
                           else url, poolclass=NullPool)
    with engine.begin() as db:
        for statement in ("UPDATE index_state SET tokenizer = 'an older cut'", "UPDATE chunks SET tokens = 'x'",
                          "DELETE FROM terms", "UPDATE texts SET docs = 0", "UPDATE indicators SET signature = NULL"):
            db.execute(text(statement))
    engine.dispose()
    reopened = ReportStore(location)
    after = (reopened.tokenized_chunks(), reopened.term_docs(["微博", "申请", "行政复议"]),
             sorted(reopened.texts_since(-1)), reopened.totals(), reopened.signatures_since(0))
    reopened.close()
    assert after == before
