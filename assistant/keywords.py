"""What a question asks, in the reports' own words: its keyword-search terms and the groups of
alternatives the coverage test looks for, through a small domain glossary.

The glossary maps colloquial and English wording onto the report's own terms
("打官司" → 行政诉讼, "lawsuit" → 行政诉讼): BM25 and the coverage test can only
match words that the report actually uses. Tokens are cut by index.tokens, as the stored chunks were.
"""
from __future__ import annotations

import re
from typing import Callable

import jieba

from index.tokens import COUNT_WORD, STOP_WORDS, TOKEN_OK, load_dictionary, tokenize

load_dictionary()  # jieba's precise-mode cuts of questions (here, in query and review) know the domain words too

# Alternatives of the report's own words for colloquial, synonym and English wording; any one of
# them found in a text counts as the question's word being there.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "官司": ("行政诉讼",), "打官司": ("行政诉讼",), "起诉": ("起诉", "行政诉讼"), "被告": ("行政诉讼",), "告": ("行政诉讼", "行政复议"),
    "告过": ("行政诉讼", "行政复议"), "状告": ("行政诉讼",), "诉讼": ("诉讼",), "复议": ("复议",),
    "投诉": ("举报", "投诉"), "发布会": ("新闻发布会",),
    "明年": ("计划", "安排", "下一步"), "下一年": ("计划", "安排", "下一步"), "打算": ("计划", "安排", "下一步"),
    "改进": ("改进", "整改"), "毛病": ("问题", "不足"), "不足": ("问题", "不足"), "花": ("费用", "经费"),
    "钱": ("费用", "经费"), "收费": ("费用", "收费", "收取"), "费": ("费用", "收费", "收取"),
    # The fee a report states is often the 2021 template's 信息处理费 ("全年收取…信息处理费 3940 元").
    "费用": ("费用", "处理费"),
    "发": ("发布", "公开", "发"), "发布": ("发布", "公开"), "公布": ("公布", "公开"), "开": ("召开", "开"),
    "办": ("办理", "举办", "办"), "人数": ("人员数", "人数"), "收到": ("收到", "受理", "新收"), "受理": ("受理", "收到", "新收"), "新收": ("新收", "收到", "受理"),
    "结转": ("结转", "顺延"),
    "没法": ("无法",), "法院": ("行政诉讼", "起诉"), "经过": ("经过", "经"),
    # The 2019 and 2021 templates report the 信息处理费 under 六、其他需要报告的事项, often as just "无".
    "信息处理费": ("信息处理费", "其他需要报告"), "处理费": ("处理费", "其他需要报告"),
    # An application someone "made" is one the office received: the 2019 table's 本年新收 row.
    "提出": ("提出", "新收", "收到", "受理"), "提交": ("提交", "新收", "收到", "受理"),
    "递交": ("递交", "新收", "收到", "受理"), "收": ("收到", "新收", "收取", "收费"),
    "lawsuit": ("行政诉讼",), "lawsuits": ("行政诉讼",), "litigation": ("行政诉讼",), "sued": ("行政诉讼",),
    "court": ("行政诉讼",), "reconsideration": ("行政复议",), "appeal": ("行政复议",), "appeals": ("行政复议",),
    "weibo": ("微博",), "microblog": ("微博",), "wechat": ("微信",), "website": ("网站",),
    "gazette": ("政府公报",), "press": ("新闻发布会",), "conference": ("新闻发布会",), "conferences": ("新闻发布会",),
    "apply": ("申请",), "applicant": ("申请",), "application": ("申请",), "applications": ("申请",),
    "request": ("申请",), "requests": ("申请",),
    "training": ("培训",), "trainings": ("培训",), "meeting": ("会议",), "meetings": ("会议",),
    "staff": ("工作人员",), "employees": ("工作人员",), "personnel": ("工作人员",), "complaint": ("举报",),
    "complaints": ("举报",), "fee": ("费用", "处理费"), "fees": ("费用", "处理费"), "budget": ("经费",), "funding": ("经费",),
    "plan": ("计划",), "plans": ("计划",), "problem": ("问题",), "problems": ("问题",),
    "policy": ("政策",), "interpretation": ("解读",), "disclosed": ("公开",),
    "reviewer": ("审核人",), "reviewed": ("审核人",), "review": ("审核",), "contact": ("联系",),
    "phone": ("电话",), "telephone": ("电话",), "email": ("邮箱",), "address": ("地址",),
    "statistics": ("统计",), "table": ("统计表",), "measures": ("措施",), "rectification": ("整改",),
    "参加": ("参加", "接受", "参与"), "参与": ("参加", "接受", "参与"), "公众号": ("政务微信", "微信"),
    "微信公众号": ("政务微信", "微信"), "填": ("填报",), "填写": ("填报",), "填表": ("填报",), "审": ("审核",),
    "电话": ("电话",), "联系电话": ("联系电话", "电话"), "联系方式": ("电话", "邮箱", "地址"), "邮箱": ("邮箱",), "官网": ("网站",), "开会": ("会议",), "下一步": ("下一步", "计划"),
    "接下来": ("计划", "安排", "下一步"), "今后": ("计划", "安排", "下一步"), "将来": ("计划", "安排", "下一步"),
    "短板": ("问题", "不足"), "困难": ("问题", "不足", "难度"), "改善": ("改进", "整改"), "整改": ("整改", "改进"),
    "channel": ("渠道",), "channels": ("渠道",), "information": ("信息",), "disclosure": ("公开",),
    "public": ("公开",), "publish": ("公开", "发布"), "posted": ("发布", "公开"), "posts": ("发布", "公开"),
    "administrative": ("行政",), "applications": ("申请",), "received": ("收到", "受理"), "receive": ("收到", "受理"),
    "held": ("召开", "举办"), "hold": ("召开", "举办"), "trained": ("培训",), "people": ("人",),
    "reviewers": ("审核人",), "filled": ("填报",), "head": ("负责人",), "responsible": ("负责人",),
    "system": ("制度",), "systems": ("制度",), "rules": ("制度",), "shortcomings": ("问题", "不足"),
    "weaknesses": ("问题", "不足"), "improve": ("改进", "整改"), "improvement": ("改进", "整改"),
    "improvements": ("改进", "整改"), "next": ("下一步", "计划"), "future": ("计划",), "services": ("服务",),
    "service": ("服务",), "opinion": ("舆情",), "sentiment": ("舆情",), "hotline": ("电话",), "cost": ("费用",),
    "costs": ("费用",), "charged": ("收取", "收费"), "money": ("费用", "经费"), "spent": ("经费", "费用"),
    "documents": ("文件",), "document": ("文件",), "normative": ("规范性文件",), "regulations": ("规章",),
    "interviews": ("访谈",), "online": ("在线", "网络"), "consultation": ("查阅",), "reading": ("查阅",),
    "rooms": ("查阅点",), "offices": ("机构",), "agency": ("机构",), "agencies": ("机构",), "full-time": ("专职",),
    "part-time": ("兼职",), "mail": ("信函",), "fax": ("传真",), "person": ("当面",), "post": ("信函",),
    "干活": ("工作",), "做事": ("工作",), "上班": ("工作",), "work": ("工作",), "working": ("工作",),
    "负责": ("负责", "从事"), "邮件": ("邮箱",), "发邮件": ("邮箱",), "期限": ("期限", "时间", "期间"),
    "准备": ("计划", "安排", "下一步"),
    "read": ("公布", "查阅"), "find": ("公布", "查阅"), "文件": ("文件", "《"), "依据": ("依据", "根据", "按照"), "根据": ("根据", "依据", "按照"),
    "published": ("公布", "发布", "公开"), "based": ("根据", "依据"), "basis": ("根据", "依据"),
    "workers": ("工作人员",), "proactively": ("主动公开",), "proactive": ("主动公开",), "voluntarily": ("主动公开",),
    # The old template answers 不同意公开, the 2019 template 不予公开: the same refusal.
    "不同意": ("不同意", "不予公开"), "不同意公开": ("不同意公开", "不予公开"), "不予公开": ("不予公开", "不同意公开"),
}

# English words that only say what is counted in ("cases", "pieces"), as 件 does in Chinese.
_ENGLISH_MEASURES = frozenset(("case", "cases", "piece", "pieces", "instance", "instances", "occasion", "occasions",
                               "total", "totals", "figure", "figures", "numbers"))
# Inflections stripped to find an English word's entry: "applied" → apply, "lawsuits" → lawsuit.
_ENGLISH_ENDINGS = (("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""),
                    ("s", ""), ("d", ""))
# Function words that are nouns where a noun stands: after 的 or a count ("信息公开的会", "开了几次会").
_NOUNS_IN_PLACE = {"会": ("会议",)}
_YEAR = re.compile(r"^(19|20)\d{2}年?$")
# A negation cut off the word it negates ("不|同意"): the question asks about the negated thing.
_NEGATIONS = ("不", "不予", "未", "非")  # not 没有: "没有行政复议吗" asks whether there was any
_NEGATED_FORMS = ("不", "不予", "未", "没有", "非")
# Printed right before a word, these deny it: "不同意公开答复数" does not count 同意公开.
_DENIED = re.compile(r"(?:不予?|未|非|没有?|无)$")
_COUNTING = frozenset(("几", "多少"))
_MEASURE_WORDS = frozenset("个 次 人次 件 条 篇 名 人 项 起 家 期 场 所 位 天 份 宗 批 轮".split())


def is_year(token: str) -> bool:
    return bool(_YEAR.match(token))


def glossary_entry(token: str) -> tuple[str, ...] | None:
    """The report's words for a token; an English word is also looked up without its inflection."""
    if token in GLOSSARY or not (token.isascii() and token.isalpha()):
        return GLOSSARY.get(token)
    for ending, replacement in _ENGLISH_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= 3:
            found = GLOSSARY.get(token[:-len(ending)] + replacement)
            if found is not None:
                return found
    return None


def expand(tokens: list[str]) -> list[str]:
    """Add the report's own words for colloquial or English tokens; English without an entry is dropped."""
    out: list[str] = []
    for token in tokens:
        mapped = glossary_entry(token)
        if mapped is not None:
            replacement = [token, *(t for term in mapped for t in tokenize(term))]
        elif token.isascii() and token.isalpha():
            replacement = []
        else:
            replacement = [token]
        out += [t for t in replacement if t not in out]
    return out


def query_terms(question: str, scope_words: frozenset[str] = frozenset()) -> list[str]:
    """Keyword-search tokens of a question: glossary-expanded, minus years and the unit's own name."""
    return [t for t in expand(tokenize(question)) if not is_year(t) and t not in scope_words]


def _is_word(token: str) -> bool:
    return bool(jieba.dt.FREQ.get(token))


def affirms(word: str, text: str) -> bool:
    """`text` says `word` somewhere without denying it: "同意" is in "2.同意公开答复数" but "4.不同意公开答复数"
    only denies it. A word that carries its own negation ("不同意") is affirmed wherever it stands."""
    start = text.find(word)
    while start >= 0:
        if not _DENIED.search(text[max(0, start - 2):start]):
            return True
        start = text.find(word, start + 1)
    return False


def _negated(token: str, following: str) -> tuple[str, ...] | None:
    """The alternatives of "不" + "公开" (不公开, 不予公开, 未公开…), or None when `token` negates nothing
    that is asked about ("不是", "没有人")."""
    if token not in _NEGATIONS or not following or following in STOP_WORDS or COUNT_WORD.match(following):
        return None
    if not TOKEN_OK.search(following) or is_year(following):
        return None
    word = token + following
    return GLOSSARY.get(f"不{following}") or tuple(dict.fromkeys((word, *(n + following for n in _NEGATED_FORMS))))


def concepts(question: str, is_scope: Callable[[str], bool], known: Callable[[str], bool]) -> list[tuple[str, ...]]:
    """What a question asks about, as groups of alternative strings to look for in a text.

    Precise-mode jieba words, so that a word is matched as a substring of the
    report's text however jieba happened to cut that text; a cut that is neither
    a dictionary word nor found in the reports ("点有") falls back to its characters.
    A negation stays with the word it negates: "不同意公开" asks about 不同意, not 同意.
    """
    groups: list[tuple[str, ...]] = []
    previous = ""
    tokens = [t.strip() for t in jieba.lcut(question.lower())]
    skip = False
    for n, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        negated = _negated(token, tokens[n + 1] if n + 1 < len(tokens) else "")
        if negated is not None:
            groups += [negated] if negated not in groups else []
            previous, skip = tokens[n + 1], True
            continue
        counted = previous in _COUNTING or bool(COUNT_WORD.match(previous))
        noun_place = counted or previous == "的"
        previous = token or previous
        if counted and token in _MEASURE_WORDS:
            continue  # "多少场官司": 场 is how the count is said, not what is asked about
        if noun_place and token in _NOUNS_IN_PLACE:
            groups += [_NOUNS_IN_PLACE[token]] if _NOUNS_IN_PLACE[token] not in groups else []
            continue
        if len(token) > 1 and not token.isascii() and token[0] in STOP_WORDS and not _is_word(token):
            token = token[1:]  # jieba's guess glued a function word to the next character: "因本机关" → 因本
        if (not token or not TOKEN_OK.search(token) or token in STOP_WORDS or COUNT_WORD.match(token)
                or is_year(token) or is_scope(token) or token in _ENGLISH_MEASURES):
            continue
        entry = glossary_entry(token)
        if entry is not None:
            found = [entry]
        elif token.isascii():
            # An English word we cannot map is still asked about: it stays a group no text contains,
            # so a question about something the glossary does not know is refused, not half-answered.
            found = [(token,)] if len(token) > 2 and token.isalpha() else []
        elif len(token) > 1 and not _is_word(token) and not known(token):
            found = [GLOSSARY.get(ch, (ch,)) for ch in token if ch not in STOP_WORDS]
        else:
            found = [(token,)]
        groups += [g for g in found if g not in groups]
    return groups
