"""The statistics table against its own totals: parts that add up past their row, a total whose
breakdown is all blank, and (2019 template) a 总计 cell or row that is not the sum of its parts."""
from __future__ import annotations

import re

from assistant.answer import row_citation
from assistant.claims import comparable, number_text
from index.report import Report, TableRow
from review.findings import MISMATCH, NEEDS_REVIEW, Finding

# "其中:1、政府网站公开数" is the first numbered part as much as "2、政府公报公开数" is the second.
_NUMBERED = re.compile(r"^\s*(?:其中[:\uff1a]\s*)?(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、])")
_TOTAL = re.compile(r"^\s*(?:\([一二三四五六七八九十]+\)|\d+[.、])?\s*(总计|合计)\s*$")
_CHANNELS = ("渠道", "方式")  # "(二)通过不同渠道和方式公开政府信息的情况": a breakdown of the total above it


def table_findings(report: Report) -> list[Finding]:
    legacy = [row for row in report.table_rows if not row.columns]
    wide = [row for row in report.table_rows if row.columns]
    findings: list[Finding] = []
    for row in legacy:
        findings += _breakdown(report, row, _children(row, legacy))
    findings += _channels(report, legacy)
    findings += _column_totals(report, wide) + _row_totals(report, wide)
    return findings


def _children(parent: TableRow, rows: list[TableRow]) -> list[TableRow]:
    path = parent.path
    return [r for r in rows if r.parents == path and r.table == parent.table and comparable(r.unit, parent.unit)]


def _cite(report: Report, rows: list[TableRow]) -> list:
    return [row_citation(report.report_id, row) for row in rows]


def _breakdown(report: Report, parent: TableRow, children: list[TableRow]) -> list[Finding]:
    """Numbered children ("(一)…(三)") split the parent; "其中" children are parts of it."""
    if parent.value is None or not parent.unit or not children:
        return []
    name = f"统计表“{parent.citation_label()}”为 {parent.value_text()}"
    parts = [c for c in children if _NUMBERED.match(c.label)]
    subsets = [c for c in children if c not in parts and not c.label.endswith("总数")]
    findings = [Finding("children_sum", MISMATCH, f"{name},其中“{c.citation_label()}”却为 {c.value_text()},大于总数。",
                        _cite(report, [parent, c])) for c in subsets if c.value is not None and c.value > parent.value]
    filled = [c for c in parts if c.value is not None]
    if parts and not filled and parent.value > 0:
        findings.append(Finding("children_sum", NEEDS_REVIEW, f"{name},其下 {len(parts)} 项细分却均未填报。",
                                _cite(report, [parent, *parts])))
    elif filled:
        total = sum(c.value for c in filled)
        if total > parent.value:
            findings.append(Finding("children_sum", MISMATCH,
                                    f"{name},其下各项合计却为 {number_text(total)} {parent.unit},大于总数。",
                                    _cite(report, [parent, *filled])))
        elif len(filled) == len(parts) and total < parent.value:
            findings.append(Finding("children_sum", NEEDS_REVIEW,
                                    f"{name},其下各项合计只有 {number_text(total)} {parent.unit},少于总数。",
                                    _cite(report, [parent, *filled])))
    return findings


def _channels(report: Report, rows: list[TableRow]) -> list[Finding]:
    """A channel row larger than the total it breaks down: one channel cannot publish more than was published."""
    findings: list[Finding] = []
    for position, heading in enumerate(rows):
        if heading.unit or heading.value is not None or not any(word in heading.label for word in _CHANNELS):
            continue
        siblings = [r for r in rows[:position] if r.parents == heading.parents and r.value is not None and r.unit]
        if not siblings:
            continue
        total = siblings[-1]
        for child in _children(heading, rows):
            larger = child.value is not None and child.value > total.value
            if larger and child.unit and comparable(child.unit, total.unit):
                findings.append(Finding(
                    "children_sum", MISMATCH,
                    f"统计表“{child.citation_label()}”为 {child.value_text()},"
                    f"大于“{total.citation_label()}”的总数 {total.value_text()}。",
                    _cite(report, [child, total])))
    return findings


def _column_totals(report: Report, cells: list[TableRow]) -> list[Finding]:
    """In a row of a wide table, a 总计 column equals the sum of the columns it totals."""
    findings: list[Finding] = []
    for total in cells:
        if not total.columns or not _TOTAL.match(total.columns[-1]) or total.value is None:
            continue
        prefix = total.columns[:-1]
        parts = [c for c in cells if c is not total and c.line == total.line and c.label == total.label
                 and c.parents == total.parents and c.columns[:len(prefix)] == prefix and len(c.columns) > len(prefix)
                 and not _TOTAL.match(c.columns[-1]) and c.value is not None]
        findings += _sum_finding(report, total, parts, f"“{total.citation_label()}”")
    return findings


def _row_totals(report: Report, cells: list[TableRow]) -> list[Finding]:
    """A 总计 row ("(七)总计") equals, column by column, the sum of the rows under the same heading."""
    findings: list[Finding] = []
    for total in cells:
        if not _TOTAL.match(total.label) or total.value is None or not total.parents:
            continue
        depth = len(total.parents)
        parts = [c for c in cells if c is not total and c.columns == total.columns and c.table == total.table
                 and c.parents[:depth] == total.parents and not _TOTAL.match(c.label) and c.value is not None]
        findings += _sum_finding(report, total, parts, f"“{total.citation_label()}”")
    return findings


def _sum_finding(report: Report, total: TableRow, parts: list[TableRow], name: str) -> list[Finding]:
    if not parts:
        return []
    summed = sum(c.value for c in parts)
    if abs(summed - total.value) < 1e-9:
        return []
    return [Finding("children_sum", MISMATCH,
                    f"统计表{name}为 {total.value_text()},所含各项合计却为 {number_text(summed)} {total.unit}。",
                    _cite(report, [total, *parts]))]
