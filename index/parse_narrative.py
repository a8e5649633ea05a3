"""The narrative of a report: title, unit and year, introduction, numbered sections, sign-off."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.layout import squeeze
from index.metadata import classify_unit, parse_title, split_title, unit_from_intro, year_from_period
from index.numbers import chinese_to_number
from index.page_chrome import strip_page_chrome
from index.reflow import reflow
from index.report import Section

INTRO_HEADING = "导语"
SIGNOFF_HEADING = "统计表落款"

_HEADING = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.]\s*(\S.*)$")
_SIGNOFF_KEYS = ("单位负责人", "审核人", "填报人", "联系电话", "填报日期", "填报单位")
_SIGNOFF = re.compile(
    r"(单位负责人|审核人|填报人|联系电话|填报日期|填报单位(?:\(盖章\))?)[::](.*?)(?=(?:"
    + "|".join(_SIGNOFF_KEYS)
    + r")[^::]{0,4}[::]|$)"
)
_ATTACHMENT = re.compile(r"^附(件|表)\s*\d*\s*[::]?")
_MAX_HEADING_CHARS = 60

@dataclass
class Narrative:
    title: str = ""
    unit: str = ""
    year: int | None = None
    level: str = ""
    region: str = ""
    intro: str = ""
    sections: list[Section] = field(default_factory=list)
    signoff: dict[str, str] = field(default_factory=dict)
    signoff_lines: list[tuple[int, str]] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)


def _heading(line: str, expected: int) -> tuple[str, str] | None:
    """A section heading is the next number in sequence, on a short line of its own."""
    match = _HEADING.match(line)
    if not match or len(line) > _MAX_HEADING_CHARS or line.endswith(("。", ";")):
        return None
    if chinese_to_number(match.group(1)) != expected:
        return None
    return match.group(1), match.group(2).strip()


def parse_signoff(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        for key, value in _SIGNOFF.findall(squeeze(line)):
            key = "填报单位" if key.startswith("填报单位") else key
            if value:
                found.setdefault(key, value)
    return found


def is_signoff_line(line: str) -> bool:
    return any(squeeze(line).startswith(key) for key in _SIGNOFF_KEYS)


def parse_narrative(lines: list[tuple[int, str]], table_start: int | None) -> Narrative:
    """`table_start` is the first line of the statistics table: a trailing attachment
    caption above it belongs to the table, and sign-off lines follow it."""
    result = Narrative()
    body, chrome = strip_page_chrome(lines)
    body = reflow(body)
    result.title = chrome.title
    if body and not _HEADING.match(body[0][1]):
        result.title, body = split_title(body, chrome.title)

    intro: list[str] = []
    current: tuple[Section, list[str]] | None = None
    in_attachment = False
    for number, line in body:
        if is_signoff_line(line) and (table_start is None or number > table_start or "填报单位" in squeeze(line)):
            result.signoff_lines.append((number, line))
            continue
        if table_start is not None and (number > table_start or in_attachment):
            result.unplaced.append((number, line))
            continue
        if table_start is not None and _ATTACHMENT.match(line):
            in_attachment = True
            continue
        heading = _heading(line, len(result.sections) + 1)
        if heading:
            section = Section(number=heading[0], title=heading[1], heading=line, text="", line=number)
            result.sections.append(section)
            current = (section, [])
            continue
        (current[1] if current else intro).append(line)
        if current:
            current[0].text = "\n".join(current[1])
    result.intro = "\n".join(intro)
    _fill_metadata(result)
    result.signoff = parse_signoff([line for _, line in result.signoff_lines])
    return result


def _fill_metadata(result: Narrative) -> None:
    """Unit and year from the title; where it lacks them, from the first paragraph and the statistics period."""
    result.unit, result.year = parse_title(result.title)
    opening = result.intro or (result.sections[0].text if result.sections else "")
    result.unit = result.unit or unit_from_intro(opening)
    result.year = result.year or year_from_period(opening)
    result.level, result.region = classify_unit(result.unit)
