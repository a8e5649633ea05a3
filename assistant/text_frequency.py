"""How many ready chunks contain a word, as a substring of their text rather than a token: the document
frequencies behind the coverage weights, which match words however jieba happened to cut a text.

Counted over the distinct texts the database keeps with how many ready chunks have each (a table row's
value masked, so the same template row in a thousand reports is one text): a few thousand texts per
thousand reports rather than every chunk. A word's count is remembered; when texts change, remembered
counts are corrected by the changed texts alone, unless that would cost more than counting afresh.
"""
from __future__ import annotations

MAX_CORRECTIONS = 200_000  # changed texts × remembered words; beyond it the remembered counts are dropped
MAX_REMEMBERED = 50_000  # words; each new word of a question adds one, so past this many all are forgotten


class TextFrequencies:
    def __init__(self):
        self.size = 0  # ready chunks
        self._texts: dict[int, tuple[str, int]] = {}  # text id → (text, ready chunks with it)
        self._counts: dict[str, int] = {}

    def apply(self, rows: list[tuple[int, str, int]], whole: bool) -> None:
        """(id, text, ready chunks) as the store gives them: every text (`whole`) or the changed ones."""
        if whole:
            self.size, self._texts, self._counts = 0, {}, {}
        changes = [(text_id, text, docs - self._texts.get(text_id, (text, 0))[1]) for text_id, text, docs in rows]
        changes = [change for change in changes if change[2]]
        if len(changes) * len(self._counts) > MAX_CORRECTIONS:
            self._counts = {}
        for text_id, text, delta in changes:
            docs = self._texts.get(text_id, (text, 0))[1] + delta
            if docs > 0:
                self._texts[text_id] = (text, docs)
            else:
                self._texts.pop(text_id, None)
            self.size += delta
            for word in self._counts:
                if word in text:
                    self._counts[word] += delta

    def count(self, word: str) -> int:
        cached = self._counts.get(word)
        if cached is None:
            if len(self._counts) >= MAX_REMEMBERED:
                self._counts = {}
            cached = self._counts[word] = sum(docs for text, docs in self._texts.values() if word in text)
        return cached

