"""Audit a report before it is published: its narrative against its table, the table against its own
totals, and the introduction's list of sections against the sections the report has."""
from __future__ import annotations

import re

from assistant.answer import row_citation, section_citation
from assistant.claims import Figure, agrees, in_unit, kind, number_text
from index.report import Report, TableRow
from review.audit_intro import intro_findings
from review.audit_narrative import narrative_findings
from review.audit_table import table_findings
from review.audit_template import template_findings
from review.figure_match import Placed, coverage, match_row, narrative_figures, row_context, terms
from review.findings import MISMATCH, NEEDS_REVIEW, Finding

__all__ = ["Finding", "audit_report"]
TEMPLATE_2019 = "2019"
_DISCLOSURE = re.compile(r"公开|信息")
MIN_SUBJECT_COVERAGE = 0.3  # share of what a figure says it counts that its row must name (real figures: 0.36-1.0)
MIN_LISTED = 3  # a sentence listing at least this many counts of one kind is read as a breakdown


def audit_report(report: Report) -> list[Finding]:
    """Every finding on one report. A 2019+ report's narrative restates its tables in set phrases and is read
    by them (audit_narrative); the old template's one-column table is matched figure by figure."""
    if report.template == TEMPLATE_2019:
        return [*narrative_findings(report), *table_findings(report), *template_findings(report),
                *intro_findings(report)]
    placed = narrative_figures(report)
    return [*narrative_vs_table(report, placed), *narrative_sums(report, placed), *table_findings(report),
            *intro_findings(report)]


def narrative_vs_table(report: Report, placed: list[Placed]) -> list[Finding]:
    """A figure of the narrative that differs from the one row it states, or whose row is blank."""
    findings: list[Finding] = []
    for item in placed:
        match = match_row(item.figure, report.table_rows, report.unit)
        if match is None or not _same_subject(item, match.row, report.unit):
            continue
        row = match.row
        said = f"正文“{item.heading}”写“{item.figure.clause}”"
        if row.value is None:
            finding = Finding("narrative_vs_table", NEEDS_REVIEW,
                              f"{said},统计表“{row.citation_label()}”却未填报(空白)。", [])
        elif not agrees(item.figure, row.value, row.unit):
            finding = Finding("narrative_vs_table", MISMATCH,
                              f"{said},统计表“{row.citation_label()}”却为 {row.value_text()}。", [])
        else:
            continue
        finding.citations = [section_citation(report.report_id, item.heading, item.sentence, report),
                             row_citation(report.report_id, row)]
        findings.append(finding)
    return findings


def _same_subject(item: Placed, row: TableRow, unit: str) -> bool:
    """Words that show a figure counts something else than the row it resembles: a remainder category
    ("其他应主动公开的信息1831条") is one part of a breakdown, not a row's total; a count in a sentence that
    never speaks of 公开 or 信息 ("窗口…共受理申请136437件") is not one of the disclosure table's; and a
    figure whose own words are mostly about something the row does not name ("主动公开政府采购项目信息188条"
    beside 主动公开文件数) counts one kind of what the row counts."""
    if item.figure.subject.startswith("其他") and "其他" not in row.label:
        return False
    if coverage(terms(item.figure.subject, unit), row_context(row)) < MIN_SUBJECT_COVERAGE:
        return False
    return not ("公开" in row.label and not _DISCLOSURE.search(item.sentence))


def narrative_sums(report: Report, placed: list[Placed]) -> list[Finding]:
    """A sentence of a section listing counts of one kind ("16条…1条…30余条…") that add up to more than the
    table's total for what the section is about. Counts that state a row of their own, and the parts
    after "其中", are not items of the list."""
    findings: list[Finding] = []
    for sentence in _listing_sentences(report, placed):
        first = sentence[0]
        title = report.sections[first.position].title
        about = Figure(0, first.figure.unit, approximate=False, text="", clause=title, before=title, after="",
                       context="")  # what the section is about, as if its title were a figure's clause
        total = match_row(about, report.table_rows)
        if total is None or total.row.value is None:
            continue
        row = total.row
        least = sum(in_unit(p.figure.value, p.figure.unit, row.unit or p.figure.unit) for p in sentence)
        if least <= row.value:
            continue
        stated = "+".join(p.figure.text for p in sentence)
        findings.append(Finding(
            "narrative_sum", MISMATCH,
            f"正文“{first.heading}”列出的 {len(sentence)} 项({stated})合计至少 {number_text(least)} {row.unit},"
            f"超过统计表“{row.citation_label()}”的 {row.value_text()}。",
            [section_citation(report.report_id, first.heading, first.sentence, report), row_citation(report.report_id, row)]))
    return findings


def _listing_sentences(report: Report, placed: list[Placed]) -> list[list[Placed]]:
    by_sentence: dict[tuple[int, str], list[Placed]] = {}
    for item in placed:
        if item.position >= 0:
            by_sentence.setdefault((item.position, item.sentence), []).append(item)
    listings = []
    for items in by_sentence.values():
        listed: list[Placed] = []
        for item in items:
            if item.figure.clause.startswith("其中"):
                break
            if match_row(item.figure, report.table_rows, report.unit) is None:
                listed.append(item)
        kinds = {kind(p.figure.unit) for p in listed}
        if len(listed) >= MIN_LISTED and len(kinds) == 1:
            listings.append(listed)
    return listings
