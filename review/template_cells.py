"""Reading the 2019+ template's tables by what their rows mean: a row's total (its 总计 cell, or the sum of
its applicant columns where that cell was left blank), a 办理结果 group's total, the review table's outcomes.
The audit and the comparison across years ask these questions; the table's layout is answered here once."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.parse_template2019 import ACTIVE_TABLE, REQUEST_TABLE, REVIEW_TABLE
from index.report import Report, TableRow

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
RESULTS = "三、本年度办理结果"
REVIEW, LAWSUIT = "行政复议", "行政诉讼"


@dataclass
class Amount:
    """A count read from the table, with the cells it was read from and how ("总计栏空白,按各类申请人合计")."""

    value: float | None
    cells: list[TableRow] = field(default_factory=list)
    note: str = ""


def request_rows(report: Report) -> list[TableRow]:
    return [r for r in report.table_rows if r.table == REQUEST_TABLE and r.columns]


def row_cells(report: Report, label_start: str) -> list[TableRow]:
    """The cells of the first 表三 row whose label starts with `label_start` (its 总计 column last)."""
    rows = request_rows(report)
    label = next((r.label for r in rows if r.label.startswith(label_start)), None)
    return [r for r in rows if r.label == label]


def row_total(cells: list[TableRow]) -> Amount:
    total = next((c for c in cells if c.columns[-1] == "总计"), None)
    if total is not None and total.value is not None:
        return Amount(total.value, [total])
    parts = [c for c in cells if c.columns[-1] != "总计" and c.value is not None]
    if not parts:
        return Amount(None, [total] if total else [])
    note = "总计栏空白,按各类申请人合计" if total is not None else ""
    return Amount(sum(c.value for c in parts), parts, note)


def group_total(report: Report, group: str) -> Amount:
    """"(三)不予公开" and the like: its own row, or the sum of its numbered items' totals."""
    own = row_cells(report, group)
    if own and own[0].parents == [RESULTS]:
        return row_total(own)
    return add([amount for _, amount in group_items(report, group)])


def add(amounts: list[Amount]) -> Amount:
    """The sum of the amounts that have a value; blank ones take no part (None when all are blank)."""
    filled = [a for a in amounts if a.value is not None]
    if not filled:
        return Amount(None, [c for a in amounts for c in a.cells])
    notes = dict.fromkeys(a.note for a in filled if a.note)
    return Amount(sum(a.value for a in filled), [c for a in filled for c in a.cells], "".join(notes))


def group_items(report: Report, group: str) -> list[tuple[str, Amount]]:
    """Each numbered item of a 办理结果 group with its total."""
    labels = dict.fromkeys(r.label for r in request_rows(report) if group in r.parents)
    return [(label, row_total(row_cells(report, label))) for label in labels]


def review_cells(report: Report, case: str, outcome: str) -> list[TableRow]:
    """行政复议 or 行政诉讼 (both of its groups) cells of one outcome, e.g. ("行政诉讼", "尚未审结")."""
    return [r for r in report.table_rows if r.table == REVIEW_TABLE and r.columns
            and r.columns[0] == case and r.columns[-1] == outcome]


def review_total(report: Report, case: str, outcome: str = "总计") -> Amount:
    cells = review_cells(report, case, outcome)
    filled = [c for c in cells if c.value is not None]
    return Amount(sum(c.value for c in filled) if filled else None, filled or cells)


def active_cell(report: Report, item: str, columns: tuple[str, ...]) -> TableRow | None:
    """A 表二 cell: "规章" or "行政规范性文件" (the 2019 version prints "规范性文件") in the first of `columns` it has."""
    rows = [r for r in report.table_rows if r.table == ACTIVE_TABLE and r.columns]
    for column in columns:
        cell = next((r for r in rows if r.columns[-1] == column and item.endswith(r.label)), None)
        if cell is not None:
            return cell
    return None
