"""What answering knows of the indexed reports, kept light so that a process over ten thousand reports
starts in seconds: a catalogue of the ready reports (id, unit, year, title, level, region), the distinct
indicator cells (`Signature`s, a few thousand however many reports repeat them), and the distinct texts
behind the coverage weights. Everything else stays in the report store and is read when a question needs
it: a report's text and tables (`reports`, cached), its chunks for keyword search (`keywords`), the cells
of a signature in the reports in scope (`store.cells`).

Kept in step with the store (`follow`): the store counts every switch and delete, so a process sees
another's ingests within a second of its next question and reloads only the catalogue entries that
changed, the new signatures and the distinct texts whose counts moved.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from assistant.keyword_index import CHUNKS_CACHED, KeywordIndex
from assistant.report_shelf import ReportShelf
from assistant.text_frequency import TextFrequencies
from index.cells import Signature
from index.chunking import Chunk
from index.report_store import ReportEntry, ReportStore, StoreError
from index.tokens import tokenize

log = logging.getLogger(__name__)

MIN_SHORT_NAME = 3
TABLE_WORD = "统计表"  # every indexed row is a cell of the report's statistics tables, whatever their printed names
_GENERIC_UNIT_WORDS = frozenset(("街道", "办事处", "街道办", "人民政府", "人民", "政府", "办公室", "委员会"))
FOLLOW_EVERY_S = 1.0  # how often a question may look at the store's change counter
MAX_NAMING_REMEMBERED = 50_000  # words judged by names_units; each new word of a question adds one


@dataclass
class IndexedRow:
    """The texts a distinct cell is matched on."""

    id: int  # the signature's id in the store
    signature: Signature
    label: str  # label and columns
    context: str  # label, columns and parents
    label_tokens: tuple[str, ...]
    frame: str  # the context without the row's own label: what its parents and columns say
    own: str  # the context without the table's name: what the row and its parents say


@dataclass
class _Loaded:
    """What changed, read from the store before the corpus is touched, so the corpus is held exclusively
    only while it is applied. `changed` None: everything."""

    seen: int
    changed: set[str] | None
    entries: list[ReportEntry]
    signatures: list[IndexedRow]
    texts: list[tuple[int, str, int]]
    totals: tuple[int, int]


class Corpus:
    def __init__(self, store: ReportStore, follow_every_s: float = FOLLOW_EVERY_S):
        self.store = store
        self._updating = threading.Lock()  # one load-and-apply at a time
        self.follow_every_s = follow_every_s
        self.seen = -1  # the store's change count this corpus reflects
        self._checked = 0.0
        self.reports = ReportShelf(store)
        self.keywords = KeywordIndex(store)
        self.frequencies = TextFrequencies()
        self.signatures: dict[int, IndexedRow] = {}  # by id in the store
        self._last_signature = 0
        self.unit_words: dict[str, tuple[str, ...]] = {}  # unit → the words of its name that tell it apart
        self._unit_tokens: dict[str, list[str]] = {}
        self._naming: dict[str, bool] = {}
        self._scope_words: frozenset[str] = frozenset()
        self.refresh()

    @property
    def catalogue(self) -> dict[str, ReportEntry]:
        """Ready reports in year order."""
        return self.reports.entries

    def refresh(self, exclusive: Callable[[], AbstractContextManager] = nullcontext) -> None:
        """Reload everything, as at start; `follow` does the same when this process fell further behind
        the change log than it reaches."""
        with self._updating:
            loaded = self._load(self.store.change_count(), None)
            with exclusive():
                self._apply(loaded)

    def follow(self, exclusive: Callable[[], AbstractContextManager] = nullcontext, force: bool = False) -> bool:
        """Apply the switches and deletes other processes (or this one) made since the last look; looks at
        most every `follow_every_s` unless forced. `exclusive` keeps readers out while the structures change.
        A store that cannot be read is logged and the corpus goes on answering as it was."""
        now = time.monotonic()
        if not force and now - self._checked < self.follow_every_s:
            return False
        if not self._updating.acquire(blocking=force):
            return False  # another thread is updating already
        try:
            self._checked = now
            if self.store.change_count() == self.seen:
                return False
            seen, changed = self.store.changes_since(self.seen)
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
        """The catalogue first: a report it lists had its signatures and texts stored before it was ready."""
        entries = self.store.catalogue(None if changed is None else sorted(changed))
        last = 0 if changed is None else self._last_signature
        signatures = [_indexed_row(sid, key) for sid, key in self.store.signatures_since(last)]
        texts = self.store.texts_since(-1 if changed is None else self.seen)
        return _Loaded(seen, changed, entries, signatures, texts, self.store.totals())

    def _apply(self, loaded: _Loaded) -> None:
        whole = loaded.changed is None
        catalogue = {} if whole else {rid: e for rid, e in self.catalogue.items() if rid not in loaded.changed}
        catalogue.update((e.report_id, e) for e in loaded.entries)
        self.reports.entries = dict(sorted(catalogue.items(), key=lambda item: (
            item[1].year is not None, item[1].year or 0, item[0])))
        if whole:
            self.signatures = {}
        for indexed in loaded.signatures:
            self.signatures[indexed.id] = indexed
            self._last_signature = max(self._last_signature, indexed.id)
        self.frequencies.apply(loaded.texts, whole)
        self.keywords.size, self.keywords.total = loaded.totals
        units = {e.unit for e in self.catalogue.values() if e.unit}
        for unit in units - self._unit_tokens.keys():
            self._unit_tokens[unit] = tokenize(unit)
        self.unit_words = {u: tuple(t for t in self._unit_tokens[u] if len(t) >= 2 and t not in _GENERIC_UNIT_WORDS)
                           for u in units}
        self._scope_words = frozenset(t for u in units for t in self._unit_tokens[u])
        self._naming = {}
        self.seen = loaded.seen

    def report_name(self, report_id: str) -> str:
        """'西翥街道办事处2019年': how answers name a report."""
        entry = self.catalogue[report_id]
        return f"{entry.unit}{entry.year or ''}年" if entry.unit else report_id

    def chunks_of(self, report_id: str) -> list[Chunk]:
        entry = self.catalogue.get(report_id)
        return self.keywords.chunks_of(entry).chunks if entry else []

    def chunk(self, report_id: str, chunk_id: str) -> Chunk | None:
        """A ready chunk by id (a dense hit), None when it is not the ready version's."""
        entry = self.catalogue.get(report_id)
        return self.keywords.chunks_of(entry).by_id.get(chunk_id) if entry else None

    def keyword_top(self, terms: list[str], k: int, report_ids: list[str]) -> list[tuple[Chunk, float]]:
        """BM25 hits among these reports' chunks; none named: among every report's."""
        if report_ids:
            entries = [self.catalogue[rid] for rid in report_ids if rid in self.catalogue]
        else:
            entries = list(self.catalogue.values()) if len(self.catalogue) <= CHUNKS_CACHED else None
        return self.keywords.top(terms, k, entries)

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
            if len(self._naming) >= MAX_NAMING_REMEMBERED:
                self._naming = {}
            own = sum(e.chunks for e in self.catalogue.values() if _in_name(word, e.unit))
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
        most = max((sum(len(w) for w in said) for said in found.values()), default=0)
        for unit, said in sorted(found.items(), key=lambda item: -sum(len(w) for w in item[1])):
            best = sum(len(w) for w in said) == most
            if best or not any(w in c or c in w for w in said for c in covered):
                named.add(unit)
                covered |= said
        return named

    def known(self, word: str) -> bool:
        return self.document_frequency(word) > 0

    def document_frequency(self, word: str) -> int:
        """Ready chunks whose text contains `word`."""
        return self.frequencies.count(word)

    def weight(self, group: tuple[str, ...]) -> float:
        """IDF by substring document frequency: a word no chunk contains weighs the most."""
        df = max(self.document_frequency(word) for word in group)
        size = self.frequencies.size
        weight = math.log((size - df + 0.5) / (df + 0.5) + 1.0)
        return weight * (0.5 if all(len(word) == 1 for word in group) else 1.0)

    def coverage(self, groups: list[tuple[str, ...]], text: str,
                 says: Callable[[str, str], bool] | None = None) -> float:
        """Share of the question's weight whose words (any alternative) occur in `text`; `says` may ask
        more of an occurrence than being there (a table label must not deny the word)."""
        total = sum(self.weight(g) for g in groups)
        if not total:
            return 0.0
        found = says or (lambda word, within: word in within)
        return sum(self.weight(g) for g in groups if any(found(word, text) for word in g)) / total



def _in_name(word: str, unit: str) -> bool:
    """`word` is part of the unit's name, or a short form of it: the name's first characters (its place)
    and then some of its characters in order, as people shorten 上海市人民政府办公厅 to 上海市政府办公厅."""
    if word in unit:
        return True
    if len(word) < MIN_SHORT_NAME or not unit.startswith(word[:2]):
        return False
    rest = iter(unit)
    return all(ch in rest for ch in word)


def _indexed_row(signature_id: int, key: Signature) -> IndexedRow:
    """The context holds the table's name too: "统计表里…" and "主动公开的规章" (表二, 主动公开政府信息情况)
    name the table a cell is in."""
    table, parents, label, columns = key
    text = " ".join([label, *columns])
    return IndexedRow(signature_id, key, text, " ".join([table, TABLE_WORD, *parents, text]), tuple(tokenize(text)),
                      " ".join([table, TABLE_WORD, *parents, *columns]), " ".join([*parents, text]))
