"""Rows of the pre-2019 《政府信息公开情况统计表》: label | unit | value(s), with parent rows.

Nesting comes from the numbering: "一、" > "(一)" > "1." ; a "其中:" row is a
child of the row above it, and the rows right after it that are numbered like it
(其中:1、当面申请数 / 2、网上申请数) or, when it is unnumbered, unnumbered rows
(其中:涉及国家秘密 / 涉及商业秘密 / …) are its siblings.

Most tables have one value column. Some print a second one ("指标名称 | 计量单位 |
2015年度 | 历年累计"): the first stays the row's plain value (`columns` empty, as every
answer reads it), each further column is a cell of its own under the header's name.
"""
from __future__ import annotations

import re

from index.layout import TableBlock, squeeze
from index.numbers import is_blank_cell, parse_number
from index.report import STATS_TABLE, UNSPLIT, TableRow

_LEVEL_PATTERNS = (
    re.compile(r"^[一二三四五六七八九十]+[、.]"),
    re.compile(r"^\([一二三四五六七八九十]+\)"),
    re.compile(r"^\d+[.、]"),
)
_SUBSET = re.compile(r"^其中[::]\s*")
_LABEL_HEADERS = ("统计指标", "指标", "指标名称")
_HEADER_WORDS = (*_LABEL_HEADERS, "单位", "计量单位", "统计数")
UNITS = ("条", "件", "次", "人", "万元", "元", "个", "篇", "人次", "项", "起", "家", "期", "场")


def is_legacy_header(row: list[str]) -> bool:
    return len(row) >= 2 and squeeze(row[0]) in _LABEL_HEADERS and "单位" in squeeze(row[1])


def _level(label: str) -> int | None:
    for depth, pattern in enumerate(_LEVEL_PATTERNS):
        if pattern.match(label):
            return depth
    return None


class LegacyNesting:
    """Parents of each row, fed the labels top to bottom; `in_subset` tells whether the last row
    belongs to a run of 其中 rows (a part of the row above the run, not a heading's child)."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []  # (depth, label) of open numbered rows
        self._previous: tuple[list[str], str] | None = None  # (parents, label) of the row above
        self._subset: tuple[list[str], int | None] | None = None  # (parents, numbering depth) of a 其中 run
        self.in_subset = False

    def parents_of(self, label: str) -> list[str]:
        depth = _level(label)
        subset = _SUBSET.match(label)
        if subset:
            parents = [*self._previous[0], self._previous[1]] if self._previous else []
            self._subset = (parents, _level(label[subset.end():]))
        elif self._subset is not None and self._subset[1] == depth:
            parents = self._subset[0]
        else:
            self._subset = None
            if depth is not None:
                while self._stack and self._stack[-1][0] >= depth:
                    self._stack.pop()
            parents = [lbl for _, lbl in self._stack]
            if depth is not None:
                self._stack.append((depth, label))
        self.in_subset = self._subset is not None
        self._previous = (parents, label)
        return list(parents)


def _value_columns(block: TableBlock) -> list[tuple[int, list[str]]]:
    """(cell position, column path) of each value column: the first unnamed, the others named by
    the header ("历年累计"); a table without a header row has its one value column."""
    header = next((row for row in block.rows[:3] if is_legacy_header(row)), None)
    names = [squeeze(cell) for cell in header[2:]] if header else []
    return [(2, [])] + [(2 + i, [name]) for i, name in enumerate(names) if i and name]


def parse_legacy_table(block: TableBlock, warnings: list[str], source: str) -> list[TableRow]:
    rows: list[TableRow] = []
    nesting = LegacyNesting()
    columns = _value_columns(block)
    for cells, line in zip(block.rows, block.lines):
        if is_legacy_header(cells) or all(squeeze(c) in _HEADER_WORDS or not c for c in cells):
            continue
        label = cells[0].strip()
        unit_cell = cells[1].strip() if len(cells) > 1 else ""
        if not label:
            warnings.append(f"{source}:{line}: 表格行缺少指标名称,已跳过: {' | '.join(cells)}")
            continue
        unit = "" if is_blank_cell(unit_cell) else unit_cell
        parents = nesting.parents_of(label)
        for position, column in columns:
            value_cell = cells[position].strip() if len(cells) > position else ""
            value = None if is_blank_cell(value_cell) else parse_number(value_cell)
            if value is None and not is_blank_cell(value_cell) and not value_cell.endswith(UNSPLIT):
                name = " / ".join([label, *column])
                warnings.append(f"{source}:{line}: 无法识别的数值 {value_cell!r}({name}),未导入数值")
            rows.append(TableRow(label=label, unit=unit, value=value, raw=value_cell, parents=list(parents),
                                 columns=column, table=STATS_TABLE, line=line))
        if unit and unit not in UNITS:
            warnings.append(f"{source}:{line}: 不常见的计量单位 {unit!r}({label})")
    return rows
