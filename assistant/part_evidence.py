"""Evidence for one part of a several-part question, gathered without the dense half.

The chain retrieved passages for the whole question; a part asks a narrower thing, so its rows are
looked up again and its sentences ranked over keyword (BM25) hits for its own terms. Dense similarity
only ever breaks ties, so the part loses nothing a threshold depends on.
"""
from __future__ import annotations

from assistant.corpus import Corpus
from assistant.evidence import Evidence, rank_sentences
from assistant.lookup import lookup_rows
from assistant.query import Query
from assistant.retrieval import Hit

KEYWORD_HITS = 30


def gather_part(part: Query, corpus: Corpus) -> Evidence:
    if not part.report_ids or not part.groups:
        return Evidence()
    if part.compare:
        return Evidence(rows=lookup_rows(part, corpus, []))
    hits = [Hit(chunk, keyword=score) for chunk, score in corpus.keyword_top(part.terms, KEYWORD_HITS, part.report_ids)]
    rows = lookup_rows(part, corpus, hits) if (part.quantity or part.existence) else []
    return Evidence(rows=rows, sentences=rank_sentences(part, corpus, hits))
