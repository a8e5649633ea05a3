"""Direct indicator lookup: the table cells a quantity question asks about, scored on their labels.

A cell is scored once per distinct (table, row path, column path), however many reports have it, and
the cells of the signatures that fit are then read from the store for the reports in scope. A comparison
over a thousand reports reads each report's best cell only (ranked in the database) and the cells of its
row that the question does not tell apart, not every cell that fits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.claims import kind
from assistant.corpus import Corpus, IndexedRow
from assistant.keywords import affirms
from assistant.query import Query
from assistant.retrieval import Hit
from index.cells import Cell, Signature, signature
from index.report import TableRow

MIN_ROW_COVERAGE = 0.6  # share of the question's weight the row (with its parents) must contain
# ... and the row itself, without its table's name: "主动公开政府信息情况" names the table that 规章 / 本年新公开数量
# stands in, but that cell does not count the information proactively disclosed.
MIN_OWN_COVERAGE = 0.4
DEPTH_PENALTY = 0.03
HEAD_BONUS = 0.1
LEAF_BONUS = 0.08  # the question names the cell's own column ("商业企业")
TOTAL_BONUS = 0.05  # no column named: the row's 总计 column stands for the whole row
TOTAL_COLUMN = "总计"
UNIT_BONUS = 0.08
MONEY = kind("元")  # what 元 and 万元 both count
MAX_GROUP_LABEL_SHARE = 0.25  # of the question, by a row's own label, for the row to stand for its group only
_SAME_UNIT = {  # a measure word a question counts in → the table units that count the same thing
    "次": ("次",), "人次": ("人次",), "人": ("人", "人次"), "名": ("人", "人次"), "位": ("人",),
    "件": ("件", "起"), "起": ("件", "起"), "条": ("条",), "篇": ("篇", "条"), "万元": ("万元", "元"), "元": ("万元", "元"),
}
_NUMBERING = re.compile(r"^(\(?[一二三四五六七八九十\d]+[)、.]|其中[::])")
# Among equals, the broader row ("收到申请数" before "申请信息不存在数"). Every suffix the label ends in is
# tried: "规范性文件数" ends in 件数 and in 数, and only without 数 does it end in 规范性文件.
_COUNT_SUFFIXES = ("总次数", "次数", "人数", "件数", "数量", "总数", "数")


@dataclass
class RowMatch:
    report_id: str
    position: int
    row: TableRow
    coverage: float  # of the question by the row's label, parents and columns
    score: float
    in_group: bool = False  # its parents say all of it: the question asks about the group, not this row


def lookup_rows(query: Query, corpus: Corpus, hits: list[Hit]) -> list[RowMatch]:
    """Cells ranked by how much of the question they cover, then by how little else they say;
    a row's dense similarity only breaks ties, so a number is never taken from an unrelated row."""
    if not query.groups or not query.report_ids:
        return []
    dense = {(h.chunk.report_id, h.chunk.position): h.dense for h in hits if h.chunk.kind == "table_row"}
    scope = set(query.report_ids)
    asked = " ".join([query.text.lower(), *(word for group in query.groups for word in group)])
    fitting: dict[int, tuple[IndexedRow, float, float]] = {}
    for indexed in _candidates(corpus, scope):
        scored = _score(query, corpus, indexed, asked)
        if scored is not None:
            fitting[indexed.id] = (indexed, *scored)
    if not fitting:
        return []
    named = None if scope.issuperset(corpus.catalogue) else sorted(scope)
    cells = (_best_per_report(query, corpus, fitting, named) if query.compare
             else corpus.store.cells(list(fitting), named))
    matches: list[RowMatch] = []
    for cell in cells:
        row = cell.row
        if cell.report_id not in scope or (not row.unit and row.is_blank):
            continue  # a group heading, not an indicator
        if not same_kind(row.unit, query.unit):
            continue
        indexed, coverage, score = fitting[cell.signature]
        similarity = dense.get((cell.report_id, cell.position), 0.0)
        matches.append(RowMatch(cell.report_id, cell.position, row, coverage,
                                score + 0.1 * similarity + unit_fit(row.unit, query.unit),
                                asks_group(query, corpus, indexed, coverage)))
    return sorted(matches, key=lambda m: (-m.score, m.report_id, m.position))


def asks_group(query: Query, corpus: Corpus, indexed: IndexedRow, coverage: float) -> bool:
    """The row's parents and columns say all the question does, its own label next to nothing: "不同意公开的有几件"
    asks about (三)不予公开, not its sub-row 1.属于国家秘密 alone; "收到申请数" says what is asked itself."""
    return (bool(indexed.signature[1]) and corpus.coverage(query.groups, indexed.frame, affirms) >= coverage
            and corpus.coverage(query.groups, indexed.label, affirms) < MAX_GROUP_LABEL_SHARE)


def _candidates(corpus: Corpus, scope: set[str]) -> list[IndexedRow]:
    """Distinct cells of the reports in scope, from the store, when they are few; else every distinct cell
    of the index (fewer than the cells of many reports)."""
    if len(scope) * 8 < len(corpus.catalogue):
        ids = corpus.store.signatures_of(sorted(scope))
        return [corpus.signatures[sid] for sid in ids if sid in corpus.signatures]
    return list(corpus.signatures.values())


def _best_per_report(query: Query, corpus: Corpus, fitting: dict[int, tuple[IndexedRow, float, float]],
                     report_ids: list[str] | None) -> list[Cell]:
    """Each report's best cell, as `lookup_rows` would rank it (a comparison has no dense hits), and the
    cells of the same row that the question does not tell apart (`with_siblings`)."""
    best = _best_cells(query, corpus, fitting, report_ids)
    siblings = {sid: [other_id for other_id in fitting if _sibling_signatures(query, corpus, fitting, sid, other_id)]
                for sid in {cell.signature for cell in best}}
    wanted: dict[int, set[str]] = {}
    for cell in best:
        for sibling in siblings[cell.signature]:
            wanted.setdefault(sibling, set()).add(cell.report_id)
    if not wanted:
        return best
    more = corpus.store.cells(list(wanted), sorted(set().union(*wanted.values())))
    return best + [cell for cell in more if cell.report_id in wanted[cell.signature]]


def _sibling_signatures(query: Query, corpus: Corpus, fitting: dict[int, tuple[IndexedRow, float, float]],
                        best: int, other: int) -> bool:
    """The cells of `other` are read with those of `best`: columns the question does not tell apart, or
    another row of the group the question asks about."""
    (a, a_coverage, _), (b, b_coverage, _) = fitting[best], fitting[other]
    if _unnamed_columns(a.signature, b.signature, query.text):
        return True
    return (_one_group(a.signature, b.signature)
            and asks_group(query, corpus, a, a_coverage) and asks_group(query, corpus, b, b_coverage))


def _best_cells(query: Query, corpus: Corpus, fitting: dict[int, tuple[IndexedRow, float, float]],
                report_ids: list[str] | None) -> list[Cell]:
    """Signatures are read from the best score down, a band at a time (the widest a unit's fit can reorder);
    a report whose best cell so far beats anything the signatures left can reach is settled, so a
    comparison over reports of one template reads little beyond its best band."""
    same = _SAME_UNIT.get(query.unit, (query.unit,)) if query.unit else ()
    unit_scores = {unit: UNIT_BONUS for unit in same}
    other = -UNIT_BONUS if query.unit in _SAME_UNIT else 0.0
    fits = [0.0, other, *unit_scores.values()]
    spread, most = max(fits) - min(fits), max(fits)
    order = sorted(fitting, key=lambda sid: -fitting[sid][2])
    best: dict[str, tuple[float, Cell]] = {}
    pending = report_ids if report_ids is not None else list(corpus.catalogue)
    start = 0
    while start < len(order) and pending:
        floor = fitting[order[start]][2] - spread
        end = next((n for n in range(start, len(order)) if fitting[order[n]][2] < floor), len(order))
        band = {sid: fitting[sid][2] for sid in order[start:end]}
        for cell, total in corpus.store.best_cells(band, unit_scores, other, pending):
            held = best.get(cell.report_id)
            if held is None or (total, -cell.position) > (held[0], -held[1].position):
                best[cell.report_id] = (total, cell)
        start = end
        if start < len(order):
            reach = fitting[order[start]][2] + most  # the most a cell of the signatures left can score
            pending = [rid for rid in pending if rid not in best or best[rid][0] <= reach]
    return [cell for _, cell in best.values()]


def _score(query: Query, corpus: Corpus, indexed: IndexedRow, asked: str) -> tuple[float, float] | None:
    coverage = corpus.coverage(query.groups, indexed.context, affirms)
    if coverage < MIN_ROW_COVERAGE or corpus.coverage(query.groups, indexed.own, affirms) < MIN_OWN_COVERAGE:
        return None
    _, parents, label, columns = indexed.signature
    named = corpus.coverage(query.groups, indexed.label, affirms)
    precision = corpus.coverage([(t,) for t in indexed.label_tokens], asked)
    score = (0.55 * coverage + 0.25 * named + 0.2 * precision
             + HEAD_BONUS * counts_what_is_asked(label, query.groups) - DEPTH_PENALTY * len(parents)
             + column_bonus(list(columns), query.text))
    return coverage, score


def column_bonus(columns: list[str], question: str) -> float:
    """Of one row's cells, the one whose column the question names, else its 总计 column:
    "商业企业申请了多少件" reads 商业企业, "本年新收申请总数" reads 总计."""
    if not columns:
        return 0.0
    leaf = columns[-1]
    if leaf != TOTAL_COLUMN and leaf in question:
        return LEAF_BONUS
    return TOTAL_BONUS if leaf == TOTAL_COLUMN else 0.0


def unit_fit(unit: str, asked: str) -> float:
    """"培训有几次" reads 举办培训班数 (次), not 接受培训人员数 (人次); "几个" says little about the unit."""
    if not asked or not unit:
        return 0.0
    if unit in _SAME_UNIT.get(asked, (asked,)):
        return UNIT_BONUS
    return -UNIT_BONUS if asked in _SAME_UNIT else 0.0


def same_kind(unit: str, asked: str) -> bool:
    """An amount of money is answered by a row in money only, a count by a row that counts: "收了多少费用" is
    not "申请人逾期未按收费通知要求缴纳费用…" (6 件), which counts applications. A row or question without a
    unit fits either."""
    return not unit or not asked or (kind(unit) == MONEY) == (kind(asked) == MONEY)


def counts_what_is_asked(label: str, groups: list[tuple[str, ...]]) -> bool:
    """The row counts the asked thing itself: its label ends in it ("收到申请数" for 申请),
    rather than counting something about it ("依申请公开信息收取的费用")."""
    label = _NUMBERING.sub("", label)
    heads = [label[:-len(suffix)] for suffix in _COUNT_SUFFIXES if label.endswith(suffix)] or [label]
    return any(head.endswith(word) for head in heads for group in groups for word in group if len(word) > 1)


def with_siblings(best: RowMatch, rows: list[RowMatch], question: str) -> list[RowMatch]:
    return sorted([best, *(m for m in rows if _unnamed_sibling(best, m, question))], key=lambda m: m.position)


def _unnamed_sibling(best: RowMatch, other: RowMatch, question: str) -> bool:
    """Another cell of the best cell's row and leaf column whose columns differ only where the
    question names neither (未经复议直接起诉 / 复议后起诉 for "行政诉讼总计多少件"), or, when the question
    asks about the best cell's group of rows, the same column of another row of the group."""
    if other.report_id != best.report_id:
        return False
    return _unnamed_columns(signature(best.row), signature(other.row), question) or (
        best.in_group and other.in_group and _one_group(signature(best.row), signature(other.row)))


def _one_group(a: Signature, b: Signature) -> bool:
    """Two rows under one parent, in one column: (三)不予公开 > 1.属于国家秘密 / 总计 and > 2.… / 总计."""
    (table, parents, label, columns), (b_table, b_parents, b_label, b_columns) = a, b
    return bool(parents) and (table, parents, columns) == (b_table, b_parents, b_columns) and label != b_label


def _unnamed_columns(a: Signature, b: Signature, question: str) -> bool:
    """Two cells of one row and leaf column whose column paths differ only in columns the question does not name."""
    _, a_parents, a_label, a_columns = a
    _, b_parents, b_label, b_columns = b
    if ((b_parents, b_label) != (a_parents, a_label) or len(b_columns) != len(a_columns) or not a_columns
            or b_columns[-1] != a_columns[-1] or b_columns == a_columns):
        return False
    differing = [c for x, y in zip(a_columns, b_columns) if x != y for c in (x, y)]
    return not any(c in question for c in differing)
