"""From retrieved chunks to the few sentences that answer: the postprocessor between retrieval and composition."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.claims import Figure, answers_measure, figures_in
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
_ITEM = re.compile(r"^\s*([一二三四五六七八九十])是")
_NUMERALS = "一二三四五六七八九十"
# A list announced before its first item: after a colon ("主要做到“三个更加”:一是") or a sub-heading run into
# the text ("(二)改进措施一是").
_OPENS_LIST = re.compile(r"(?:[::]|^\s*\([一二三四五六七八九十]+\)[^。;;]*?)\s*一是")
_STATED_COUNT = re.compile(r"([两二三四五六七八九十])(?:个|项|方面|点|条)")
MAX_ITEMS = len(_NUMERALS)
MAX_ITEM_GAP = 4  # body sentences between one item's topic and the next item
MAX_LIST_CHARS = 400
MAX_TOPIC_CHARS = 30
_SUB_HEADING = re.compile(r"^\(?[一二三四五六七八九十]+\)|^[一二三四五六七八九十]+是|^\d+[.、]")
_FULL_STOP = "。!?!?\n"
# A question about the report itself (where it is published, what it is based on, its period, whom to
# contact) is answered by the introduction, which also lists the sections' titles and so loses to them.
_ABOUT_REPORT = re.compile(r"(报告|年报).{0,6}(依据|根据|按照|在哪(?![些个种样类项方])|哪里|哪儿|发布|公布|统计|时间|期限|期间|编制|查询|联系|网站)|"
                           r"(依据|根据|按照)(的是)?(哪|什么)|(联系|咨询|查询).{0,4}(方式|电话|地址|邮箱|单位)|"
                           r"电话|邮箱|地址|统计(数据)?(的)?(时间|期限|期间|范围)|"
                           r"report.{0,20}(published|based|period|contact)|where.{0,30}report|"
                           r"(contact|phone|e-?mail|address)", re.I)
ABOUT_REPORT_BONUS = 0.2
_WHERE = re.compile(r"哪里|哪儿|在哪(?![些个种样类项方])|什么地方|哪个网站|什么网站|where", re.I)
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
MAX_PLAN_REPORTS = 10  # reports in scope whose plan sections a plan question reads beyond what retrieval returned
# A sub-heading over what comes next ("(二)改进措施", "(三)下一步工作"), and a sentence of any section that
# says what comes next itself ("下一步,我市将…").
_FORWARD = re.compile(r"计划|安排|下一步|打算|思路|改进|整改|措施")
_RUN_IN_HEADING = re.compile(r"^\s*\([一二三四五六七八九十]+\)")
_AHEAD = re.compile(r"下一步|明年|今后|来年|下一年|下阶段|新的一年")
# "这份报告在哪里公布的?": a sentence that names the report and where it is put, quoted by its clauses that
# say where ("报告通过…政府门户网站向社会公布", not the contact details the sentence goes on to).
_CONTACT = re.compile(r"联系|电话|邮箱|地址|办公|contact|phone|e-?mail|address", re.I)
_REPORT_ITSELF = re.compile(r"报告|年报")
_VENUE = re.compile(r"网站|网址|门户|平台|公报|信息网|www\.|https?://")
_CLAUSE_END = ",,;;"
_OPEN, _CLOSE = "((“《[", "))”》]"


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
    about_report = asks_about_report_itself(query.text) or query.contact is not None
    if about_report:
        section_hits += intro_hits(corpus, query.report_ids, section_hits)
    future = asks_future(query.text)
    if future:
        section_hits += plan_hits(corpus, query.report_ids, section_hits)
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


def plan_hits(corpus: Corpus, report_ids: list[str], hits: list[Hit]) -> list[Hit]:
    """The sections about what comes next ("十三、2019年…计划和安排", "六、主要问题和改进措施") of the few reports
    in scope that retrieval did not return: "明年有什么打算?" shares no word with "(二)改进措施一是…"."""
    if len(report_ids) > MAX_PLAN_REPORTS:
        return []
    have = {h.chunk.chunk_id for h in hits}
    return [Hit(chunk) for rid in report_ids for chunk in corpus.chunks_of(rid)
            if chunk.kind == "section" and _FORWARD.search(chunk.heading) and chunk.chunk_id not in have]


def asks_about_report_itself(question: str) -> bool:
    return bool(_ABOUT_REPORT.search(question))


def asks_future(question: str) -> bool:
    return bool(_FUTURE.search(question))


def asks_where_published(question: str) -> bool:
    """Where the report itself is published or can be read, not where to write or call."""
    return asks_about_report_itself(question) and bool(_WHERE.search(question)) and not _CONTACT.search(question)


def venue_quote(text: str) -> str:
    """The part of a sentence about the report that says where it is published: its clauses (outside
    brackets) from the first to the last naming a website or platform; the whole sentence when all do;
    '' when none does or the sentence is not about the report."""
    if not _REPORT_ITSELF.search(text):
        return ""
    clauses = _clauses(text)
    naming = [i for i, (start, end) in enumerate(clauses) if _VENUE.search(text[start:end])]
    if not naming:
        return ""
    start, end = clauses[naming[0]][0], clauses[naming[-1]][1]
    return text if (start, end) == (clauses[0][0], clauses[-1][1]) else text[start:end].strip()


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause, cut at commas and semicolons outside brackets and quotation marks; the
    last one keeps the full stop."""
    cuts, depth, start = [], 0, 0
    for at, ch in enumerate(text):
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if ch in _CLAUSE_END and depth <= 0:
            cuts.append((start, at))
            start = at + 1
    return cuts + [(start, len(text))]


def looks_ahead(corpus: Corpus, sentence: Sentence) -> bool:
    """A sentence that answers "明年有什么计划?": in a section or under a sub-heading about what comes next
    ("十三、2019年…计划", "(二)改进措施"), or itself saying so ("下一步,我市将…", "2022年,我区将…" in a
    report of 2021)."""
    year = corpus.reports[sentence.report_id].year
    return (names_plan(sentence.heading, year) or bool(_FORWARD.search(sub_heading(corpus, sentence)))
            or bool(_AHEAD.search(sentence.text)) or (year is not None and f"{year + 1}年" in sentence.text))


def sub_heading(corpus: Corpus, sentence: Sentence) -> str:
    """The sub-heading a sentence stands under within its section ("(二)改进措施", also when run into its
    first item: "(二)改进措施一是…"); '' when none comes before it."""
    texts = section_sentences(corpus.reports[sentence.report_id], sentence.position)
    index = _index_in(texts, sentence)
    for text in reversed(texts[:index + 1] if index is not None else []):
        if _RUN_IN_HEADING.match(text) or (is_sub_heading(text) and not _ITEM.match(text)):
            return re.split(r"一是|[::。]", text, maxsplit=1)[0]
    return ""


def topic_groups(query: Query) -> list[tuple[str, ...]]:
    """What a plan question asks about besides the plan ("明年在政策解读方面有什么打算?" → 政策解读)."""
    return [g for g in query.groups if not any(_PLAN_HEADING.search(w) or _FUTURE.search(w) for w in g)]


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
    if not answers_measure(query.unit, figure.unit):
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
    """A sub-heading, or an item's topic sentence ("二是公开的时间更加及时。"), is answered by the lines under
    it, up to the next sub-heading or item."""
    item = is_item_topic(sentence.text)
    if not (item or is_sub_heading(sentence.text)):
        return []
    out: list[str] = []
    for text in sentences_after(corpus, sentence):
        if _SUB_HEADING.match(text) and (item or is_sub_heading(text)):
            break
        out.append(text)
        if len(out) >= limit:
            break
    return out


def is_item_topic(text: str) -> bool:
    """"二是公开的时间更加及时。": an item that only names its topic; the sentences after it say how."""
    text = text.strip()
    return bool(_ITEM.match(text)) and text.endswith("。") and len(text) <= MAX_TOPIC_CHARS


def sentences_after(corpus: Corpus, sentence: Sentence) -> list[str]:
    """What follows a sentence in its section: the lines an item, a sub-heading or a list opener brings."""
    texts = section_sentences(corpus.reports[sentence.report_id], sentence.position)
    index = _index_in(texts, sentence)
    return [] if index is None else texts[index + 1:]


def _index_in(texts: list[str], sentence: Sentence) -> int | None:
    """Where `sentence` stands among its section's sentences, found by its text: its index may be of a
    chunk's split."""
    if sentence.index < len(texts) and texts[sentence.index] == sentence.text:
        return sentence.index
    return texts.index(sentence.text) if sentence.text in texts else None


def list_items(corpus: Corpus, sentence: Sentence) -> list[str]:
    """A sentence that announces a list ("我们主要做到“三个更加”:一是…") is answered by all its items: their
    topic sentences ("二是…", "三是…") up to the number it states, with the bodies between them while the whole
    list stays short enough to quote as one run."""
    opener = _OPENS_LIST.search(sentence.text)
    if not opener:
        return []
    stated = _STATED_COUNT.search(sentence.text[:opener.end()])
    count = _NUMERALS.index(stated.group(1).replace("两", "二")) + 1 if stated else MAX_ITEMS
    following = sentences_after(corpus, sentence)
    found: list[int] = []
    for number in _NUMERALS[1:count]:
        start = found[-1] + 1 if found else 0
        at = _next_item(following[start:start + MAX_ITEM_GAP + 1], number)
        if at is None:
            break
        found.append(start + at)
    if not found:
        return []
    whole = following[:found[-1] + 1]
    return whole if len(sentence.text) + sum(map(len, whole)) <= MAX_LIST_CHARS else [following[j] for j in found]


def _next_item(texts: list[str], number: str) -> int | None:
    """Where item `number` ("三是…") starts among the sentences after the previous item; None when another
    sub-heading comes first."""
    for at, text in enumerate(texts):
        marker = _ITEM.match(text)
        if marker:
            return at if marker.group(1) == number else None
        if _SUB_HEADING.match(text.strip()):
            return None
    return None


MAX_EARLIER_ITEMS = 5


def earlier_items(corpus: Corpus, sentence: Sentence) -> list[str]:
    """"二是…" answers only with the items before it: the sentences back to the one holding "一是"
    ("主要表现在:一是…;二是…" asked as "存在哪些主要问题")."""
    marker = _ITEM.match(sentence.text)
    if not marker or marker.group(1) == _NUMERALS[0]:
        return []
    earlier = section_sentences(corpus.reports[sentence.report_id], sentence.position)[:sentence.index]
    wanted = min(_NUMERALS.index(marker.group(1)), MAX_EARLIER_ITEMS)
    items = earlier[-wanted:] if wanted else []
    return items if items and "一是" in items[0] else []


def quoted_runs(corpus: Corpus, report_id: str, position: int, texts: list[str]) -> list[str]:
    """The report's own text of each run of adjacent sentences among `texts`, line breaks included. Sentences
    apart are quoted apart, so a quote holds what answers, not all the introduction between two sentences."""
    report = corpus.reports[report_id]
    source = report.intro if position == -1 else (
        report.sections[position].text if position < len(report.sections) else signoff_text(report))
    spans = sorted((start, start + len(text)) for text in texts if (start := source.find(text)) >= 0)
    runs: list[list[int]] = []
    for start, end in spans:
        if runs and (start <= runs[-1][1] or not source[runs[-1][1]:start].strip()):
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    missing = [text for text in texts if text not in source]
    return [source[start:end] for start, end in runs] + missing


def is_intro(sentence: Sentence) -> bool:
    return sentence.heading == INTRO_HEADING
