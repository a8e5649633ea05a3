"""What an import read, laid out for a person: metadata, headings, each table as a grid, warnings, rules.

`python -m index show ID` and the staff page print this, so whoever imported a report sees at
a glance whether the unit, the year, the sections and every cell came out right. Blank cells
print as 未填报, the way the answers say them.
"""
from __future__ import annotations

from index.report import Report, TableRow
from index.table_rules import check_tables

BLANK = "未填报"
_VERDICT = {True: "成立", False: "不成立", None: "无法核对"}


def _value(row: TableRow) -> str:
    return BLANK if row.value is None else f"{row.value:g}"


def table_grids(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """(table name, column names, rows of [label, value…]) per table, in the order read. An old-format
    table (one value column per row) gets a 单位 column, as it is printed."""
    grids: dict[str, tuple[list[str], dict[str, dict[str, str]]]] = {}
    for row in report.table_rows:
        columns, rows = grids.setdefault(row.table, ([], {}))
        column = " / ".join(row.columns) or "数值"
        cells = rows.setdefault(" > ".join(row.path), {})
        if not row.columns:
            cells["单位"] = row.unit
        for name in (["单位"] if not row.columns else []) + [column]:
            if name not in columns:
                columns.append(name)
        cells[column] = _value(row)
    return [(table, columns, [[label, *(cells.get(c, "") for c in columns)] for label, cells in rows.items()])
            for table, (columns, rows) in grids.items()]


def render_report(report: Report) -> str:
    lines = [
        f"编号: {report.report_id}",
        f"标题: {report.title or '(未识别)'}",
        f"单位: {report.unit or '(未识别)'}    层级: {report.level or '-'}    地区: {report.region or '-'}"
        f"    年度: {report.year or '(未识别)'}    模板: {'2019年以后' if report.template == '2019' else '2019年以前'}",
        f"来源文件: {report.source}",
        "",
        f"章节({len(report.sections)}):",
        *(f"  {s.heading}  ({len(s.text)} 字)" for s in report.sections),
    ]
    for table, columns, rows in table_grids(report):
        lines += ["", f"表格《{table}》({len(rows)} 行):", "  " + " | ".join(["指标", *columns])]
        lines += ["  " + " | ".join(row) for row in rows]
    checks = check_tables(report)
    if checks:
        lines += ["", "表内勾稽关系:"]
        lines += [f"  [{_VERDICT[c.holds]}] {c.rule}: {c.detail}" for c in checks]
    lines += ["", f"警告({len(report.warnings)}):", *(f"  {w}" for w in report.warnings or ["(无)"])]
    return "\n".join(lines)
