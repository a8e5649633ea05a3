"""Questions about the report itself ("这份报告是哪年的?", "这是哪个单位的报告?"): answered from the
report's metadata, with its title cited, since no sentence of the body says "this report is from 2018"."""
from __future__ import annotations

import re

from assistant.answer import Answer, section_citation
from assistant.corpus import Corpus

TITLE_LABEL = "报告标题"
_REPORT = r"(这份|这个|该|本|此)?(年度)?报告"
_YEAR = re.compile(rf"{_REPORT}.{{0,4}}(哪一?年|哪个年度|什么年份|几几年|是哪年)|(哪一?年|哪个年度)的{_REPORT}|"
                   r"what year|which year", re.I)
_UNIT = re.compile(rf"(哪个|什么|哪家|哪一个)(单位|部门|机关|政府|街道)的?{_REPORT}|{_REPORT}.{{0,6}}(哪个|什么|哪家)"
                   r"(单位|部门|机关|政府|街道|区|县|镇|乡)|谁(发布|编制|写)的|which (unit|office|agency|department)|who (published|issued|wrote)",
                   re.I)
_TITLE = re.compile(rf"{_REPORT}.{{0,4}}(标题|题目|名称|叫什么)|what is the (report's )?title", re.I)


def asks_about_report(question: str) -> bool:
    return bool(_YEAR.search(question) or _UNIT.search(question) or _TITLE.search(question))


def about_report_answer(question: str, report_ids: list[str], corpus: Corpus) -> Answer:
    """One line per report in scope: its year, its unit, or its title, as asked."""
    lines, citations = [], []
    for rid in report_ids:
        report = corpus.reports[rid]
        if _YEAR.search(question):
            said = f"是{report.year}年度的报告" if report.year else "标题中没有写明年度"
        elif _UNIT.search(question):
            said = f"由{report.unit}发布" if report.unit else "标题中没有写明单位"
        else:
            said = "标题如上"
        lines.append(f"《{report.title}》{said}。")
        citations.append(section_citation(rid, TITLE_LABEL, report.title, report))
    prefix = "据报告标题:" if len(lines) == 1 else "各报告的标题:\n"
    return Answer(text=prefix + "\n".join(lines), found=True, citations=citations, question=question)
