"""Questions of several parts: "行政复议有几起,行政诉讼有几起?" and "微博和微信分别发了多少条?".

Each part is answered as if asked alone, with its own citation: as one question, neither part covers
enough of it for any row or sentence to pass the relevance thresholds, and it would be refused.
"""
from __future__ import annotations

import re

_CLAUSE_BREAK = re.compile(r"[,\uff0c;\uff1b?\uff1f\u3002]\s*|\s*(?:另外|此外|还有|以及|同时)\s*")
_ASKS = re.compile(r"多少|几|吗|呢|什么|哪|是否|有没有|怎么|怎样|如何|[?\uff1f]")
_EACH = re.compile(r"^(?P<items>[^,\uff0c;\uff1b?\uff1f]{2,24}?)(?P<each>分别|各自|各)(?P<rest>[^,\uff0c;\uff1b]*)$")
_ITEM_BREAK = re.compile(r"[和与及\u3001跟]")
# "复议和诉讼一共多少件": two measures asked as one sum.
_SUM = re.compile(r"^(?P<items>[^,\uff0c;\uff1b?\uff1f]{2,30}?)(?P<sum>一共|总共|合计|共计|总计|加起来|合起来|加在一起)"
                  r"(?P<rest>[^,\uff0c;\uff1b]*)$")
_SUM_BREAK = re.compile(r"加上|[和与及\u3001跟]")
_CONTENT = re.compile(r"[有是的了还又都共一呢吗呀啊请问个次件条篇名人项起家场位]|\s")  # no subject of its own
MAX_PARTS = 4
_ENDS = " ?\uff1f\u3002."
MIN_PART_CHARS = 3


def split_parts(question: str) -> list[str]:
    """The parts of a question that asks several things, or [] when it asks one. A clause that asks
    nothing ("我想了解一下2018年全年,") belongs to the part after it."""
    clauses = [c.strip(_ENDS) for c in _CLAUSE_BREAK.split(question.strip()) if c and c.strip(_ENDS)]
    parts: list[str] = []
    pending = ""
    for clause in clauses:
        if parts and not _CONTENT.sub("", _ASKS.sub("", clause)):
            parts[-1] += clause  # "诉讼呢,有几起?": the count belongs to the clause before it
        elif _ASKS.search(clause):
            parts.append(pending + clause)
            pending = ""
        else:
            pending += clause
    if pending and parts:
        parts[-1] += pending
    if len(parts) < 2:
        return _each_parts(question.strip(_ENDS))
    out = [item for part in parts for item in (_each_parts(part) or [part])]
    return out[:MAX_PARTS] if all(len(p) >= MIN_PART_CHARS for p in out) else []


def split_sum(question: str) -> list[str]:
    """"复议和诉讼一共多少件" → "复议多少件", "诉讼多少件": the measures a question adds up, each to be read
    on its own; [] when it names fewer than two."""
    match = _SUM.match(question.strip(_ENDS))
    if not match or not _ASKS.search(match.group("rest")):
        return []
    items = [i.strip() for i in _SUM_BREAK.split(match.group("items")) if i.strip()]
    if not 2 <= len(items) <= MAX_PARTS or any(len(i) < 2 for i in items):
        return []
    return [f"{item}{match.group('rest')}" for item in items]


def _each_parts(question: str) -> list[str]:
    """"微博和微信分别发了多少条" → "微博发了多少条", "微信发了多少条"."""
    match = _EACH.match(question)
    if not match:
        return []
    items = [i.strip() for i in _ITEM_BREAK.split(match.group("items")) if i.strip()]
    if len(items) < 2:
        return []
    return [f"{item}{match.group('rest')}" for item in items[:MAX_PARTS]]
