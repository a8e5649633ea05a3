"""LLM answers that are never less true than the extractive ones.

The extractive composer decides first: its refusals and comparisons stand without a model call, and its
citations (plus a few more relevant sentences) become the numbered sources the model must cite. A reply
is kept only if every cited number was given, every figure in it appears in a cited source, and an
indicator answer still states the looked-up values; otherwise, and when the model is slow or fails, the
extractive answer is returned and the reason logged. No unchecked text is shown: there is no `stream`
here, so the service streams the finished, checked answer in pieces.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from assistant.answer import Answer, Citation, section_citation
from assistant.compose import Evidence, ExtractiveComposer, is_relevant
from assistant.corpus import Corpus
from assistant.llm import answer_prompt, as_data, strip_reasoning
from assistant.query import Query
from index.numbers import CHINESE_NUMERAL, parse_number

logger = logging.getLogger(__name__)

MAX_EXTRA_SOURCES = 2
_MARKER = re.compile(r"[\[【]\s*(\d+(?:\s*[,,、]\s*\d+)*)\s*[\]】]")
_ARABIC = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万|亿)?")
# Chinese numerals count only before a measure word: "两起" is a figure, "统一" and "一是" are not.
_CHINESE = re.compile(rf"([零〇一二两三四五六七八九十][{CHINESE_NUMERAL}]*)\s*余?\s*(?=人次|万元|[条件次起个人篇元项家期场所名位天年月日份种户批])")
_SCALE = {"万": 10_000, "亿": 100_000_000}


@dataclass
class Source:
    citation: Citation
    text: str  # what the model sees: where the quote is from, then the quote


def figures(text: str) -> set[float]:
    """Every number stated in the text, as a value: "2 件", "两件", "1.2万" and "12000" compare as equal."""
    found = set()
    for whole, decimals, scale in _ARABIC.findall(text):
        found.add(round(float(whole.replace(",", "") + decimals) * _SCALE.get(scale, 1), 6))
    for numeral in _CHINESE.findall(text):
        value = parse_number(numeral)
        if value is not None:
            found.add(round(value, 6))
    return found


def cited(text: str) -> list[int]:
    """Source numbers in the order they are first cited: "[2][1]" and "【2,1】" give [2, 1]."""
    numbers: list[int] = []
    for group in _MARKER.findall(text):
        for number in re.split(r"\s*[,,、]\s*", group):
            if int(number) not in numbers:
                numbers.append(int(number))
    return numbers


def problem(reply: str, sources: list[Source]) -> str:
    """Why the reply cannot be shown, or "" when every claim in it is backed by a cited source."""
    if not reply:
        return "empty reply"
    numbers = cited(reply)
    if not numbers:
        return "no source cited"
    unknown = [n for n in numbers if not 1 <= n <= len(sources)]
    if unknown:
        return f"cites source {unknown[0]}, but only {len(sources)} were given"
    allowed = set().union(*(figures(sources[n - 1].text) for n in numbers))
    stated = figures(_MARKER.sub(" ", reply))
    stray = sorted(stated - allowed)
    if stray:
        return f"states {stray[0]:g}, which is in no cited source"
    for number, source in enumerate(sources, start=1):
        row = source.citation.row
        if row is None:
            continue
        if number not in numbers:
            return f"does not cite the looked-up row “{row.citation_label()}”"
        kept = "未填报" in reply if row.is_blank else figures(row.value_text()) <= stated
        if not kept:
            return f"does not keep the looked-up value {row.value_text()} of “{row.citation_label()}”"
    return ""


def cited_answer(reply: str, sources: list[Source], question: str) -> Answer:
    """The reply with exactly the sources it cites, renumbered in order of first citation."""
    order = cited(reply)
    renumber = {old: new for new, old in enumerate(order, start=1)}
    text = _MARKER.sub(lambda m: "".join(f"[{renumber[n]}]" for n in cited(m.group(0))), reply)
    return Answer(text=text, found=True, citations=[sources[n - 1].citation for n in order], question=question)


def render(sources: list[Source]) -> str:
    return "\n".join(f'<source id="{n}">\n{as_data(s.text)}\n</source>' for n, s in enumerate(sources, start=1))


class LLMComposer:
    def __init__(self, corpus: Corpus, model: BaseChatModel, fallback: ExtractiveComposer | None = None):
        self.corpus = corpus
        self.fallback = fallback or ExtractiveComposer(corpus)
        self.chain = answer_prompt() | model | StrOutputParser()

    def compose(self, query: Query, evidence: Evidence) -> Answer:
        extractive = self.fallback.compose(query, evidence)
        if not extractive.found or not extractive.citations or query.compare:
            return extractive  # a ranking ("哪个单位最多") is a claim the checks below cannot verify
        sources = self.sources(extractive, evidence)
        try:
            reply = self.chain.invoke({"question": query.text, "count": len(sources), "sources": render(sources)})
        except Exception as error:  # timeout, refused connection, HTTP error, malformed reply: all mean "no LLM now"
            logger.warning("LLM answer not used (%s: %s); answering extractively", type(error).__name__, error)
            return extractive
        reply = strip_reasoning(reply)
        reason = problem(reply, sources)
        if reason:
            logger.warning("LLM answer not used (%s); answering extractively. Reply was: %r", reason, reply)
            return extractive
        return cited_answer(reply, sources, query.text)

    def sources(self, extractive: Answer, evidence: Evidence) -> list[Source]:
        """The extractive answer's citations first (so an indicator answer's rows are there), then a
        few more relevant sentences the extractive answer left out."""
        citations = list(extractive.citations)
        quoted = [c.quote for c in citations]
        for sentence in (s for s in evidence.sentences if is_relevant(s)):
            if len(citations) - len(extractive.citations) >= MAX_EXTRA_SOURCES:
                break
            if not any(sentence.text in quote for quote in quoted):
                citations.append(section_citation(sentence.report_id, sentence.heading, sentence.text,
                                                  self.corpus.reports[sentence.report_id]))
                quoted.append(sentence.text)
        return [Source(c, self._describe(c)) for c in citations]

    def _describe(self, citation: Citation) -> str:
        name = self.corpus.report_name(citation.report)
        where = "统计表" if citation.kind == "table_row" else f"正文“{citation.label}”"
        return f"{name}报告{where}:{citation.quote}"
