"""The searchable reports held in memory: their chunks, jieba tokens, BM25 and indicator cells.

Loaded from the report store at start and kept in step with it (`follow`): the store counts every
switch and delete, so a process sees another's ingests within a second of its next question and
updates only the reports that changed, so that keyword search and indicator lookup never wait on the
database per question. With hundreds of reports the same template rows recur in every report, so
indicator texts are tokenized and scored once per distinct cell (its `Signature`), and the document
frequency of a word is counted over distinct texts.
"""
from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from assistant.bm25 import BM25Index
from assistant.keywords import tokenize
from index.chunking import Chunk
from index.report import Report, TableRow
from index.report_store import ReportStore, StoreError

log = logging.getLogger(__name__)

Signature = tuple[str, tuple[str, ...], str, tuple[str, ...]]  # table, parents, label, columns
_DIGITS = re.compile(r"\d")
MIN_SHORT_NAME = 3
TABLE_WORD = "统计表"  # every indexed row is a cell of the report's statistics tables, whatever their printed names
_GENERIC_UNIT_WORDS = frozenset(("街道", "办事处", "街道办", "人民政府", "人民", "政府", "办公室", "委员会"))
FOLLOW_EVERY_S = 1.0  # how often a question may look at the store's change counter


@dataclass
class IndexedRow:
    """The texts a distinct cell is matched on."""

    signature: Signature
    label: str  # label and columns
    context: str  # label, columns and parents
    label_tokens: tuple[str, ...]


def signature(row: TableRow) -> Signature:
    return row.table, tuple(row.parents), row.label, tuple(row.columns)


@dataclass
class _Loaded:
    """Reports read from the store and tokenized before the corpus is touched, so the corpus is
    held exclusively only while the structures are updated. `changed` None: every report."""

    seen: int
    changed: set[str] | None
    reports: dict[str, Report]
    chunks: list[Chunk]
    tokens: list[list[str]]
    gone: dict[int, list[str]]  # chunk number → its tokens, for the chunks of changed reports


class Corpus:
    def __init__(self, store: ReportStore, follow_every_s: float = FOLLOW_EVERY_S):
        self._store = store
        self._updating = threading.Lock()  # one load-and-apply at a time
        self.follow_every_s = follow_every_s
        self.seen = -1  # the store's change count this corpus reflects
        self._checked = 0.0
        self.reports: dict[str, Report] = {}
        self.chunks: list[Chunk | None] = []  # by chunk number; None where a report's chunks were removed
        self.chunk_number: dict[str, int] = {}
        self.by_report: dict[str, set[int]] = {}
        self.signatures: dict[Signature, IndexedRow] = {}
        self.cells: dict[Signature, list[tuple[str, int]]] = {}  # signature → (report_id, row position)
        self.unit_words: dict[str, tuple[str, ...]] = {}  # unit → the words of its name that tell it apart
        self.bm25 = BM25Index([])
        self.texts: list[str] = []  # by chunk number; "" where removed
        self._masked: Counter[str] = Counter()  # live texts with their digits masked → how many
        self._unit_tokens: dict[str, list[str]] = {}
        self._df: dict[str, int] = {}
        self._naming: dict[str, bool] = {}
        self._scope_words: frozenset[str] = frozenset()
        self.refresh()

    def refresh(self, exclusive: Callable[[], AbstractContextManager] = nullcontext) -> None:
        """Reload every report, as at start; `follow` does the same when this process fell further behind
        the change log than it reaches."""
        with self._updating:
            loaded = self._load(self._store.change_count(), None)
            with exclusive():
                self._apply(loaded)

    def follow(self, exclusive: Callable[[], AbstractContextManager] = nullcontext, force: bool = False) -> bool:
        """Apply the switches and deletes other processes (or this one) made since the last look; looks at
        most every `follow_every_s` unless forced. `exclusive` keeps readers out while the structures change.
        A store that cannot be read is logged and the reports in memory go on answering."""
        now = time.monotonic()
        if not force and now - self._checked < self.follow_every_s:
            return False
        if not self._updating.acquire(blocking=force):
            return False  # another thread is updating already
        try:
            self._checked = now
            if self._store.change_count() == self.seen:
                return False
            seen, changed = self._store.changes_since(self.seen)
            loaded = self._load(seen, changed)
            with exclusive():
                self._apply(loaded)
            return True
        except StoreError as exc:
            log.warning("索引变化未能读取: %s", exc)
            return False
        finally:
            self._updating.release()

    def _load(self, seen: int, changed: set[str] | None) -> _Loaded:
        wanted = [rid for rid in self._store.ready_ids() if changed is None or rid in changed]
        reports = {rid: r for rid in wanted if (r := self._store.report(rid)) is not None}
        chunks = [c for c in self._store.chunks(None if changed is None else list(reports)) if c.report_id in reports]
        gone = {} if changed is None else {
            n: tokenize(self.texts[n]) for rid in changed for n in self.by_report.get(rid, ())}
        return _Loaded(seen, changed, reports, chunks, [tokenize(c.text) for c in chunks], gone)

    def _apply(self, loaded: _Loaded) -> None:
        if loaded.changed is None:
            self._clear()
        else:
            for rid in loaded.changed:
                self._remove(rid, loaded.gone)
        self._add(loaded)
        self.reports = dict(sorted(self.reports.items(),
                                   key=lambda item: (item[1].year is not None, item[1].year or 0, item[0])))
        units = {r.unit for r in self.reports.values() if r.unit}
        for unit in units - self._unit_tokens.keys():
            self._unit_tokens[unit] = tokenize(unit)
        self.unit_words = {u: tuple(t for t in self._unit_tokens[u] if len(t) >= 2 and t not in _GENERIC_UNIT_WORDS)
                           for u in units}
        self._scope_words = frozenset(t for u in units for t in self._unit_tokens[u])
        self._df, self._naming = {}, {}
        self.seen = loaded.seen

    def _clear(self) -> None:
        self.reports, self.chunks, self.chunk_number, self.by_report = {}, [], {}, {}
        self.signatures, self.cells, self.texts, self._masked = {}, {}, [], Counter()
        self.bm25 = BM25Index([])

    def _remove(self, report_id: str, gone: dict[int, list[str]]) -> None:
        report = self.reports.pop(report_id, None)
        for number in self.by_report.pop(report_id, ()):
            chunk = self.chunks[number]
            self.bm25.remove(number, gone[number])
            del self.chunk_number[chunk.chunk_id]
            masked = _DIGITS.sub("0", self.texts[number])
            self._masked[masked] -= 1
            if not self._masked[masked]:
                del self._masked[masked]
            self.chunks[number], self.texts[number] = None, ""
        for position, row in enumerate(report.table_rows if report else ()):
            key = signature(row)
            cells = self.cells[key]
            cells.remove((report_id, position))
            if not cells:
                del self.cells[key], self.signatures[key]

    def _add(self, loaded: _Loaded) -> None:
        numbers = self.bm25.add(loaded.tokens)
        for number, chunk in zip(numbers, loaded.chunks):
            self.chunks.append(chunk)
            self.texts.append(chunk.text)
            self._masked[_DIGITS.sub("0", chunk.text)] += 1
            self.chunk_number[chunk.chunk_id] = number
            self.by_report.setdefault(chunk.report_id, set()).add(number)
        for rid, report in loaded.reports.items():
            self.reports[rid] = report
            for position, row in enumerate(report.table_rows):
                key = signature(row)
                if key not in self.signatures:
                    self.signatures[key] = _indexed_row(key)
                self.cells.setdefault(key, []).append((rid, position))

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
                cached = sum(count for text, count in self._masked.items() if word in text)
            self._df[word] = cached
        return cached

    def weight(self, group: tuple[str, ...]) -> float:
        """IDF by substring document frequency: a word no chunk contains weighs the most."""
        df = max(self.document_frequency(word) for word in group)
        size = self.bm25.size
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
