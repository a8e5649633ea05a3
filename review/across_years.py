"""One unit's report against its report of the year before, when both are indexed: what was carried into
this year must be what last year carried out, the 行政规范性文件 in force must follow from last year's and this
year's changes, and a figure that grew or shrank more than tenfold is more often a typing slip than a fact."""
from __future__ import annotations

from assistant.answer import row_citation
from assistant.claims import number_text
from index.report import Report, TableRow
from review.findings import MISMATCH, NEEDS_REVIEW, Finding
from review.template_cells import active_cell, row_cells

JUMP = 10  # a figure more than this many times last year's (or less than its tenth) is looked at
_IN_FORCE, _ISSUED, _REPEALED = ("现行有效件数",), ("本年制发件数",), ("本年废止件数",)


def previous_reports(reports: list[Report]) -> dict[str, Report]:
    """report_id → the same unit's report of the year before, where one is indexed."""
    by_unit_year = {(r.unit, r.year): r for r in reports if r.unit and r.year}
    return {r.report_id: by_unit_year[(r.unit, r.year - 1)] for r in reports
            if r.unit and r.year and (r.unit, r.year - 1) in by_unit_year}


def year_findings(report: Report, last: Report) -> list[Finding]:
    return [*_carried(report, last), *_in_force(report, last), *_jumps(report, last)]


def _carried(report: Report, last: Report) -> list[Finding]:
    """表三 二、上年结转 of this year = 四、结转下年度继续办理 of last year, column by column."""
    now = {tuple(c.columns): c for c in row_cells(report, "二、")}
    before = {tuple(c.columns): c for c in row_cells(last, "四、")}
    findings = []
    for columns, cell in now.items():
        old = before.get(columns)
        if old is None or cell.value is None or old.value is None or cell.value == old.value:
            continue
        findings.append(Finding(
            "carry_over", MISMATCH,
            f"{report.year}年“{cell.citation_label()}”为 {cell.value_text()},"
            f"而{last.year}年报告“{old.citation_label()}”为 {old.value_text()},两者应相等。",
            [row_citation(report.report_id, cell), row_citation(last.report_id, old)]))
    return findings


def _in_force(report: Report, last: Report) -> list[Finding]:
    """现行有效 = last year's 现行有效 + 本年制发 − 本年废止, for 行政规范性文件."""
    cells = [active_cell(report, "行政规范性文件", _IN_FORCE), active_cell(last, "行政规范性文件", _IN_FORCE),
             active_cell(report, "行政规范性文件", _ISSUED), active_cell(report, "行政规范性文件", _REPEALED)]
    if any(c is None or c.value is None for c in cells):
        return []
    now, before, issued, repealed = cells
    expected = before.value + issued.value - repealed.value
    if expected == now.value:
        return []
    return [Finding("docs_in_force", NEEDS_REVIEW,
                    f"{report.year}年现行有效行政规范性文件为 {now.value_text()},而{last.year}年的 {before.value_text()}"
                    f"加本年制发 {number_text(issued.value)} 件、减本年废止 {number_text(repealed.value)} 件"
                    f"应为 {number_text(expected)} 件。",
                    [row_citation(report.report_id, now), row_citation(last.report_id, before),
                     row_citation(report.report_id, issued), row_citation(report.report_id, repealed)])]


def _key(row: TableRow) -> tuple:
    return row.table, tuple(row.path), tuple(row.columns)


def _jumps(report: Report, last: Report) -> list[Finding]:
    """The same cell in both years, more than tenfold apart (cells of 0 take no part)."""
    before = {_key(r): r for r in last.table_rows if r.value}
    findings = []
    for cell in report.table_rows:
        old = before.get(_key(cell))
        if old is None or not cell.value:
            continue
        ratio = cell.value / old.value
        if 1 / JUMP <= ratio <= JUMP:
            continue
        change = f"是上年的 {ratio:.0f} 倍" if ratio > 1 else "不到上年的十分之一"
        findings.append(Finding(
            "year_jump", NEEDS_REVIEW,
            f"“{cell.citation_label()}”{report.year}年为 {cell.value_text()},{last.year}年为 {old.value_text()},{change}。",
            [row_citation(report.report_id, cell), row_citation(last.report_id, old)]))
    return findings
