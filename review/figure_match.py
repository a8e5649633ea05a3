"""Which table row, or which figure in the narrative, a stated figure is about.

A row is matched when the figure's own clause says what the row's label (with its columns) counts;
words earlier in the sentence count for half. Among rows that pass, the one that also explains
most of the clause wins, and a near tie between rows with different values is no match at all:
a figure is never compared with a row it may not be about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import jieba

from assistant.claims import Figure, comparable, figures_in, kind
from assistant.keywords import GLOSSARY, STOP_WORDS, expand, is_year, tokenize
from index.chunking import split_sentences
from index.parse_narrative import INTRO_HEADING
from index.report import Report, TableRow

# Words that say little about what is counted: verbs of holding and taking part, the domain's own nouns.
# 案件 of the 2019 table's "案件数量": its columns (行政复议 / 总计) say what is counted.
GENERIC = frozenset("政府 信息 公开 工作 本年 年度 全年 累计 开展 通过 情况 政务 各类 "
                    "参加 举办 召开 组织 接受 设置 从事 发布 案件".split())
GENERIC_WEIGHT = 0.15
SECONDARY = 0.5  # credit for a word found only earlier in the sentence
MIN_LABEL_COVERAGE = 0.75
MIN_NARRATIVE_COVERAGE = 0.75
REVERSE_WEIGHT = 0.3
AMBIGUOUS_MARGIN = 0.05
_NOT_COUNTED = frozenset("其中 件数 次数 总次数 人数 人员数 总计 合计 数量 总数 数 总 个数".split())
_OR = frozenset(("或", "或者"))
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、])\s*")
_QUALIFIER = re.compile(r"\([^)]*\)|\uff08[^\uff09]*\uff09")  # "(不包括…)": what is left out, not what is counted
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_DIGITS = re.compile(r"[\d.]+")
# What a unit already says about what is counted: "接受培训96人次" names the 人员 of "接受培训人员数".
_UNIT_SAYS = {"persons": "人员", "person-times": "人员"}


@dataclass(frozen=True)
class Term:
    alternatives: tuple[str, ...]
    weight: float


@dataclass
class RowMatch:
    position: int
    row: TableRow
    score: float


@dataclass
class Placed:
    """A figure of the narrative with the sentence and section it stands in."""

    figure: Figure
    heading: str
    sentence: str
    position: int  # section index, -1 for the introduction


def terms(text: str, ignore: str = "") -> list[Term]:
    """What a text counts, as words to look for: compounds split into their parts (举报投诉 → 举报, 投诉),
    "A或B" as one either-word, generic words weighing little; words of `ignore` (the unit's name) left out."""
    text = _QUALIFIER.sub("", _NUMBERING.sub("", text.replace("其中:", "").replace("其中:", "")))
    out: list[Term] = []
    either = False
    for token in jieba.lcut(_DIGITS.sub(" ", text)):
        token = token.strip()
        if token in _OR:
            either = bool(out)
            continue
        if not _is_content(token) or (ignore and token in ignore):
            continue
        new = [Term((piece, *GLOSSARY.get(piece, ())), GENERIC_WEIGHT if piece in GENERIC else 1.0)
               for piece in _pieces(token)]
        if either and new:
            last = out.pop()
            new[0] = Term(last.alternatives + new[0].alternatives, max(last.weight, new[0].weight))
        either = False
        out += [t for t in new if t not in out]
    return out


def _is_content(token: str) -> bool:
    if not _CONTENT.search(token) or is_year(token) or token in _NOT_COUNTED or token in STOP_WORDS:
        return False
    return len(token) > 1 or token in GLOSSARY


def _pieces(token: str) -> list[str]:
    """The smallest dictionary words inside a compound, when they cover it."""
    if len(token) < 4:
        return [token]
    inner = [p for p in dict.fromkeys(jieba.lcut_for_search(token)) if p != token and len(p) >= 2]
    smallest = [p for p in inner if not any(q != p and q in p for q in inner)]
    return smallest if sum(len(p) for p in smallest) >= len(token) - 1 else [token]


def haystack(text: str) -> str:
    """The text with the report's own words for its colloquial ones ("起诉" → 行政诉讼)."""
    return text + " " + " ".join(expand(tokenize(text)))


def coverage(wanted: list[Term], primary: str, secondary: str = "") -> float:
    """Share of the wanted words' weight said by `primary`, half credit for `secondary`."""
    total = sum(t.weight for t in wanted)
    if not total:
        return 0.0
    primary, secondary = haystack(primary), haystack(secondary) if secondary else ""
    said = 0.0
    for term in wanted:
        if any(word in primary for word in term.alternatives):
            said += term.weight
        elif secondary and any(word in secondary for word in term.alternatives):
            said += SECONDARY * term.weight
    return said / total


def row_terms(row: TableRow) -> list[Term]:
    return terms(" ".join([row.label, *row.columns]))


def row_context(row: TableRow) -> str:
    return " ".join([*row.parents, row.label, *row.columns])


def match_row(figure: Figure, rows: list[TableRow], ignore: str = "") -> RowMatch | None:
    """The one indicator row the figure states, or None when no row or more than one might be meant."""
    asked = terms(figure.subject, ignore)
    candidates: list[RowMatch] = []
    for position, row in enumerate(rows):
        if (row.is_blank and not row.unit) or not comparable(figure.unit, row.unit):
            continue
        label = coverage(row_terms(row), f"{figure.subject} {_UNIT_SAYS.get(kind(figure.unit), '')}", figure.context)
        if label < MIN_LABEL_COVERAGE:
            continue
        score = label + REVERSE_WEIGHT * coverage(asked, row_context(row))
        candidates.append(RowMatch(position, row, score))
    if not candidates:
        return None
    candidates.sort(key=lambda m: (-m.score, m.position))
    best = candidates[0]
    rivals = [m for m in candidates[1:] if m.score >= best.score - AMBIGUOUS_MARGIN and m.row.value != best.row.value]
    return None if rivals else best


def head(figure: Figure, ignore: str = "") -> Term | None:
    """The word the figure counts: the noun right after it ("六项制度"), else the last one before it."""
    after = [t for t in terms(figure.after, ignore) if t.weight == 1.0]
    if after:
        return after[0]
    before = [t for t in terms(figure.before, ignore) if t.weight == 1.0]
    return before[-1] if before else None


def match_narrative(figure: Figure, placed: list[Placed], ignore: str = "") -> Placed | None:
    """The narrative figure about the same thing: the narrative (with its sentence) says what the claim
    counts, and the claim names the word the narrative figure counts."""
    asked = terms(figure.subject, ignore)
    claim_text = haystack(f"{figure.context} {figure.subject}")
    best: tuple[float, Placed | None] = (0.0, None)
    for candidate in placed:
        stated = candidate.figure
        if not comparable(figure.unit, stated.unit):
            continue
        noun = head(stated, ignore)
        if noun is not None and not any(word in claim_text for word in noun.alternatives):
            continue
        said = coverage(asked, stated.subject, stated.context)
        if said < MIN_NARRATIVE_COVERAGE:
            continue
        score = said + REVERSE_WEIGHT * coverage(terms(stated.subject, ignore), figure.subject, figure.context)
        if score > best[0]:
            best = (score, candidate)
    return best[1]


def narrative_figures(report: Report) -> list[Placed]:
    """Every figure the introduction and the sections state, with its line as context (a sentence
    may end at ";" while the line still says what is counted) and its sentence as the quote."""
    placed: list[Placed] = []
    parts = [(-1, INTRO_HEADING, report.intro)] + [(n, s.heading, s.text) for n, s in enumerate(report.sections)]
    for position, heading, text in parts:
        for line in text.splitlines():
            sentences = split_sentences(line)
            for figure in figures_in(line):
                sentence = next((s for s in sentences if figure.clause in s), figure.clause)
                placed.append(Placed(figure, heading, sentence, position))
    return placed
