"""Totals of a column group, or of a group of rows, that the table prints no cell for.

The 2019 template splits 行政诉讼 into 未经复议直接起诉 and 复议后起诉, each with its own 总计 column, and
has no 行政诉讼 总计: "被告了几次" is answered by both 总计 cells, each cited, and their sum. Likewise (三)不予公开
is only the heading of its eight reasons: "不予公开的有几件" is answered by the eight rows' cells and their sum.
The sum is stated only beside its cited parts, and never when a part is blank: a blank cell is 未填报, not 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.claims import number_text
from index.report import TableRow

TOTAL_COLUMN = "总计"


@dataclass
class GroupTotal:
    group: str  # the column group the parts split, e.g. "行政诉讼", or the rows' parent, e.g. "(三)不予公开"
    parts: list[TableRow]  # its 总计 cells, or the rows' cells of one column, in table order
    by_rows: bool = False  # the parts are rows under one parent, not columns of one row

    @property
    def value(self) -> float | None:
        if any(part.is_blank for part in self.parts):
            return None
        return sum(part.value for part in self.parts)

    @property
    def unit(self) -> str:
        return self.parts[0].unit

    @property
    def names(self) -> str:
        """What the parts are, as the table names them: "未经复议直接起诉、复议后起诉"."""
        return "、".join(part.label if self.by_rows else part.columns[-2] for part in self.parts)

    def as_row(self) -> TableRow:
        """The total as a cell, to compare a narrative figure with ("行政诉讼 46 件"); it is never cited
        itself: its parts are."""
        first = self.parts[0]
        if self.by_rows:
            return TableRow(label=first.parents[-1], unit=first.unit, value=self.value, raw="",
                            parents=list(first.parents[:-1]), columns=list(first.columns), table=first.table,
                            line=first.line)
        return TableRow(label=first.label, unit=first.unit, value=self.value, raw="", parents=list(first.parents),
                        columns=[*first.columns[:-2], TOTAL_COLUMN], table=first.table, line=first.line)

    def sentence(self) -> str:
        names = self.names
        if self.value is None:
            return f"{self.group}的{names}中有一栏未填报,不能相加得出{self.group}合计。"
        added = " + ".join(number_text(part.value) for part in self.parts)
        return f"{self.group}合计 {number_text(self.value)} {self.unit}({names}相加:{added})。"


def group_totals(rows: list[TableRow]) -> list[GroupTotal]:
    """Every set of 总计 cells of one row that split one column group between them."""
    found: dict[tuple, list[TableRow]] = {}
    for row in rows:
        if len(row.columns) >= 3 and row.columns[-1] == TOTAL_COLUMN:
            found.setdefault((row.table, tuple(row.path), tuple(row.columns[:-2])), []).append(row)
    return [GroupTotal(" / ".join(key[2]), parts) for key, parts in found.items()
            if len(parts) > 1 and len({p.unit for p in parts}) == 1]


def row_group_total(rows: list[TableRow]) -> GroupTotal | None:
    """The total of cells of one column in rows under one parent (the reasons of (三)不予公开). Only for rows
    known to be the whole group (`lookup.asks_group`): two of a parent's four rows are no total of it."""
    first = rows[0]
    if len(rows) < 2 or not first.parents or len({r.unit for r in rows}) > 1:
        return None
    if len({r.label for r in rows}) < len(rows):
        return None
    if any((r.table, r.parents, r.columns) != (first.table, first.parents, first.columns) for r in rows):
        return None
    return GroupTotal(first.parents[-1], list(rows), by_rows=True)


def total_of(rows: list[TableRow]) -> GroupTotal | None:
    """The group total these cells are exactly the parts of, if any."""
    for total in group_totals(rows):
        if len(total.parts) == len(rows):
            return total
    return None
