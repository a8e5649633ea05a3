"""From retrieved chunks to the few sentences that answer: the postprocessor between retrieval and composition."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.claims import Figure, comparable, figures_in
from assistant.corpus import Corpus
from assistant.keywords import is_year, tokenize
from assistant.query import Query
from assistant.retrieval import Hit
from index.chunking import signoff_text, split_sentences
from index.parse_narrative import INTRO_HEADING, SIGNOFF_HEADING
from index.report import Report

TOP_CHUNKS = 10
FIGURE_FIT_WEIGHT = 0.1
MAX_SUB_HEADING_CHARS = 24
_CONTENTS_ITEM = re.compile(r"^\d+\.\S{2,40}[;;。]?$")  # "5.建议提案办理结果公开情况;": the introduction's list of sections
_SUB_HEADING = re.compile(r"^\(?[一二三四五六七八九十]+\)|^[一二三四五六七八九十]+是|^\d+[.、]")


@dataclass
class Sentence:
    report_id: str
    heading: str
    position: int  # section index, -1 for the introduction
    index: int  # sentence number within the section
    text: str
    coverage: float  # of the question by the sentence and its heading
    dense: float
    score: float


def section_sentences(report: Report, position: int) -> list[str]:
    if position == -1:
        return split_sentences(report.intro)
    if position < len(report.sections):
        return split_sentences(report.sections[position].text)
    return []


def rank_sentences(query: Query, corpus: Corpus, hits: list[Hit]) -> list[Sentence]:
    """Sentences of the best section chunks, scored by question coverage (with the heading),
    a little for being concise; dense similarity only breaks ties, as it barely tells an
    answerable question from an unanswerable one with this model."""
    sentences: list[Sentence] = []
    section_hits = [h for h in hits if h.chunk.kind == "section"][:TOP_CHUNKS]
    for hit in section_hits:
        chunk = hit.chunk
        report = corpus.reports.get(chunk.report_id)
        if report is None:
            continue
        all_sentences = section_sentences(report, chunk.position)
        for text in signoff_fields(chunk.body) if chunk.heading == SIGNOFF_HEADING else split_sentences(chunk.body):
            if chunk.heading == INTRO_HEADING and _CONTENTS_ITEM.match(text):
                continue
            coverage = corpus.coverage(query.groups, f"{chunk.heading}\n{text}")
            own = corpus.coverage(query.groups, text)
            brevity = min(1.0, 60 / max(len(text), 1))
            index = all_sentences.index(text) if text in all_sentences else 0
            fit = max((figure_fit(corpus, query, f) for f in figures_in(text)), default=0.0) if query.quantity else 0.0
            score = 0.6 * coverage + 0.25 * own + 0.05 * brevity + 0.1 * hit.dense + FIGURE_FIT_WEIGHT * fit
            sentences.append(Sentence(chunk.report_id, chunk.heading, chunk.position, index, text,
                                      coverage, hit.dense, score))
    return sorted(sentences, key=lambda s: -s.score)


def figure_fit(corpus: Corpus, query: Query, figure: Figure) -> float:
    """How well a figure answers a count question: its own words say what is asked, and little else
    ("2015年主动公开政府信息2949条" rather than "主动公开政府采购项目信息188条"), in the asked measure word."""
    if query.unit and not comparable(query.unit, figure.unit):
        return 0.0
    own = f"{figure.before}{figure.text}"
    said = [(t,) for t in tokenize(figure.before) if not is_year(t)]
    asked = " ".join([query.text, *(word for group in query.groups for word in group)])
    precision = corpus.coverage(said, asked) if said else 0.0
    return corpus.coverage(query.groups, own) * precision


def signoff_fields(body: str) -> list[str]:
    """"审核人:李银霞" on its own, so that "审核人是谁?" is answered by that field, not the whole sign-off."""
    return [field for field in re.findall(r"[^;]+;?", body) if field.strip(";")]


def is_sub_heading(text: str) -> bool:
    """"(二)整改措施:" or "(三)下一步工作": a line that introduces the lines under it."""
    text = text.rstrip()
    return text.endswith((":", ":")) or (bool(_SUB_HEADING.match(text)) and len(text) <= MAX_SUB_HEADING_CHARS
                                          and not text.endswith(("。", ";", ";")))


def continuation(corpus: Corpus, sentence: Sentence, limit: int = 3) -> list[str]:
    """A sub-heading is answered by the lines under it, up to the next sub-heading."""
    if not is_sub_heading(sentence.text):
        return []
    report = corpus.reports[sentence.report_id]
    following = section_sentences(report, sentence.position)[sentence.index + 1:]
    out: list[str] = []
    for text in following:
        if _SUB_HEADING.match(text) and is_sub_heading(text):
            break
        out.append(text)
        if len(out) >= limit:
            break
    return out


_LIST_ITEM = re.compile(r"^([二三四五六七八九十])是")
_NUMERALS = "一二三四五六七八九十"
MAX_EARLIER_ITEMS = 5


def earlier_items(corpus: Corpus, sentence: Sentence) -> list[str]:
    """"二是…" answers only with the items before it: the sentences back to the one holding "一是"
    ("主要表现在:一是…;二是…" asked as "存在哪些主要问题")."""
    marker = _LIST_ITEM.match(sentence.text)
    if not marker:
        return []
    earlier = section_sentences(corpus.reports[sentence.report_id], sentence.position)[:sentence.index]
    wanted = min(_NUMERALS.index(marker.group(1)), MAX_EARLIER_ITEMS)
    items = earlier[-wanted:] if wanted else []
    return items if items and "一是" in items[0] else []


def exact_quote(corpus: Corpus, report_id: str, position: int, texts: list[str]) -> str:
    """The report's own text from the first sentence to the last, line breaks included."""
    report = corpus.reports[report_id]
    source = report.intro if position == -1 else (
        report.sections[position].text if position < len(report.sections) else signoff_text(report))
    start = source.find(texts[0])
    end = source.find(texts[-1], max(start, 0))
    if start < 0 or end < 0:
        return texts[0]
    return source[start:end + len(texts[-1])]


def is_intro(sentence: Sentence) -> bool:
    return sentence.heading == INTRO_HEADING
