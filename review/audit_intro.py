"""The introduction's list of what the report contains ("1.总体公开情况说明;2.…") against the sections
the report actually has: items with no section, sections the list leaves out, and titles worded otherwise."""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from assistant.answer import section_citation
from index.parse_narrative import INTRO_HEADING
from index.report import Report, Section
from review.findings import MISMATCH, NEEDS_REVIEW, Finding

MIN_ITEMS = 3  # fewer numbered items is not a list of sections
SAME_SECTION = 0.6  # title similarity above which an item and a section are the same, however worded
_ITEM = re.compile(r"(\d{1,2})\s*[.、\uff0e]\s*([^;\uff1b。\d][^;\uff1b。]*)")
_NOISE = re.compile(r"\([^)]*\)|\uff08[^\uff09]*\uff09|[\s“”\"'‘’、,\uff0c:\uff1a;\uff1b。和及与]")


def contents_list(intro: str) -> list[tuple[int, str, str]]:
    """(number, title, text as printed) of the longest run of items numbered 1, 2, 3, … in the introduction."""
    best: list[tuple[int, str, str]] = []
    run: list[tuple[int, str, str]] = []
    for match in _ITEM.finditer(intro):
        number = int(match.group(1))
        item = (number, match.group(2).strip(), match.group().strip())
        if number == 1:
            run = [item]
        elif run and number == run[-1][0] + 1:
            run.append(item)
        else:
            continue
        if len(run) > len(best):
            best = list(run)
    return best if len(best) >= MIN_ITEMS else []


def _normal(title: str) -> str:
    return _NOISE.sub("", title)


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _normal(a), _normal(b)).ratio()


def intro_findings(report: Report) -> list[Finding]:
    items = contents_list(report.intro)
    sections = [s for s in report.sections if s.number]
    if not items or not sections:
        return []
    pairs = _pair(items, sections)
    rid = report.report_id
    findings: list[Finding] = []
    for item in items:
        if item[0] not in pairs:
            findings.append(Finding("intro_sections", MISMATCH,
                                    f"导语列出第{item[0]}项“{item[1]}”,正文却没有这一节。",
                                    [section_citation(rid, INTRO_HEADING, item[2], report)]))
    paired = {id(s) for s in pairs.values()}
    for section in sections:
        if id(section) not in paired:
            findings.append(Finding("intro_sections", MISMATCH,
                                    f"正文“{section.heading}”未列入导语的内容清单。",
                                    [section_citation(rid, section.heading, section.heading, report)]))
    reworded = [(item, pairs[item[0]]) for item in items
                if item[0] in pairs and _normal(item[1]) != _normal(pairs[item[0]].title)]
    if reworded:
        listed = ";".join(f"第{item[0]}项“{item[1]}”/“{s.heading}”" for item, s in reworded)
        citations = [section_citation(rid, INTRO_HEADING, item[2], report) for item, _ in reworded]
        citations += [section_citation(rid, s.heading, s.heading, report) for _, s in reworded]
        findings.append(Finding("intro_sections", NEEDS_REVIEW, f"导语内容清单与正文标题措辞不同:{listed}。", citations))
    return findings


def _pair(items: list[tuple[int, str, str]], sections: list[Section]) -> dict[int, Section]:
    """Each item with the section it names: most similar pairs first, each section used once."""
    scored = sorted(((_similarity(item[1], s.title), item[0], n) for item in items for n, s in enumerate(sections)),
                    key=lambda t: (-t[0], t[1], t[2]))
    pairs: dict[int, Section] = {}
    used: set[int] = set()
    for score, number, index in scored:
        if score < SAME_SECTION:
            break
        if number not in pairs and index not in used:
            pairs[number] = sections[index]
            used.add(index)
    return pairs
