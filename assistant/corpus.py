"""The searchable reports held in memory: their chunks, jieba tokens, BM25 and indicator cells.

Loaded from the report store and reloaded after an ingest (`refresh`), so that
keyword search and indicator lookup never wait on the database per question. With
hundreds of reports the same template rows recur in every report, so indicator
texts are tokenized and scored once per distinct cell (its `Signature`), and the
document frequency of a word is counted over distinct texts.
"""
from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass

from assistant.bm25 import BM25Index
from assistant.keywords import tokenize
from index.chunking import Chunk
from index.report import Report, TableRow
from index.report_store import ReportStore

Signature = tuple[str, tuple[str, ...], str, tuple[str, ...]]  # table, parents, label, columns
_DIGITS = re.compile(r"\d")
MIN_SHORT_NAME = 3
TABLE_WORD = "统计表"  # every indexed row is a cell of the report's statistics tables, whatever their printed names
_GENERIC_UNIT_WORDS = frozenset(("街道", "办事处", "街道办", "人民政府", "人民", "政府", "办公室", "委员会"))


@dataclass
class IndexedRow:
    """The texts a distinct cell is matched on."""

    signature: Signature
    label: str  # label and columns
    context: str  # label, columns and parents
    label_tokens: tuple[str, ...]


def signature(row: TableRow) -> Signature:
    return row.table, tuple(row.parents), row.label, tuple(row.columns)


class Corpus:
    def __init__(self, store: ReportStore):
        self._store = store
        self._lock = threading.Lock()
        self.reports: dict[str, Report] = {}
        self.chunks: list[Chunk] = []
        self.chunk_number: dict[str, int] = {}
        self.by_report: dict[str, set[int]] = {}
        self.signatures: dict[Signature, IndexedRow] = {}
        self.cells: dict[Signature, list[tuple[str, int]]] = {}  # signature → (report_id, row position)
        self.unit_words: dict[str, tuple[str, ...]] = {}  # unit → the words of its name that tell it apart
        self.bm25 = BM25Index([])
        self.texts: list[str] = []
        self._df_texts: list[tuple[str, int]] = []
        self._df: dict[str, int] = {}
        self._naming: dict[str, bool] = {}
        self._scope_words: frozenset[str] = frozenset()
        self.refresh()

    def refresh(self) -> None:
        reports = {rid: self._store.report(rid) for rid in self._store.ready_ids()}
        reports = {rid: r for rid, r in reports.items() if r is not None}
        chunks = self._store.chunks(list(reports))
        tokens = [tokenize(c.text) for c in chunks]
        by_report: dict[str, set[int]] = {}
        for number, chunk in enumerate(chunks):
            by_report.setdefault(chunk.report_id, set()).add(number)
        signatures: dict[Signature, IndexedRow] = {}
        cells: dict[Signature, list[tuple[str, int]]] = {}
        for rid, report in reports.items():
            for position, row in enumerate(report.table_rows):
                key = signature(row)
                if key not in signatures:
                    signatures[key] = _indexed_row(key)
                cells.setdefault(key, []).append((rid, position))
        units = {r.unit for r in reports.values() if r.unit}
        unit_words = {u: tuple(t for t in tokenize(u) if len(t) >= 2 and t not in _GENERIC_UNIT_WORDS) for u in units}
        texts = [c.text for c in chunks]
        bm25 = BM25Index(tokens)
        with self._lock:
            self.reports, self.chunks, self.bm25 = reports, chunks, bm25
            self.signatures, self.cells, self.unit_words = signatures, cells, unit_words
            self.texts = texts
            self._df_texts = list(Counter(_DIGITS.sub("0", t) for t in texts).items())
            self._df, self._naming = {}, {}
            self._scope_words = frozenset(t for u in units for t in tokenize(u))
            self.chunk_number = {c.chunk_id: n for n, c in enumerate(chunks)}
            self.by_report = by_report

    def report_name(self, report_id: str) -> str:
        """'西翥街道办事处2019年': how answers name a report."""
        report = self.reports[report_id]
        return f"{report.unit}{report.year or ''}年" if report.unit else report_id

    def scope_words(self) -> frozenset[str]:
        """Keyword tokens of the indexed units' names, left out of keyword search."""
        return self._scope_words

    def is_scope(self, word: str) -> bool:
        """A word of an indexed unit's name ("西翥", "街道办"), or a short form of it ("上海市政府" for
        上海市人民政府办公厅), names the report, not what is asked."""
        return any(_in_name(word, unit) for unit in self.unit_words) and self.names_units(word)

    def names_units(self, word: str) -> bool:
        """A word of unit names that the reports use mostly in those units' own reports ("西翥"),
        unlike a word every report uses ("信息" of a 大数据信息中心)."""
        cached = self._naming.get(word)
        if cached is None:
            own = sum(len(self.by_report.get(rid, ())) for rid, r in self.reports.items() if _in_name(word, r.unit))
            cached = self._naming[word] = self.document_frequency(word) <= 2 * own
        return cached

    def named_units(self, question: str) -> set[str]:
        """The indexed units a question names: those whose naming words cover most of it
        ("五华区教育局" names the 教育局, not also the 五华区人民政府), and any other unit named by words
        of its own ("淮安市和上海市谁…" names both)."""
        found: dict[str, set[str]] = {}
        for unit, words in self.unit_words.items():
            said = {w for w in words if w in question and self.names_units(w)}
            if said:
                found[unit] = said
        named: set[str] = set()
        covered: set[str] = set()
        for unit, said in sorted(found.items(), key=lambda item: -sum(len(w) for w in item[1])):
            best = sum(len(w) for w in said) == max(sum(len(w) for w in s) for s in found.values())
            if best or not any(w in c or c in w for w in said for c in covered):
                named.add(unit)
                covered |= said
        return named

    def known(self, word: str) -> bool:
        return self.document_frequency(word) > 0

    def document_frequency(self, word: str) -> int:
        """Chunks containing `word`, counted over distinct texts with their digits masked: the
        same template row in a thousand reports differs only in its value."""
        cached = self._df.get(word)
        if cached is None:
            if _DIGITS.search(word):
                cached = sum(1 for text in self.texts if word in text)
            else:
                cached = sum(count for text, count in self._df_texts if word in text)
            self._df[word] = cached
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


def _in_name(word: str, unit: str) -> bool:
    """`word` is part of the unit's name, or a short form of it: the name's first characters (its place)
    and then some of its characters in order, as people shorten 上海市人民政府办公厅 to 上海市政府办公厅."""
    if word in unit:
        return True
    if len(word) < MIN_SHORT_NAME or not unit.startswith(word[:2]):
        return False
    rest = iter(unit)
    return all(ch in rest for ch in word)


def _indexed_row(key: Signature) -> IndexedRow:
    """The context holds the table's name too: "统计表里…" and "主动公开的规章" (表二, 主动公开政府信息情况)
    name the table a cell is in."""
    table, parents, label, columns = key
    text = " ".join([label, *columns])
    return IndexedRow(key, text, " ".join([table, TABLE_WORD, *parents, text]), tuple(tokenize(text)))
