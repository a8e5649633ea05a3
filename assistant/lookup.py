"""Direct indicator lookup: the table rows a quantity question asks about, scored on their labels."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.corpus import Corpus
from assistant.query import Query
from assistant.retrieval import Hit
from index.report import TableRow

MIN_ROW_COVERAGE = 0.6  # share of the question's weight the row (with its parents) must contain
DEPTH_PENALTY = 0.03
HEAD_BONUS = 0.1
_NUMBERING = re.compile(r"^(\(?[一二三四五六七八九十\d]+[)、.]|其中[::])")
_COUNT_SUFFIX = re.compile(r"(总次数|次数|人数|件数|数量|总数|数)$")  # among equals, the broader row ("收到申请数" before "申请信息不存在数")


@dataclass
class RowMatch:
    report_id: str
    position: int
    row: TableRow
    coverage: float  # of the question by the row's label, parents and columns
    score: float


def lookup_rows(query: Query, corpus: Corpus, hits: list[Hit]) -> list[RowMatch]:
    """Rows ranked by how much of the question they cover, then by how little else they say;
    a row's dense similarity only breaks ties, so a number is never taken from an unrelated row."""
    if not query.groups:
        return []
    dense = {(h.chunk.report_id, h.chunk.position): h.dense for h in hits if h.chunk.kind == "table_row"}
    matches: list[RowMatch] = []
    asked = " ".join([query.text.lower(), *(word for group in query.groups for word in group)])
    for report_id in query.report_ids:
        report = corpus.reports.get(report_id)
        if report is None:
            continue
        for indexed in corpus.rows.get(report_id, []):
            row = report.table_rows[indexed.position]
            if not row.unit and row.is_blank:
                continue  # a group heading, not an indicator
            coverage = corpus.coverage(query.groups, indexed.context)
            if coverage < MIN_ROW_COVERAGE:
                continue
            label = corpus.coverage(query.groups, indexed.label)
            precision = corpus.coverage([(t,) for t in indexed.label_tokens], asked)
            similarity = dense.get((report_id, indexed.position), 0.0)
            score = (0.55 * coverage + 0.25 * label + 0.2 * precision + 0.1 * similarity
                     + HEAD_BONUS * counts_what_is_asked(row.label, query.groups) - DEPTH_PENALTY * len(row.parents))
            matches.append(RowMatch(report_id, indexed.position, row, coverage, score))
    return sorted(matches, key=lambda m: (-m.score, m.position))


def counts_what_is_asked(label: str, groups: list[tuple[str, ...]]) -> bool:
    """The row counts the asked thing itself: its label ends in it ("收到申请数" for 申请),
    rather than counting something about it ("依申请公开信息收取的费用")."""
    head = _COUNT_SUFFIX.sub("", _NUMBERING.sub("", label))
    return any(head.endswith(word) for group in groups for word in group if len(word) > 1)
