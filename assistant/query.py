"""A question made ready for retrieval: follow-ups rewritten, intent and report scope worked out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.corpus import Corpus
from assistant.keywords import concepts, is_year, query_terms, tokenize
from index.report import Report

_QUANTITY = re.compile(r"多少|几[个次件条篇名人项起家期场天位]?|数量|数目|总数|总计|合计|how many|how much|number of|count", re.I)
_EXISTENCE = re.compile(r"有没有|是否|是不是|有人|有.{0,12}吗|any\b|were there|was there|did .* (have|receive)", re.I)
_FOLLOW_UP_LEAD = re.compile(r"^(那么?|那个|还有|另外|然后|再问一下|and|what about|how about)\s*", re.I)
_FOLLOW_UP_TAIL = re.compile(r"(呢|怎么样|如何|情况呢)\s*[??]?\s*$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
MAX_FOLLOW_UP_CHARS = 20


@dataclass
class Query:
    text: str  # the question as answered
    terms: list[str]  # keyword-search tokens
    groups: list[tuple[str, ...]]  # what is asked about, as alternatives to find in a text
    report_ids: list[str] = field(default_factory=list)
    quantity: bool = False
    existence: bool = False
    missing_scope: str = ""  # e.g. "2025年" when the question names a year no indexed report has


def is_follow_up(question: str) -> bool:
    q = question.strip()
    return len(q) <= MAX_FOLLOW_UP_CHARS and bool(_FOLLOW_UP_LEAD.search(q) or _FOLLOW_UP_TAIL.search(q))


def rewrite_follow_up(question: str, history: list[tuple[str, str]], corpus: Corpus) -> str:
    """"那行政诉讼呢?" after "2018年行政复议有几件?" → "行政诉讼 2018年有几件?":
    the new question's subject replaces the old one's, the old intent and scope stay."""
    if not history or not is_follow_up(question):
        return question
    previous = history[-1][0]
    new_part = _FOLLOW_UP_TAIL.sub("", _FOLLOW_UP_LEAD.sub("", question.strip())).strip(" ??")
    new_terms = query_terms(new_part, corpus.scope_words())
    new_years = _YEAR.findall(new_part)
    kept = previous
    if new_terms:
        for term in sorted(set(query_terms(previous, corpus.scope_words())), key=len, reverse=True):
            if len(term) > 1:
                kept = kept.replace(term, "")
    if new_years:
        kept = _YEAR.sub("", kept)
    return f"{new_part} {kept}".strip()


def resolve_scope(question: str, corpus: Corpus, report_id: str | None) -> tuple[list[str], str]:
    """Reports the question is about: the one asked for, else those whose year and unit it names."""
    if report_id:
        return [report_id], ""
    reports: list[Report] = list(corpus.reports.values())
    years = {int(y) for y in _YEAR.findall(question)}
    if years:
        dated = [r for r in reports if r.year in years]
        if not dated and reports:
            return [], "、".join(f"{y}年" for y in sorted(years))
        reports = dated
    named = [r for r in reports if _names_unit(question, r)]
    return [r.report_id for r in (named or reports)], ""


def _names_unit(question: str, report: Report) -> bool:
    distinctive = [t for t in tokenize(report.unit) if len(t) >= 2 and t not in ("街道", "办事处", "人民政府", "政府")]
    return any(t in question for t in distinctive)


def prepare(question: str, history: list[tuple[str, str]], corpus: Corpus, report_id: str | None) -> Query:
    text = rewrite_follow_up(question, history, corpus)
    report_ids, missing = resolve_scope(text, corpus, report_id)
    terms = [t for t in query_terms(text, corpus.scope_words()) if not is_year(t)]
    groups = concepts(text, corpus.is_scope, corpus.known)
    return Query(text=text, terms=terms, groups=groups, report_ids=report_ids, quantity=bool(_QUANTITY.search(text)),
                 existence=bool(_EXISTENCE.search(text)), missing_scope=missing)
