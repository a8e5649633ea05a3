"""One unit's two years side by side, as a Word document for the 政务公开办: the three standard tables (or the old
template's one) with every cell's change, the findings of both years, and the headings of both narratives."""
from __future__ import annotations

from pathlib import Path

from docx import Document

from assistant.claims import number_text
from index.parse_template2019 import ACTIVE_TABLE, REQUEST_TABLE, REVIEW_TABLE
from index.report import Report, TableRow
from review.across_years import year_findings
from review.audit import audit_report
from review.findings import KIND_NAMES, SEVERITY_NAMES, Finding

TABLES = (ACTIVE_TABLE, REQUEST_TABLE, REVIEW_TABLE)
MISSING = "—"


def unit_reports(reports: list[Report], unit: str) -> list[Report]:
    """The unit's reports by year: its exact name, else every report whose unit contains the words given."""
    exact = [r for r in reports if r.unit == unit and r.year]
    mine = exact or [r for r in reports if unit in r.unit and r.year]
    return sorted(mine, key=lambda r: r.year)


def _cells(report: Report, table: str) -> dict[tuple, TableRow]:
    return {(tuple(r.path), tuple(r.columns)): r for r in report.table_rows if r.table == table}


def _change(old: TableRow | None, new: TableRow | None) -> str:
    if old is None or new is None or old.value is None or new.value is None:
        return MISSING
    delta = new.value - old.value
    return f"{'+' if delta > 0 else ''}{number_text(delta)}"


def _value(row: TableRow | None) -> str:
    return row.value_text() if row is not None else MISSING


def write_comparison(last: Report, now: Report, path: Path) -> None:
    doc = Document()
    doc.add_heading(f"{now.unit} {last.year}年与{now.year}年政府信息公开工作年度报告对照", level=1)
    tables = dict.fromkeys([*TABLES, *(r.table for r in [*last.table_rows, *now.table_rows])])  # old template too
    for table in tables:
        before, after = _cells(last, table), _cells(now, table)
        keys = list(dict.fromkeys([*before, *after]))
        if not keys:
            continue
        doc.add_heading(f"《{table}》", level=2)
        grid = doc.add_table(rows=1, cols=4)
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, ("指标", f"{last.year}年", f"{now.year}年", "变化")):
            cell.text = text
        for key in keys:
            old, new = before.get(key), after.get(key)
            label = " > ".join([*key[0], *key[1]])
            for cell, text in zip(grid.add_row().cells, (label, _value(old), _value(new), _change(old, new))):
                cell.text = text
    doc.add_heading("审查发现", level=2)
    for report, findings in ((last, audit_report(last)), (now, audit_report(now) + year_findings(now, last))):
        doc.add_heading(f"{report.year}年({report.report_id}):{len(findings)} 条", level=3)
        for finding in findings:
            doc.add_paragraph(_finding_line(finding), style="List Bullet")
    doc.add_heading("正文章节", level=2)
    for report in (last, now):
        doc.add_heading(f"{report.year}年", level=3)
        for section in report.sections:
            doc.add_paragraph(section.heading, style="List Bullet")
    doc.save(path)


def _finding_line(finding: Finding) -> str:
    return f"[{SEVERITY_NAMES[finding.severity]}·{KIND_NAMES.get(finding.kind, finding.kind)}] {finding.explanation}"
