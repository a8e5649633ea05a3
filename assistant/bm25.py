"""BM25 over jieba tokens with an inverted index, so a query touches only the postings of its terms.

Postings are in document order and a report's chunks are consecutive, so a search limited to a
few reports reads only their stretch of each posting list, however many reports are indexed.
Documents are added at the end and removed in place (their number is never reused), so a report
ingested or deleted by another process costs an update of its own postings, not a rebuild.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict


class BM25Index:
    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.size = 0  # live documents
        self.total = 0  # their tokens
        self.lengths: list[int] = []  # by document number; a removed document's is 0
        self.postings: dict[str, tuple[list[int], list[int]]] = {}
        self.add(documents)

    @property
    def average(self) -> float:
        return self.total / self.size if self.size else 0.0

    def add(self, documents: list[list[str]]) -> range:
        """Numbers the documents after every existing one; returns their numbers."""
        start = len(self.lengths)
        grouped: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for number, doc in enumerate(documents, start):
            self.lengths.append(len(doc))
            self.total += len(doc)
            for term, count in Counter(doc).items():
                docs, counts = grouped[term]
                docs.append(number)
                counts.append(count)
        for term, (docs, counts) in grouped.items():
            posting = self.postings.setdefault(term, ([], []))
            posting[0].extend(docs)
            posting[1].extend(counts)
        self.size += len(documents)
        return range(start, len(self.lengths))

    def remove(self, number: int, document: list[str]) -> None:
        """Takes a document (its tokens, as added) out of the postings of its terms."""
        for term in set(document):
            docs, counts = self.postings.get(term, ((), ()))
            i = bisect_left(docs, number)
            if i < len(docs) and docs[i] == number:
                del docs[i], counts[i]
                if not docs:
                    del self.postings[term]
        self.total -= self.lengths[number]
        self.lengths[number] = 0
        self.size -= 1

    def idf(self, term: str) -> float:
        """Probabilistic IDF floored at a small positive value; an unseen term gets the highest weight."""
        df = len(self.postings[term][0]) if term in self.postings else 0
        return max(math.log((self.size - df + 0.5) / (df + 0.5) + 1.0), 0.01)

    def scores(self, terms: list[str], allowed: set[int] | None = None) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        runs = _runs(allowed) if allowed is not None else [(0, len(self.lengths) - 1)]
        average = self.average or 1
        for term in set(terms):
            if term not in self.postings:
                continue
            weight = self.idf(term)
            docs, counts = self.postings[term]
            for low, high in runs:
                i = bisect_left(docs, low) if low else 0
                while i < len(docs) and docs[i] <= high:
                    number, count = docs[i], counts[i]
                    norm = self.k1 * (1 - self.b + self.b * self.lengths[number] / average)
                    scores[number] += weight * count * (self.k1 + 1) / (count + norm)
                    i += 1
        return dict(scores)

    def top(self, terms: list[str], k: int, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        ranked = sorted(self.scores(terms, allowed).items(), key=lambda item: -item[1])
        return ranked[:k]


def _runs(numbers: set[int]) -> list[tuple[int, int]]:
    """{1, 2, 3, 7} → [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs
