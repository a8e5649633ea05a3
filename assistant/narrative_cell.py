"""What the narrative says beside a looked-up cell, and whether it counts the same thing.

A narrative figure stands beside a cell when its clause covers the question and names the cell's row.
A 2019-template cell also has a column: "行政复议7件" names the row 行政复议 but not its column 结果维持,
so it is read against the row's 总计 cell, not against 结果维持; "因本机关不掌握…无法提供265件" is not the
自然人 column either. Where the figures differ, the words of the sentence may show why before any
disagreement is claimed: a count that includes the carried-over applications ("含上年度结转申请18件"),
or the figure of one office rather than the report's whole unit.

A figure that differs from the cell (or stands beside a blank one) is set beside it only if it counts the row's
measure: "在平潭政府采购信息网上主动公开…信息188条" says 网上, but counts published items, not 网上申请.
A figure that agrees needs less, its value bearing it out ("主动公开政府信息2949条" for 主动公开文件数).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer import Citation, row_citation, section_citation
from assistant.claims import Figure, agrees, comparable, figures_in, number_text
from assistant.corpus import Corpus
from assistant.evidence import Sentence, source_name
from assistant.keywords import GLOSSARY, tokenize
from assistant.query import Query
from index.report import TableRow

MIN_FIGURE_COVERAGE = 0.6  # of the question, by the figure's sentence and its heading
MIN_LABEL_OVERLAP = 0.35  # of the row's words, in the clause: "提案办理情况16条" is no 主动公开政府信息数
MIN_COLUMN_NAMED = 0.5  # of the column's words, in the clause
TOTAL_COLUMN = "总计"
# A body named before the figure ("区政府办公室受理…"): its count, not necessarily the report's unit's.
_NONE_CLAUSE = re.compile(r"(?:无|没有|暂无|尚无|未发生|未收到)[^,,;;。]*")
# Words every row of a disclosure table carries ("政府信息公开…数量"): they tell no row's measure apart.
_FILLER = frozenset(("政府", "信息", "公开", "政务", "相关", "数量", "总数", "情况"))
_BODY = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:办公室|办公厅|局|委员会|中心|街道|镇|乡)")


@dataclass
class Beside:
    """A narrative figure, the sentence it stands in, and the cell it is compared with."""

    figure: Figure
    sentence: Sentence
    cell: TableRow  # the asked cell, or the cell of its row that the figure counts instead
    names_cell: bool  # the figure counts the asked cell itself


def _words(text: str) -> list[tuple[str, ...]]:
    """Words of a label as groups: the report may say 收到 or 受理 for the table's 新收. A compound whose
    parts are words of the label too (上年结转: 上年, 结转) is left to its parts, as the narrative may
    write them apart ("上年度结转")."""
    tokens = [t for t in tokenize(text) if len(t) > 1]
    parts = set(tokens)
    kept = [t for t in tokens if not any(t[:i] in parts and t[i:] in parts for i in range(2, len(t) - 1))]
    return [GLOSSARY.get(t, (t,)) for t in kept]


def row_words(cell: TableRow) -> list[tuple[str, ...]]:
    """What the cell's row counts: its label and every column but the cell's own (案件数量 / 行政复议)."""
    columns = [c for c in cell.columns[:-1] if c != TOTAL_COLUMN]
    return _words(" ".join([cell.label, *columns]))


def measure(cell: TableRow) -> tuple[str, ...] | None:
    """What the cell's row counts: the last word of its most specific level that is no filler, the shortest of
    those ending there (申请 of 网上申请数, 掌握 of 本机关不掌握相关政府信息, 收费 of 行政事业性收费)."""
    levels = [cell.label, *(c for c in cell.columns if c != TOTAL_COLUMN)]
    for level in reversed(levels):
        ends = [(_end_in(level, group), -min(map(len, group)), group)
                for group in _words(level) if group[0] not in _FILLER]
        if ends:
            return max(ends)[2]
    return None


def _end_in(level: str, group: tuple[str, ...]) -> int:
    """Where the last of a word's forms printed in the label ends (0 for a form only the glossary adds)."""
    return max((level.rfind(word) + len(word) for word in group if word in level), default=0)


def counts_measure(cell: TableRow, figure: Figure, own: str) -> bool:
    """The figure agrees with the cell, or its own words name what the cell's row counts."""
    if cell.value is not None and agrees(figure, cell.value, cell.unit):
        return True
    head = measure(cell)
    return head is None or any(word in own for word in head)


def names_column(corpus: Corpus, cell: TableRow, clause: str) -> bool:
    """The clause says which column: 总计 (or no column at all) needs no naming."""
    if not cell.columns or cell.columns[-1] == TOTAL_COLUMN:
        return True
    return corpus.coverage(_words(cell.columns[-1]), clause) >= MIN_COLUMN_NAMED


def names_groups(corpus: Corpus, cell: TableRow, text: str) -> bool:
    """The text names each column level between the first and the cell's own (未经复议直接起诉 of
    行政诉讼 / 未经复议直接起诉 / 结果维持)."""
    return all(corpus.coverage(_words(column), text) >= MIN_COLUMN_NAMED for column in cell.columns[1:-1])


def row_total(cell: TableRow, rows: list[TableRow]) -> TableRow | None:
    """The 总计 cell that the cell's column is part of: 行政复议 / 总计 for 行政复议 / 结果维持,
    the row's 总计 for 法人或其他组织 / 商业企业."""
    for keep in range(len(cell.columns) - 1, -1, -1):
        wanted = [*cell.columns[:keep], TOTAL_COLUMN]
        for row in rows:
            if row.table == cell.table and row.path == cell.path and row.columns == wanted and row is not cell:
                return row
    return None


def says_none_about(corpus: Corpus, cell: TableRow, text: str) -> bool:
    """The text says there was none of what the cell's row counts ("现暂无政策解读情况" for 政策解读稿件发布数),
    not of something else that the question's words also match ("…门户网站…现暂无政策解读情况" for 政府网站)."""
    words = row_words(cell)
    return any(corpus.coverage(words, clause) >= MIN_LABEL_OVERLAP for clause in _NONE_CLAUSE.findall(text))


def find_beside(corpus: Corpus, query: Query, cell: TableRow, rows: list[TableRow],
                sentences: list[Sentence], report_id: str) -> Beside | None:
    """The narrative figure about the cell's row that says most of its words ("行政诉讼2起", not "行政复议1起").
    A figure that names the cell's own column comes first, and its row may be named earlier in the sentence:
    "行政复议351件,其中结果维持72件,结果纠正64件" states 结果纠正 of 行政复议 as 64."""
    words = row_words(cell)
    has_column = bool(cell.columns) and cell.columns[-1] != TOTAL_COLUMN
    best: tuple[tuple[bool, float], Beside | None] = ((False, 0.0), None)
    for sentence in sentences:
        if sentence.report_id != report_id:
            continue
        if corpus.coverage(query.groups, f"{sentence.heading}\n{sentence.text}") < MIN_FIGURE_COVERAGE:
            continue
        for figure in figures_in(sentence.text):
            if not comparable(cell.unit, figure.unit):
                continue
            own = _own_words(figure)
            named = has_column and names_column(corpus, cell, own)
            if named and not names_groups(corpus, cell, f"{figure.context}{own}"):
                continue  # "行政诉讼46件,其中结果维持25件": 维持 of all lawsuits, not of 复议后起诉 alone
            overlap = corpus.coverage(words, f"{figure.context}{own}" if named else own)
            rank = (named, overlap)
            if overlap < MIN_LABEL_OVERLAP or rank <= best[0]:
                continue
            if named or not has_column:
                if counts_measure(cell, figure, own):
                    best = (rank, Beside(figure, sentence, cell, True))
                continue
            total = row_total(cell, rows)
            if (total is not None and names_groups(corpus, total, f"{figure.context}{own}")
                    and counts_measure(total, figure, own)):
                best = (rank, Beside(figure, sentence, total, False))
    return best[1]


def beside_text(corpus: Corpus, asked: TableRow, beside: Beside, rows: list[TableRow],
                unit_name: str) -> tuple[str, list[Citation]]:
    """A sentence on the narrative figure beside the table, and what it cites besides the asked cell."""
    sentence, figure, cell = beside.sentence, beside.figure, beside.cell
    said = f"{source_name(sentence.heading)}写的是“{figure.clause}”"
    report = corpus.reports[sentence.report_id]
    citations = [section_citation(sentence.report_id, sentence.heading, sentence.text, report)]
    if not beside.names_cell:
        citations.insert(0, row_citation(sentence.report_id, cell))
        relation = _relation(figure, cell)
        return (f"{said},计的是“{cell.citation_label()}”这一栏(统计表为 {cell.value_text()}{relation}),"
                f"不单是“{asked.columns[-1]}”一栏。"), citations
    if cell.value is not None and agrees(figure, cell.value, cell.unit):
        return f"{source_name(sentence.heading)}也写明:“{figure.clause}”。", citations
    if cell.value is None:
        return f"但{said}:表格未填而正文给出了数字,请以原报告为准。", citations
    carried = _carried_over(corpus, cell, figure, sentence.text, rows)
    if carried is not None:
        citations.insert(0, row_citation(sentence.report_id, carried))
        total = number_text(cell.value + carried.value)
        return (f"{said},所计含“{carried.citation_label()}”:统计表 {number_text(cell.value)} + "
                f"{number_text(carried.value)} = {total} {cell.unit},两者所计不同,并不矛盾。"), citations
    body = _other_body(figure, unit_name)
    if body:
        return (f"{said},说的是{body}一处的数字,统计表是{unit_name or '本报告单位'}全部的数字,"
                f"两者所计范围不同。"), citations
    return f"但{said},与统计表不一致,请以原报告为准。", citations


def _own_words(figure: Figure) -> str:
    """The figure with the words before it, and after it when no other figure follows in the clause:
    of "答复805件(含上年度结转申请18件", 805 is about 答复 and 18 about 结转."""
    own = f"{figure.before}{figure.text}"
    last = figure.clause.endswith(f"{figure.text}{figure.after}".strip())
    return f"{own}{figure.after}" if last else own


def _relation(figure: Figure, cell: TableRow) -> str:
    if cell.value is None:
        return ""
    return ",与正文一致" if agrees(figure, cell.value, cell.unit) else ",与正文不一致"


def _carried_over(corpus: Corpus, cell: TableRow, figure: Figure, sentence: str,
                  rows: list[TableRow]) -> TableRow | None:
    """Another row of the same column that the sentence names and whose value, added to the cell's,
    gives the narrative figure: "共收到申请877件(含上年结转18件)" against 新收 859."""
    for row in rows:
        if (row is cell or row.table != cell.table or row.columns != cell.columns or row.value is None
                or row.path == cell.path):
            continue
        own = [w for w in _words(row.label) if w not in _words(cell.label)]
        if own and corpus.coverage(own, sentence) >= MIN_COLUMN_NAMED and agrees(figure, cell.value + row.value,
                                                                                   cell.unit):
            return row
    return None


def _other_body(figure: Figure, unit_name: str) -> str:
    """A body the clause names before the figure that is not the report's own unit."""
    for match in _BODY.finditer(figure.before):
        body = match.group()
        if body not in unit_name and not any(body[i:] in unit_name for i in range(len(body) - 1)):
            return body
    return ""
