"""A question made ready for retrieval: follow-ups rewritten, intent and report scope worked out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import jieba

from assistant.contact import ContactKind, contact_asked
from assistant.corpus import Corpus
from assistant.keywords import GLOSSARY, STOP_WORDS, concepts, is_year, query_terms
from assistant.parts import split_parts, split_sum
from index.report_store import ReportEntry

_QUANTITY = re.compile(r"多少|几[个次件条篇名人项起家期场天位]?|数量|数目|总数|总计|合计|how many|how much|number of|count", re.I)
_EXISTENCE = re.compile(r"有没有|是否|是不是|有人|有.{0,12}吗|\bany(one|body|thing)?\b|were there|was there|"
                        r"did .* (have|receive)", re.I)
_FOLLOW_UP_LEAD = re.compile(r"^(那么?|那个|还有|另外|然后|再问一下|and|what about|how about)\s*", re.I)
_FOLLOW_UP_TAIL = re.compile(r"(呢|怎么样|如何|情况呢)\s*[??]?\s*$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*年度?|(?!\d))")  # "2018年", or "2018" in an English question
# The measure word a count question asks in ("几次" → 次): of otherwise equal rows, the one counted in it.
_UNIT_ASKED = re.compile(r"(?:几|多少)\s*(?:个\s*(?=人))?(人次|万元|元|钱|次|件|起|条|篇|名|位|人|个|项|场|家)")
_MONEY = {"钱": "元"}  # "花了多少钱" asks an amount of money
# An amount of money asked without a measure word ("收了多少费用", "收费金额是多少", "How much was charged in
# fees?"): it is asked in 元, so that no count (申请人逾期未缴纳费用的申请, 6 件) answers it.
_AMOUNT_ASKED = re.compile(r"金额|多少[\u4e00-\u9fff]{0,4}?(?:费|经费|资金|支出|开支)|(?:费|经费|资金|支出|开支)(?:用)?"
                           r"(?:是|为|有|共|一共|总共|合计)?多少|how much\b.*\b(?:fees?|charg\w*|costs?|spen[dt]|money|"
                           r"paid|budget|funding)\b|\b(?:fees?|costs?|money|budget|funding)\b.*\bhow much\b", re.I)
_COMPARE = re.compile(r"对比|比较|相比|相较|排名|排行|最多|最少|最高|最低|哪个单位|哪个部门|哪家|哪一年|哪年|变化|增减|"
                      r"更多|更少|多了|少了|增加了|减少了|相差|差多少|差距|谁(?=[^。?!]*?[更多少高低大小])|历年|近几年|近年|这几年|逐年|每年|各年|趋势|"
                      r"哪(?:个|一个|些)(?:街道|单位|部门|区|县|镇|乡|市|局|机关|政府)")
# A unit named in a question ("青岚区", "西翥街道办事处"): when no indexed report has it, the question is
# about a report that is not there, not about words to look for.
_UNIT_NAME = re.compile(r"(?P<place>[\u4e00-\u9fff]{2,12})(?P<kind>街道办事处|街道办|街道|人民政府|镇|乡|区|县|局)")
_JOINED = re.compile(r"[和与及跟、]")
_QUESTION_WORDS = re.compile(r"哪|什么|几|多少|各|每|本|该|这|那|全")
MIN_PLACE_CHARS = 2
# Words of a question that say how it counts or acts ("发了多少条"): a follow-up that names a new
# subject ("那网站呢?") keeps them and replaces the rest.
_MEASURE_VERBS = frozenset(k for k, v in GLOSSARY.items() if len(k) == 1 and not k.isascii()) | frozenset(
    ("发布", "公布", "公开", "主动公开", "收到", "受理", "新收", "办理", "召开", "举办", "接受", "答复"))
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+);")
MAX_FOLLOW_UP_CHARS = 20
MAX_REPORTS_PER_ANSWER = 5  # more reports in scope than this, and a question that names none asks which is meant


@dataclass
class Query:
    text: str  # the question as answered
    terms: list[str]  # keyword-search tokens
    groups: list[tuple[str, ...]]  # what is asked about, as alternatives to find in a text
    report_ids: list[str] = field(default_factory=list)
    quantity: bool = False
    existence: bool = False
    compare: bool = False  # a comparison across the reports in scope
    missing_scope: str = ""  # e.g. "2025年" when the question names a year no indexed report has
    unit: str = ""  # measure word of a count question ("次" for "开了几次"), 元 for an amount, "" when it names none
    candidates: list[str] = field(default_factory=list)  # reports the question may mean, when it must ask
    contact: ContactKind | None = None  # the contact detail asked for ("联系电话是多少?"): a value, not a count
    parts: list["Query"] = field(default_factory=list)  # the parts of a question that asks several things
    # The measures a question adds up ("复议和诉讼一共多少件"), each read per report from the tables like a
    # comparison's figure (so `compare` is set too), and summed in each report only where all are filled.
    addends: list["Query"] = field(default_factory=list)


def without_markup(question: str) -> str:
    """A question pasted from a web page ("<p>行政诉讼有几起?</p>"): its tags and entities are no words of it."""
    return re.sub(r"\s+", " ", _ENTITY.sub(" ", _TAG.sub(" ", question))).strip()


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
            if len(term) > 1 and not _measures(term):
                kept = kept.replace(term, "", 1) if term in kept else kept
    if new_years:
        kept = _YEAR.sub("", kept)
    return f"{new_part} {kept}".strip()


def _measures(term: str) -> bool:
    """"发了", "公开", "召开": how the previous question counted, which a follow-up keeps."""
    return term in _MEASURE_VERBS or term[0] in _MEASURE_VERBS or any(term in v for v in _MEASURE_VERBS)


def resolve_scope(question: str, corpus: Corpus, report_id: str | None) -> tuple[list[str], str]:
    """Reports the question is about: the one asked for, else those whose year and unit it names;
    ([], what was named) when no indexed report has that year or unit."""
    if report_id:
        return [report_id], ""
    reports: list[ReportEntry] = sorted(corpus.catalogue.values(), key=lambda r: (r.year or 0, r.report_id))
    years = scope_years(question, corpus)
    year_text = "、".join(f"{y}年" for y in years)
    if years:
        reports = [r for r in reports if r.year in years]
        if not reports and corpus.catalogue:
            return [], year_text
    unknown = unindexed_unit(question, corpus)
    if unknown:
        return [], unknown + year_text
    units = corpus.named_units(question)
    if units:
        named = [r for r in reports if r.unit in units]
        if not named:
            return [], "、".join(sorted(units)) + year_text
        reports = named
    return [r.report_id for r in reports], ""


def unindexed_unit(question: str, corpus: Corpus) -> str:
    """A unit the question names that no indexed report is from and no report mentions ("青岚区" after its
    report was deleted), or ""."""
    for match in _UNIT_NAME.finditer(_YEAR.sub(" ", question)):
        place = _place_name(match.group("place"))
        name = place + match.group("kind")
        if (len(place) < MIN_PLACE_CHARS or _QUESTION_WORDS.search(place) or corpus.known(place)
                or corpus.is_scope(name) or corpus.is_scope(place) or _joins_units(match.group(0), corpus)):
            continue
        return name
    return ""


def _joins_units(text: str, corpus: Corpus) -> bool:
    """"西翥街道和平潭综合实验区" is two indexed units joined by 和, not one unit named 和平…区: every piece
    between the joining words names an indexed unit ("和平区" alone still names a unit of its own)."""
    pieces = _JOINED.split(text)
    return len(pieces) > 1 and all(corpus.named_units(piece) for piece in pieces)


def _place_name(text: str) -> str:
    """The place a unit's name starts with, without the question's words before it ("请问东湖" → 东湖,
    "有人告过" → "")."""
    tokens = jieba.lcut(text)
    while tokens and (tokens[0] in STOP_WORDS or tokens[0] in GLOSSARY or len(tokens[0]) == 1):
        tokens.pop(0)
    return "".join(tokens)


def scope_years(question: str, corpus: Corpus) -> list[int]:
    """Years that name a report. A year no report has but the reports' text mentions ("2019年工作计划"
    in a 2018 report) is what is asked about, not the report; one neither has names a missing report."""
    years = sorted({int(y) for y in _YEAR.findall(question)})
    indexed = {r.year for r in corpus.catalogue.values()}
    return [y for y in years if y in indexed or not corpus.known(f"{y}年")]


def is_comparison(question: str, report_ids: list[str]) -> bool:
    return len(report_ids) > 1 and bool(_COMPARE.search(question))


def prepare(question: str, history: list[tuple[str, str]], corpus: Corpus, report_id: str | None) -> Query:
    text = rewrite_follow_up(without_markup(question), history, corpus)
    report_ids, missing = resolve_scope(text, corpus, report_id)
    query = analyse(text, report_ids, missing, corpus)
    addends = _addends(text, query, corpus)
    if addends:
        query.addends, query.compare, query.quantity = addends, True, True
        return query
    pieces = follow_on(split_parts(text), corpus)
    if len(pieces) > 1 and not missing and not query.compare:
        query.parts = [analyse(piece, *_part_scope(piece, report_ids, corpus, report_id), corpus) for piece in pieces]
    return query


def follow_on(pieces: list[str], corpus: Corpus) -> list[str]:
    """"专职人员几个?兼职呢?": a part that only names a new subject is read against the part before it, as a
    follow-up turn is read against the previous question ("兼职 几个"), so it keeps what is counted."""
    return pieces[:1] + [rewrite_follow_up(piece, [(previous, "")], corpus)
                         for previous, piece in zip(pieces, pieces[1:])]


def _addends(text: str, query: Query, corpus: Corpus) -> list[Query]:
    """The measures a question adds up, scoped as the whole question; none when an item after the first names
    a unit or year of its own ("西翥街道和平潭一共…" adds two reports' figures, which are never added)."""
    pieces = split_sum(text)
    if len(pieces) < 2 or query.missing_scope or not query.report_ids:
        return []
    if any(scope_years(p, corpus) or corpus.named_units(p) or unindexed_unit(p, corpus) for p in pieces[1:]):
        return []
    addends = [analyse(piece, query.report_ids, "", corpus) for piece in pieces]
    if not all(a.groups for a in addends):
        return []
    for addend in addends:
        addend.compare, addend.quantity = True, True
    return addends


def _part_scope(piece: str, report_ids: list[str], corpus: Corpus, report_id: str | None) -> tuple[list[str], str]:
    """A part that names its own year or unit is scoped by it; the others by the whole question."""
    if report_id or not (scope_years(piece, corpus) or corpus.named_units(piece)):
        return report_ids, ""
    return resolve_scope(piece, corpus, None)


def analyse(text: str, report_ids: list[str], missing: str, corpus: Corpus) -> Query:
    """Terms, concepts and intent of a question whose reports are known."""
    content = _YEAR.sub(" ", text)  # a year names the report, and jieba would cut "2020年青岚" into 年青
    terms = [t for t in query_terms(content, corpus.scope_words()) if not is_year(t)]
    compare = is_comparison(text, report_ids)
    groups = concepts(_COMPARE.sub(" ", content) if compare else content, corpus.is_scope, corpus.known)
    scoping = set(scope_years(text, corpus))
    groups += [(f"{y}年",) for y in sorted({int(y) for y in _YEAR.findall(text)} - scoping)]
    unit = unit_asked(text)
    contact = None if unit else contact_asked(text)
    candidates: list[str] = []
    if not compare and len(report_ids) > MAX_REPORTS_PER_ANSWER:
        report_ids, candidates = [], report_ids  # too many to answer one by one: ask which is meant
    return Query(text=text, terms=terms, groups=groups, report_ids=report_ids,
                 quantity=compare or (contact is None and bool(_QUANTITY.search(text))),
                 existence=bool(_EXISTENCE.search(text)), compare=compare, missing_scope=missing,
                 candidates=candidates, unit=unit, contact=contact)


def unit_asked(text: str) -> str:
    """The measure word a question counts in ("几次" → 次), 元 for an amount of money, "" when it names none."""
    unit = _UNIT_ASKED.search(text)
    if unit:
        return _MONEY.get(unit.group(1), unit.group(1))
    return "元" if _AMOUNT_ASKED.search(text) else ""
