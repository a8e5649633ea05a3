"""From retrieved chunks to the few sentences that answer: the postprocessor between retrieval and composition."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.claims import Figure, comparable, figures_in
from assistant.corpus import Corpus
from assistant.keywords import is_year, tokenize
from assistant.lookup import RowMatch
from assistant.query import Query
from assistant.retrieval import Hit
from index.chunking import signoff_text, split_sentences
from index.parse_narrative import INTRO_HEADING, SIGNOFF_HEADING
from index.report import Report

TOP_CHUNKS = 10
FIGURE_FIT_WEIGHT = 0.1
MAX_SUB_HEADING_CHARS = 24
_CONTENTS_ITEM = re.compile(r"(^|[::])\d+\.\S{2,40}[;;。]?$")  # "5.建议提案办理结果公开情况;": the introduction's list of sections
_SUB_HEADING = re.compile(r"^\(?[一二三四五六七八九十]+\)|^[一二三四五六七八九十]+是|^\d+[.、]")
_FULL_STOP = "。!?!?\n"
# A question about the report itself (where it is published, what it is based on, its period, whom to
# contact) is answered by the introduction, which also lists the sections' titles and so loses to them.
_ABOUT_REPORT = re.compile(r"(报告|年报).{0,6}(依据|根据|按照|在哪|哪里|哪儿|发布|公布|统计|时间|期限|期间|编制|查询|联系|网站)|"
                           r"(依据|根据|按照)(的是)?(哪|什么)|(联系|咨询|查询).{0,4}(方式|电话|地址|邮箱|单位)|"
                           r"电话|邮箱|地址|统计(数据)?(的)?(时间|期限|期间|范围)|"
                           r"report.{0,20}(published|based|period|contact)|where.{0,30}report|"
                           r"(contact|phone|e-?mail|address)", re.I)
ABOUT_REPORT_BONUS = 0.2
_WHERE = re.compile(r"哪里|哪儿|在哪|什么地方|哪个网站|什么网站|where", re.I)
_PLACE = re.compile(r"网站|网|地址|平台|栏|号")
PLACE_BONUS = 0.1
_LISTED_TITLES = re.compile(r"\d+\.[^;;。]{2,40}[;;]")
MAX_LISTED_TITLES = 2  # a sentence listing more section titles than this is the introduction's contents
# "明年有什么计划": the section whose heading names the next year or a plan, not a sentence that
# mentions 计划 in passing ("做到有计划、有安排").
# Only words that name no heading themselves: "下一步工作是什么?" is answered by "(三)下一步工作".
_FUTURE = re.compile(r"明年|下一年|下年度|来年|今后|接下来|打算|将来|next year|future", re.I)
_PLAN_HEADING = re.compile(r"计划|安排|下一步|打算|思路")
PLAN_HEADING_BONUS = 0.3


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


@dataclass
class Evidence:
    """What the composer answers from: looked-up table cells and ranked sentences."""

    rows: list[RowMatch] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)


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
    about_report = asks_about_report_itself(query.text)
    if about_report:
        section_hits += intro_hits(corpus, query.report_ids, section_hits)
    future = asks_future(query.text)
    where = bool(_WHERE.search(query.text))
    for hit in section_hits:
        chunk = hit.chunk
        report = corpus.reports.get(chunk.report_id)
        if report is None:
            continue
        all_sentences = section_sentences(report, chunk.position)
        for text in signoff_fields(chunk.body) if chunk.heading == SIGNOFF_HEADING else split_sentences(chunk.body):
            if chunk.heading == INTRO_HEADING and _CONTENTS_ITEM.search(text):
                continue
            # The whole sentence is what an answer quotes: "邮箱" and "地址" in two of its ";" parts both count.
            whole = sentence_around(report, chunk.heading, chunk.position, text)
            coverage = corpus.coverage(query.groups, f"{chunk.heading}\n{whole}")
            own = corpus.coverage(query.groups, text)
            brevity = min(1.0, 60 / max(len(text), 1))
            index = all_sentences.index(text) if text in all_sentences else 0
            fit = max((figure_fit(corpus, query, f) for f in figures_in(text)), default=0.0) if query.quantity else 0.0
            score = 0.6 * coverage + 0.25 * own + 0.05 * brevity + 0.1 * hit.dense + FIGURE_FIT_WEIGHT * fit
            if about_report and chunk.heading == INTRO_HEADING:
                score += ABOUT_REPORT_BONUS
            if future and names_plan(chunk.heading, report.year):
                score += PLAN_HEADING_BONUS
            if where and _PLACE.search(text):
                score += PLACE_BONUS
            sentences.append(Sentence(chunk.report_id, chunk.heading, chunk.position, index, text,
                                      coverage, hit.dense, score))
    return sorted(sentences, key=lambda s: -s.score)


def intro_hits(corpus: Corpus, report_ids: list[str], hits: list[Hit]) -> list[Hit]:
    """The introductions of the reports in scope that retrieval did not return: a question about the
    report itself ("在哪里发布的?") may share only a common word with them."""
    have = {h.chunk.chunk_id for h in hits}
    return [Hit(chunk) for rid in report_ids for chunk in corpus.chunks_of(rid)
            if chunk.heading == INTRO_HEADING and chunk.kind == "section" and chunk.chunk_id not in have]


def asks_about_report_itself(question: str) -> bool:
    return bool(_ABOUT_REPORT.search(question))


def asks_future(question: str) -> bool:
    return bool(_FUTURE.search(question))


def names_plan(heading: str, year: int | None) -> bool:
    """A heading about what comes next: it names a plan, or the year after the report's."""
    return bool(_PLAN_HEADING.search(heading)) or (year is not None and f"{year + 1}年" in heading)


def whole_sentence(corpus: Corpus, sentence: Sentence, text: str) -> str:
    """The full sentence `text` stands in, up to its full stop: split at ";" the index would quote
    "行政诉讼2起。" or "电子邮箱:345328898@qq.com)。", a fragment cut inside its parenthesis."""
    return sentence_around(corpus.reports[sentence.report_id], sentence.heading, sentence.position, text)


def sentence_around(report: Report, heading: str, position: int, text: str) -> str:
    """`text` widened to its full stops; the sign-off's fields and the introduction's list of section
    titles stay as they are."""
    if heading == SIGNOFF_HEADING:
        return text
    source = report.intro if position == -1 else (report.sections[position].text if position < len(report.sections)
                                                   else "")
    start = source.find(text)
    if start < 0:
        return text
    begin = max(source.rfind(ch, 0, start) for ch in _FULL_STOP) + 1
    ends = [i for i in (source.find(ch, start + len(text) - 1) for ch in _FULL_STOP) if i >= 0]
    end = min(ends) + 1 if ends else len(source)
    whole = source[begin:end].strip()
    return text if len(_LISTED_TITLES.findall(whole)) > MAX_LISTED_TITLES else whole


def source_name(heading: str) -> str:
    """How an answer names where a sentence stands: the sign-off is no part of the body (正文)."""
    return SIGNOFF_HEADING if heading == SIGNOFF_HEADING else f"正文“{heading}”"


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
