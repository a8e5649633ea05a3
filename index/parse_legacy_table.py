"""Rows of the pre-2019 《政府信息公开情况统计表》: label | unit | value, with parent rows.

Nesting comes from the numbering: "一、" > "(一)" > "1." ; a "其中:" row is a
child of the row above it, and an unnumbered row right after a "其中:" row is
that child's sibling (其中:涉及国家秘密 / 涉及商业秘密 / …).
"""
from __future__ import annotations

import re

from index.layout import TableBlock, squeeze
from index.numbers import is_blank_cell, parse_number
from index.report import STATS_TABLE, TableRow

_LEVEL_PATTERNS = (
    re.compile(r"^[一二三四五六七八九十]+[、.]"),
    re.compile(r"^\([一二三四五六七八九十]+\)"),
    re.compile(r"^\d+[.、]"),
)
_SUBSET = re.compile(r"^其中[::]\s*")
_HEADER_WORDS = ("统计指标", "指标", "单位", "统计数")
UNITS = ("条", "件", "次", "人", "万元", "元", "个", "篇", "人次", "项", "起", "家", "期", "场")


def is_legacy_header(row: list[str]) -> bool:
    return len(row) >= 2 and squeeze(row[0]) in ("统计指标", "指标") and "单位" in squeeze(row[1])


def _level(label: str) -> int | None:
    for depth, pattern in enumerate(_LEVEL_PATTERNS):
        if pattern.match(label):
            return depth
    return None


def parse_legacy_table(block: TableBlock, warnings: list[str], source: str) -> list[TableRow]:
    rows: list[TableRow] = []
    stack: list[tuple[int, str]] = []  # (depth, label) of open numbered rows
    subset_parent: str | None = None  # the row that a run of 其中 rows hangs under
    for cells, line in zip(block.rows, block.lines):
        if is_legacy_header(cells) or all(squeeze(c) in _HEADER_WORDS or not c for c in cells):
            continue
        label = cells[0].strip()
        unit_cell = cells[1].strip() if len(cells) > 1 else ""
        value_cell = cells[2].strip() if len(cells) > 2 else ""
        if not label:
            warnings.append(f"{source}:{line}: 表格行缺少指标名称,已跳过: {' | '.join(cells)}")
            continue
        unit = "" if is_blank_cell(unit_cell) else unit_cell
        value = None if is_blank_cell(value_cell) else parse_number(value_cell)
        if value is None and not is_blank_cell(value_cell):
            warnings.append(f"{source}:{line}: 无法识别的数值 {value_cell!r}({label}),按未填报处理")
        depth = _level(label)
        if depth is not None:
            while stack and stack[-1][0] >= depth:
                stack.pop()
            parents = [lbl for _, lbl in stack]
            stack.append((depth, label))
            subset_parent = None
        elif _SUBSET.match(label):
            subset_parent = rows[-1].label if rows else None
            parents = ([*rows[-1].parents, rows[-1].label] if rows else [])
        elif subset_parent is not None:
            parents = list(rows[-1].parents)
        else:
            parents = [lbl for _, lbl in stack]
        if unit and unit not in UNITS:
            warnings.append(f"{source}:{line}: 不常见的计量单位 {unit!r}({label})")
        rows.append(TableRow(label=label, unit=unit, value=value, raw=value_cell,
                             parents=parents, table=STATS_TABLE, line=line))
    return rows
