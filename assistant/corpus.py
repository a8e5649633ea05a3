"""The searchable reports held in memory: their chunks, jieba tokens, BM25 and indicator rows.

Loaded from the report store and reloaded after an ingest (`refresh`), so that
keyword search and indicator lookup never wait on the database per question.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from assistant.bm25 import BM25Index
from assistant.keywords import tokenize
from index.chunking import Chunk
from index.report import Report
from index.report_store import ReportStore


@dataclass
class IndexedRow:
    """An indicator row with the texts it is matched on."""

    report_id: str
    position: int
    label: str  # label and columns
    context: str  # label, columns and parents
    label_tokens: tuple[str, ...]


class Corpus:
    def __init__(self, store: ReportStore):
        self._store = store
        self._lock = threading.Lock()
        self.reports: dict[str, Report] = {}
        self.chunks: list[Chunk] = []
        self.chunk_number: dict[str, int] = {}
        self.by_report: dict[str, set[int]] = {}
        self.rows: dict[str, list[IndexedRow]] = {}
        self.bm25 = BM25Index([])
        self.texts: list[str] = []
        self._df: dict[str, int] = {}
        self.refresh()

    def refresh(self) -> None:
        reports = {rid: self._store.report(rid) for rid in self._store.ready_ids()}
        reports = {rid: r for rid, r in reports.items() if r is not None}
        chunks = self._store.chunks(list(reports))
        tokens = [tokenize(c.text) for c in chunks]
        by_report: dict[str, set[int]] = {}
        for number, chunk in enumerate(chunks):
            by_report.setdefault(chunk.report_id, set()).add(number)
        rows = {rid: [_indexed_row(rid, n, row) for n, row in enumerate(r.table_rows)] for rid, r in reports.items()}
        bm25 = BM25Index(tokens)
        with self._lock:
            self.reports, self.chunks, self.rows, self.bm25 = reports, chunks, rows, bm25
            self.texts = [c.text for c in chunks]
            self._df = {}
            self.chunk_number = {c.chunk_id: n for n, c in enumerate(chunks)}
            self.by_report = by_report

    def scope_words(self) -> frozenset[str]:
        """Keyword tokens of the indexed units' names, left out of keyword search."""
        return frozenset(t for report in self.reports.values() for t in tokenize(report.unit))

    def is_scope(self, word: str) -> bool:
        """A word of an indexed unit's name ("西翥", "街道办") names the report, not what is asked."""
        return any(word in report.unit for report in self.reports.values())

    def known(self, word: str) -> bool:
        return self.document_frequency(word) > 0

    def document_frequency(self, word: str) -> int:
        cached = self._df.get(word)
        if cached is None:
            cached = self._df[word] = sum(1 for text in self.texts if word in text)
        return cached

    def weight(self, group: tuple[str, ...]) -> float:
        """IDF by substring document frequency: a word no chunk contains weighs the most."""
        df = max(self.document_frequency(word) for word in group)
        size = len(self.texts)
        weight = math.log((size - df + 0.5) / (df + 0.5) + 1.0)
        return weight * (0.5 if all(len(word) == 1 for word in group) else 1.0)

    def coverage(self, groups: list[tuple[str, ...]], text: str) -> float:
        """Share of the question's weight whose words (any alternative) occur in `text`."""
        total = sum(self.weight(g) for g in groups)
        if not total:
            return 0.0
        return sum(self.weight(g) for g in groups if any(word in text for word in g)) / total


def _indexed_row(report_id: str, position: int, row) -> IndexedRow:
    label = " ".join([row.label, *row.columns])
    context = " ".join([*row.parents, label])
    return IndexedRow(report_id, position, label, context, tuple(tokenize(label)))
