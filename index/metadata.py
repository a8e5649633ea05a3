"""Who published a report and for which year: title, unit, level, region, year.

Real titles are split over lines ("淮安市人民政府" / "2024 年政府信息公开工作年度报告"), put the
year first ("2019年上海市人民政府办公厅政府信息公开…"), or run into the first paragraph on a
page copied from the web. Where the title does not say, the first paragraph does
("本报告由××区人民政府办公室…编制"), and the statistics period gives the year.
"""
from __future__ import annotations

import re

from index.layout import squeeze
from index.numbers import chinese_to_number

_MAX_TITLE = 80
_TITLE_PART = 40  # a line this short, without a full stop, may be part of a title split over lines
_REPORT_WORD = re.compile(r"(年度?报告|年报|工作报告)")
_YEAR = r"((?:19|20)\d{2}|[一二〇零○][〇零○一二三四五六七八九]{3})"
_UNIT_YEAR = re.compile(rf"^(.*?)(?:关于)?{_YEAR}年度?(?:本级)?(.*)$")
_YEAR_FIRST_UNIT = re.compile(r"^(.+?)(?:政府信息公开|信息公开|政务公开)")
_INTRO_UNIT = re.compile(r"本(?:年度)?报告(?:是)?由(.{2,30}?)(?:根据|依据|按照|依照|编制|制作|编写|起草)")
_PERIOD_YEAR = re.compile(rf"(?:统计期限|统计时限|统计时间|统计期间|统计数据时间|数据统计期限|统计的?期限)\D{{0,6}}{_YEAR}\s*年\s*1\s*月\s*1\s*日")
_OFFICE = re.compile(r"^(.*(?:人民政府|政府))办公(?:室|厅)$")
_LETTERHEAD = re.compile(r"(文件|〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*\d+\s*号)$")
_TITLE_START = re.compile(r"^(根据|依据|按照|本报告|本年度报告|\d{4}年)")

_LEVELS = (
    ("街道", ("街道办事处", "街道")),
    ("乡镇", ("乡人民政府", "镇人民政府", "乡政府", "镇政府", "镇", "乡")),
    ("省", ("省人民政府", "自治区人民政府", "省政府", "自治区政府", "省", "自治区")),
    ("区县", ("区人民政府", "县人民政府", "区政府", "县政府", "旗人民政府", "区管委会",
              "区管理委员会", "区", "县", "旗")),
    ("市", ("州人民政府", "盟行政公署", "州", "盟")),
)
_COUNTY_CITY = re.compile(r"^.+[省州]?.+市.+市(人民政府)?$")  # ××省××市××市: a county-level city
_DEPARTMENT_SUFFIXES = ("局", "委员会", "委", "厅", "办公室", "中心", "部", "署", "院", "所", "处", "站", "队", "馆",
                        "办", "会", "社")


def _year_value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = "".join(str(chinese_to_number(ch) or 0) for ch in text.replace("○", "〇"))
    return int(digits) if len(digits) == 4 else None


def split_title(lines: list[tuple[int, str]], page_title: str = "") -> tuple[str, list[tuple[int, str]]]:
    """(title, the lines after it). A title split over short lines is joined; a title run into
    the first paragraph is cut off it; the page header's title stands in when the body has none."""
    parts: list[str] = []
    for index, (number, text) in enumerate(lines[:4]):
        if len(text) > _TITLE_PART or "。" in text or (_TITLE_START.match(text) and not _REPORT_WORD.search(text)):
            break
        if not _LETTERHEAD.search(text):
            parts.append(text)
        if _REPORT_WORD.search(text):
            title = "".join(squeeze(p) for p in parts)
            return title, _drop_repeat(title, lines[index + 1:])
    if lines:
        number, text = lines[0]
        run_in = _run_in_title(text)
        if run_in:
            rest = text[len(run_in):].strip()
            return squeeze(run_in), _drop_repeat(squeeze(run_in), ([(number, rest)] if rest else []) + lines[1:])
    if lines and len(lines[0][1]) <= _MAX_TITLE and parse_title(lines[0][1])[1] and "。" not in lines[0][1]:
        return squeeze(lines[0][1]), lines[1:]
    return page_title, lines


def _drop_repeat(title: str, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A web page prints the title twice (header strip and body): the second copy is no paragraph."""
    if not lines:
        return lines
    number, text = lines[0]
    squeezed = squeeze(text)
    if not squeezed.startswith(title):
        return lines
    cut, seen = 0, 0
    while seen < len(title):
        seen += not text[cut].isspace()
        cut += 1
    rest = text[cut:].strip()
    return ([(number, rest)] if rest else []) + lines[1:]


def _run_in_title(text: str) -> str:
    """'××区2015年度政府信息公开工作年度报告 根据《条例》…' → the title part, if it has a year."""
    match = _REPORT_WORD.search(text[:_MAX_TITLE])
    if not match:
        return ""
    title = text[:match.end()]
    return title if re.search(_YEAR, title) and "。" not in title else ""


def parse_title(title: str) -> tuple[str, int | None]:
    """(unit, year) from a title; the unit may stand before or after the year."""
    title = squeeze(title)
    match = _UNIT_YEAR.match(title)
    if not match:
        return "", None
    unit, year, rest = match.group(1), _year_value(match.group(2)), match.group(3)
    if not unit:
        after = _YEAR_FIRST_UNIT.match(rest)
        unit = after.group(1) if after else ""
        if unit.endswith("人民"):
            unit += "政府"
    return unit.strip("《》“”\"' "), year


def unit_from_intro(intro: str) -> str:
    """'本报告由淮安市人民政府办公室根据…编制' → 淮安市人民政府: the office compiles the government's report."""
    match = _INTRO_UNIT.search(squeeze(intro[:400]))
    if not match:
        return ""
    unit = match.group(1)
    office = _OFFICE.match(unit)
    return office.group(1) if office else unit


def year_from_period(text: str) -> int | None:
    """The statistics period's first day ('统计期限自2024年1月1日…') names the report's year."""
    match = _PERIOD_YEAR.search(squeeze(text[:3000]))
    return _year_value(match.group(1)) if match else None


def classify_unit(unit: str) -> tuple[str, str]:
    """(level, region) from the issuing body's name, where the name says it."""
    if _COUNTY_CITY.match(unit):
        return "区县", re.sub(r"(人民政府|政府)$", "", unit)
    for level, suffixes in _LEVELS:
        for suffix in suffixes:
            if unit.endswith(suffix) and len(unit) > len(suffix):
                return level, _region(unit, suffix)
    if unit.endswith("市"):
        return "市", unit
    if unit.endswith(("市人民政府", "市政府")):
        return "市", re.sub(r"(人民政府|政府)$", "", unit)
    if unit.endswith(_DEPARTMENT_SUFFIXES):
        match = re.match(r"^(.*?(?:自治区|[省市区县州旗]))", unit)
        return "部门", match.group(1) if match and len(match.group(1)) < len(unit) else ""
    return "", ""


def _region(unit: str, suffix: str) -> str:
    """The place the body governs: '青岚区人民政府' → 青岚区, '西翥街道办事处' → 西翥街道."""
    stem = re.sub(r"(人民政府|政府|办事处|管委会|管理委员会|行政公署)$", "", unit)
    return stem if stem != unit or len(suffix) <= 3 else ""
