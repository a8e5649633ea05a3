"""The review as staff read it: a spreadsheet with one row per finding (frozen header, filters, columns wide
enough for Chinese text) and a summary sheet of units × kinds of finding; or the same rows as CSV."""
from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from review.batch import ReviewItem
from review.findings import KIND_NAMES, SEVERITY_NAMES
from review.marks import DECISION_NAMES

HEADERS = ["单位", "年度", "报告", "严重程度", "类型", "说明", "出处", "指纹", "复核结论", "复核说明"]
MAX_WIDTH = 60  # a wider column wraps instead
WRAPPED = {"说明", "出处", "复核说明"}


def rows(items: list[ReviewItem]) -> list[list]:
    return [[item.unit, item.year or "", item.report_id, SEVERITY_NAMES[item.finding.severity],
             KIND_NAMES.get(item.finding.kind, item.finding.kind), item.finding.explanation, _sources(item),
             item.fingerprint, DECISION_NAMES[item.mark.decision] if item.mark else "",
             item.mark.note if item.mark else ""] for item in items]


def _sources(item: ReviewItem) -> str:
    lines = []
    for citation in item.finding.citations:
        where = "统计表" if citation.kind == "table_row" else "正文"
        lines.append(f"{where}({citation.report}){citation.label}:“{citation.quote}”")
    return "\n".join(lines)


def write_csv(items: list[ReviewItem], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as out:  # the BOM lets Excel read it as UTF-8
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(rows(items))


def write_xlsx(items: list[ReviewItem], path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "发现"
    _table(sheet, HEADERS, rows(items))
    _table(book.create_sheet("汇总"), *_summary(items))
    book.save(path)


def _summary(items: list[ReviewItem]) -> tuple[list[str], list[list]]:
    """One row per unit and year: how many findings of each kind, and how many were confirmed or dismissed."""
    kinds = [k for k in KIND_NAMES if any(i.finding.kind == k for i in items)]
    headers = ["单位", "年度", "报告", *(KIND_NAMES[k] for k in kinds), "合计", *DECISION_NAMES.values()]
    table: list[list] = []
    reports = dict.fromkeys((i.unit, i.year or "", i.report_id) for i in items)
    for unit, year, report_id in reports:
        mine = [i for i in items if i.report_id == report_id]
        counts = Counter(i.finding.kind for i in mine)
        decided = Counter(i.mark.decision for i in mine if i.mark)
        table.append([unit, year, report_id, *(counts[k] for k in kinds), len(mine),
                      *(decided[d] for d in DECISION_NAMES)])
    return headers, table


def _table(sheet: Worksheet, headers: list[str], body: list[list]) -> None:
    sheet.append(headers)
    for row in body:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if body:
        sheet.auto_filter.ref = sheet.dimensions
    for index, header in enumerate(headers, start=1):
        column = get_column_letter(index)
        longest = max(_width(line) for value in [header, *(r[index - 1] for r in body)]
                      for line in str(value).splitlines() or [""])
        sheet.column_dimensions[column].width = min(longest + 2, MAX_WIDTH)
        if header in WRAPPED:
            for cell in sheet[column][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns of a Latin one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
