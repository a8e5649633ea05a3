"""Keyword search: BM25 over the jieba tokens stored with each chunk at ingest.

The chunks of the reports searched are scored with the whole index's statistics, read from the database
(ready chunks, their average length, how many hold each term), so a search ranks exactly as one in-memory
index of every chunk would, and no process builds or holds such an index. The answering chain searches a
few reports at a time (a question whose scope holds more either asks which report is meant or is a
comparison, answered from the tables), so a search reads those reports' chunks, kept in a small cache,
and one row per term.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from index.chunking import Chunk
from index.report_store import ReportEntry, ReportStore

K1, B = 1.2, 0.75
MIN_IDF = 0.01
CHUNKS_CACHED = 64  # reports whose chunks are kept


@dataclass
class ReportChunks:
    """One report's chunks with their token counts, as search reads them."""

    chunks: list[Chunk]
    lengths: list[int]
    postings: dict[str, list[tuple[int, int]]]  # term → (chunk index, occurrences)
    by_id: dict[str, Chunk]

    @classmethod
    def of(cls, tokenized: list[tuple[Chunk, list[str]]]) -> "ReportChunks":
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, (_, tokens) in enumerate(tokenized):
            for term, count in Counter(tokens).items():
                postings[term].append((index, count))
        chunks = [chunk for chunk, _ in tokenized]
        return cls(chunks, [len(tokens) for _, tokens in tokenized], dict(postings), {c.chunk_id: c for c in chunks})


class KeywordIndex:
    def __init__(self, store: ReportStore):
        self._store = store
        self.size = 0  # ready chunks (set as the corpus follows the store)
        self.total = 0  # their tokens
        self._read = lru_cache(maxsize=CHUNKS_CACHED)(self._load)  # by entry, so by version

    def _load(self, entry: ReportEntry) -> ReportChunks:
        return ReportChunks.of(self._store.tokenized_chunks([entry.report_id]))

    @property
    def average(self) -> float:
        return self.total / self.size if self.size else 0.0

    def chunks_of(self, entry: ReportEntry) -> ReportChunks:
        return self._read(entry)

    def idf(self, docs: int) -> float:
        """Probabilistic IDF floored at a small positive value."""
        return max(math.log((self.size - docs + 0.5) / (docs + 0.5) + 1.0), MIN_IDF)

    def top(self, terms: list[str], k: int, entries: list[ReportEntry] | None) -> list[tuple[Chunk, float]]:
        """The k best chunks of these reports, or of every ready report (read whole: the LangChain
        retriever's unscoped search, never the answering chain's)."""
        wanted = list(dict.fromkeys(terms))
        docs = self._store.term_docs(wanted) if wanted else {}
        parts = ([self.chunks_of(e) for e in entries] if entries is not None
                 else [ReportChunks.of(self._store.tokenized_chunks(None))])
        average = self.average or 1
        ranked: list[tuple[Chunk, float]] = []
        for part in parts:
            scores: dict[int, float] = defaultdict(float)
            for term in wanted:
                if term not in docs:
                    continue
                weight = self.idf(docs[term])
                for index, count in part.postings.get(term, ()):
                    norm = K1 * (1 - B + B * part.lengths[index] / average)
                    scores[index] += weight * count * (K1 + 1) / (count + norm)
            ranked += [(part.chunks[index], score) for index, score in sorted(scores.items())]
        return sorted(ranked, key=lambda item: -item[1])[:k]
