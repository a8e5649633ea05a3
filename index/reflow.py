"""Line breaks back into narrative that lost them.

Text copied from a web page often holds a whole report on one line: title, introduction,
"一、 概述2015年,…二、主动公开政府信息情况(一)主动公开…". The narrative parser reads
headings from lines, so the run-together text is cut before each numbered heading that
comes in sequence and before each sub-item "(一)"; the heading's title ends where a known
template heading ends, or at the first space, "(一)", figure or punctuation after it.
"""
from __future__ import annotations

import re

from index.numbers import chinese_to_number

LONG_LINE = 300  # a paragraph this long that holds several headings was run together
_MAX_TITLE = 40

# Headings of the legacy outline (国办 2008-2018) and of the 2019/2021 template, longest first
# so that "政府信息公开工作存在的主要问题及改进情况" is not cut after "主要问题".
KNOWN_TITLES = sorted((
    "概述", "总体情况", "总体公开情况说明", "基本情况", "主动公开政府信息情况", "主动公开政府信息的情况",
    "主动公开情况", "政府信息依申请公开工作情况", "依申请公开政府信息情况", "依申请公开情况",
    "政府信息依申请公开情况", "收到和处理政府信息公开申请情况", "政府信息公开的收费及减免情况",
    "政府信息公开收费及减免情况", "因政府信息公开申请行政复议、提起行政诉讼的情况",
    "因政府信息公开申请行政复议、提起行政诉讼情况", "政府信息公开行政复议、行政诉讼情况",
    "因政府信息公开工作被申请行政复议、提起行政诉讼情况", "政府信息公开工作存在的主要问题及改进情况",
    "政府信息公开工作存在的主要问题及改进措施", "存在的主要问题及改进情况", "存在的主要问题和改进情况",
    "主要问题和改进措施", "存在的问题和改进措施", "其他需要报告的事项", "其他需要说明的事项",
    "政府信息公开情况统计表", "其他应报告的事项",
), key=len, reverse=True)

_NUMBERED = re.compile(r"(?:^|(?<=[。;;!?!?\s)\]」”]))([一二三四五六七八九十]{1,3})\s*[、.．]\s*")
_SUB_ITEM = re.compile(r"(?<=[。;;!?!?::\s)\]」”])(\([一二三四五六七八九十]{1,3}\))")
_TITLE_END = re.compile(r"\s|\([一二三四五六七八九十]{1,3}\)|\d|[。,,;;::]")


def reflow(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Long lines with headings run into them become one line per heading and sub-item."""
    if not any(len(text) > LONG_LINE for _, text in lines):
        return lines
    out: list[tuple[int, str]] = []
    expected = 1
    for number, text in lines:
        if len(text) <= LONG_LINE:
            out.append((number, text))
            heading = _NUMBERED.match(text)
            if heading and chinese_to_number(heading.group(1)) == expected:
                expected += 1  # a heading already on a line of its own (cut out with a table) counts too
            continue
        pieces, expected = _split_headings(text, expected)
        out += [(number, piece) for part in pieces for piece in _split_sub_items(part)]
    return out


def _split_headings(text: str, expected: int) -> tuple[list[str], int]:
    """Cut before each heading that is the next in sequence; a heading's title gets its own line."""
    pieces: list[str] = []
    start = 0
    for match in _NUMBERED.finditer(text):
        if match.start() < start or chinese_to_number(match.group(1)) != expected:
            continue
        title_end = match.end() + _title_length(text[match.end():])
        if title_end == match.end():
            continue
        pieces.append(text[start:match.start()])
        pieces.append(f"{match.group(1)}、{text[match.end():title_end].strip()}")
        start = title_end
        expected += 1
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()], expected


def _title_length(rest: str) -> int:
    for title in KNOWN_TITLES:
        if rest.startswith(title):
            return len(title)
    end = _TITLE_END.search(rest[:_MAX_TITLE + 1])
    return end.start() if end else 0


def _split_sub_items(text: str) -> list[str]:
    cuts = [m.start() for m in _SUB_ITEM.finditer(text)]
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
