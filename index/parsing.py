"""Canonical lines → Report: picks the template, runs the narrative and table parsers."""
from __future__ import annotations

import re
from pathlib import Path

from index.flat_tables import restore_flat_tables
from index.layout import TableBlock, split_layout
from index.parse_legacy_table import is_legacy_header, parse_legacy_table
from index.parse_narrative import parse_narrative
from index.parse_template2019 import is_template2019_table, parse_template2019_tables
from index.report import Report, ReportError
from index.scan_places import place_report

_CAPTION = re.compile(r"^(\(?\d{4}\s*年度?\)?|.*统计表.*|单位[::].*|填报单位.*)$")
_ID_UNSAFE = re.compile(r"[^\w\-]+")


def report_id_for(path: str | Path) -> str:
    """A stable id from the file name: adding the same file again replaces the same report."""
    stem = Path(path).stem.strip().lower()
    rid = _ID_UNSAFE.sub("-", stem).strip("-")
    if not rid:
        raise ReportError(f"{path}: 无法从文件名生成报告编号")
    return rid


def _legacy_tables(tables: list[TableBlock]) -> list[TableBlock]:
    return [t for t in tables if t.rows and any(is_legacy_header(r) for r in t.rows[:3])]


def parse_report(lines: list[str], source: str, report_id: str, warnings: list[str] | None = None) -> Report:
    """`warnings` may already hold what reading the file found (cells OCR could not read). Lines OCR read
    from a scanned page (index.scan_places.ScanLine) leave the page and place they were printed at on the
    report: restoring flat tables keeps every line it does not rewrite as it was."""
    warnings = list(warnings or [])
    lines = restore_flat_tables(lines, warnings, source)
    layout = split_layout(lines)
    if not layout.narrative and not layout.tables:
        raise ReportError(f"{source}: 文件为空或没有可读的文字")
    legacy = _legacy_tables(layout.tables)
    modern = [t for t in layout.tables if t not in legacy and is_template2019_table(t)]
    table_start = legacy[0].lines[0] if legacy else None
    narrative = parse_narrative(layout.narrative, table_start)
    if not narrative.year and not narrative.sections:
        raise ReportError(f"{source}: 不是可识别的政府信息公开工作年度报告(找不到标题年份和编号章节)")

    rows = [row for block in legacy for row in parse_legacy_table(block, warnings, source)]
    rows += parse_template2019_tables(modern, warnings, source)
    for block in layout.tables:
        if block not in legacy and block not in modern:
            warnings.append(f"{source}:{block.lines[0]}: 无法识别的表格({len(block.rows)} 行),未导入指标")
    for number, line in narrative.unplaced:
        if not _CAPTION.match(line):
            warnings.append(f"{source}:{number}: 未能归入任何章节的文字: {line[:40]}")
    if not rows:
        warnings.append(f"{source}: 未找到统计表,只导入了正文")
    report = Report(
        report_id=report_id,
        title=narrative.title,
        unit=narrative.unit or narrative.signoff.get("填报单位", ""),
        year=narrative.year,
        level=narrative.level,
        region=narrative.region,
        template="2019" if modern and not legacy else "legacy",
        intro=narrative.intro,
        sections=narrative.sections,
        table_rows=rows,
        signoff=narrative.signoff,
        source=source,
        warnings=warnings,
    )
    place_report(report, lines, {number for number, _ in layout.narrative})
    return report
