"""BM25 over jieba tokens with an inverted index, so a query touches only the postings of its terms."""
from __future__ import annotations

import math
from collections import Counter, defaultdict


class BM25Index:
    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.size = len(documents)
        self.lengths = [len(doc) for doc in documents]
        self.average = (sum(self.lengths) / self.size) if self.size else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for number, doc in enumerate(documents):
            for term, count in Counter(doc).items():
                self.postings[term].append((number, count))

    def idf(self, term: str) -> float:
        """Probabilistic IDF floored at a small positive value; an unseen term gets the highest weight."""
        df = len(self.postings.get(term, ()))
        return max(math.log((self.size - df + 0.5) / (df + 0.5) + 1.0), 0.01)

    def scores(self, terms: list[str], allowed: set[int] | None = None) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for term in set(terms):
            weight = self.idf(term)
            for number, count in self.postings.get(term, ()):
                if allowed is not None and number not in allowed:
                    continue
                norm = self.k1 * (1 - self.b + self.b * self.lengths[number] / (self.average or 1))
                scores[number] += weight * count * (self.k1 + 1) / (count + norm)
        return dict(scores)

    def top(self, terms: list[str], k: int, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        ranked = sorted(self.scores(terms, allowed).items(), key=lambda item: -item[1])
        return ranked[:k]
