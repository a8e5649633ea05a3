"""Digits that ran together, cut into cells only where the cut is forced.

A statistics table saved as text loses its cell borders: "规章000" or "294981916" under two
columns. Digits are split only where the split is forced: by the number of value columns, by
spaces still standing between them, by the table's own arithmetic (a 总计 column, a parent = its
其中 rows, 历年累计 ≥ 本年度) or by a figure the narrative states for the row. A row that can still
be split more than one way keeps its printed digits, marked unsplit, with a warning: a guessed
number would be cited as the report's own.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate, product
from math import prod
from typing import Callable

from index.layout import CELL_SEPARATOR
from index.report import UNSPLIT

MAX_SPLITS = 5000  # more ways than this to cut one row's digits: no rule will single one out
MAX_STEPS = 100_000  # pieces tried for one row before it is given up as having too many readings
MAX_COMBINATIONS = 20000  # rows × candidates tried against one cross-row rule
_NUMBER = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?")  # "0074" is no number: only "0" may start with 0
_DASHES = re.compile(r"[—–]+")  # a cell printed as a dash: blank, and where it stands is certain
TOKEN = r"(?:[+-]?\d(?:\d|\.(?=\d))*|[—–]+)"
_FRAGMENT = re.compile(TOKEN)
_SPACED = re.compile(r"\S\s+\S")
Rule = Callable[[tuple[str, ...], int], bool]  # a row's values so far, and how many characters are left


def printed_fragments(raw: str) -> list[str]:
    """The digits as printed, cut where a space, a sign or a dash already separates two cells."""
    return _FRAGMENT.findall(raw)


def _value(piece: str) -> str | None:
    """A piece of the digits as a cell: the number, "" for a dash, None when it is neither."""
    if _NUMBER.fullmatch(piece):
        return piece
    return "" if _DASHES.fullmatch(piece) else None


def _splits(fragments: list[str], width: int, rule: Rule | None) -> list[tuple[str, ...]] | None:
    """Every way to read `fragments` as `width` cells that `rule` accepts; None when there are too
    many to matter. A cut may fall inside a run of digits, never across a space or a dash."""
    text = "".join(fragments)
    cuts = set(accumulate(len(f) for f in fragments))
    found: list[tuple[str, ...]] = []
    steps = 0

    def walk(start: int, prefix: tuple[str, ...]) -> None:
        nonlocal steps
        if len(prefix) == width:
            if start == len(text):
                found.append(prefix)
            return
        for end in range(start + 1, len(text) - (width - len(prefix) - 1) + 1):
            steps += 1
            if len(found) > MAX_SPLITS or steps > MAX_STEPS:
                return
            value = _value(text[start:end])
            whole = value is not None and (value or end in cuts)  # a dash is taken whole
            if whole and (rule is None or rule((*prefix, value), len(text) - end)):
                walk(end, (*prefix, value))
            if end in cuts:
                break

    walk(0, ())
    return None if len(found) > MAX_SPLITS or steps > MAX_STEPS else found


def total_rule(groups: list[tuple[list[int], int]], width: int) -> Rule:
    """Each (parts, total): the value in column `total` is the sum of the columns in `parts`. The
    total has at least as many digits as its largest part, so a part may not take the room the
    total needs; this keeps long runs of digits from being tried every way."""
    def check(values: tuple[str, ...], rest: int) -> bool:
        index = len(values) - 1
        for parts, total in groups:
            terms = [values[p] for p in [*parts, total] if p <= index]
            if index == total and all(terms) and sum(Decimal(values[p]) for p in parts) != Decimal(values[total]):
                return False
            if index in parts:
                longest = max(len(values[p].split(".")[0]) for p in parts if p <= index)
                if rest < sum(p > index for p in parts) + longest + width - total - 1:
                    return False
        return True
    return check


def running_total_rule(running: list[int]) -> Rule:
    """A running total (历年累计) is never below this year's figure, the first column."""
    def check(values: tuple[str, ...], rest: int) -> bool:
        return not (len(values) - 1 in running and values[0] and values[-1]
                    and Decimal(values[-1]) < Decimal(values[0]))
    return check


@dataclass(eq=False)
class Row:
    """One printed row: its label path, unit and the digits printed after it."""

    path: list[str]
    unit: str
    raw: str  # digits as printed; "" when the row has no figures at all
    line: int  # 1-based source line, for the warning
    width: int
    candidates: list[tuple[str, ...]] = field(default_factory=list)
    reason: str = ""  # why the row cannot be read, when it cannot

    @property
    def label(self) -> str:
        return self.path[-1]

    @property
    def printed(self) -> bool:
        return bool(self.raw)


def read_table(rows: list[Row], rule: Rule | None) -> None:
    """Candidates for every row. In a table printed cell by cell (some row shows each of its numbers
    apart) a number is never cut: a row with fewer numbers than columns lost a blank cell, and
    where is unknown."""
    spaced = any(_SPACED.search(row.raw) and len(printed_fragments(row.raw)) == row.width > 1 for row in rows)
    for row in rows:
        _read_values(row, rule, spaced)


def _read_values(row: Row, rule: Rule | None, spaced: bool) -> None:
    """Cells printed apart are taken as they stand; digits run together must also obey the row's
    own rule, else a blank cell that vanished would shift the others."""
    if not row.printed:
        row.candidates = [("",) * row.width]
        return
    fragments = printed_fragments(row.raw)
    cells = [_value(f) for f in fragments]
    if len(cells) == row.width and None not in cells:
        row.candidates = [tuple(cells)]
        return
    if spaced:
        problem = f"印有 {len(cells)} 个数值,与 {row.width} 列对不上" if len(cells) != row.width else "含有无法识别的数值"
        row.reason = row.reason or problem
        return
    found = _splits(fragments, row.width, rule)
    if found is None:
        row.reason = row.reason or f"拆分为 {row.width} 列的方法太多"
    elif not found:
        row.reason = row.reason or f"无法按本表规则拆分为 {row.width} 列"
    row.candidates = found or []


@dataclass
class Sum:
    """Column by column, the rows in `left` add up to the rows in `right`."""

    left: list[Row]
    right: list[Row]

    def holds(self, values: dict[int, tuple[str, ...]]) -> bool:
        width = self.left[0].width
        for column in range(width):
            left = sum(Decimal(values[id(r)][column]) for r in self.left)
            if left != sum(Decimal(values[id(r)][column]) for r in self.right):
                return False
        return True


def _narrow(rule: Sum) -> bool:
    """Keep only candidates that some combination satisfying the rule uses. A rule no combination
    satisfies says nothing (the report may not add up) and is left out."""
    members = list({id(r): r for r in [*rule.left, *rule.right]}.values())
    if any(not r.candidates or not all(all(values) for values in r.candidates) for r in members):
        return False  # a blank cell is no number: the rule cannot be checked
    if prod(len(r.candidates) for r in members) > MAX_COMBINATIONS:
        return False
    fits = [combo for combo in product(*(r.candidates for r in members))
            if rule.holds({id(r): values for r, values in zip(members, combo)})]
    changed = False
    for position, row in enumerate(members):
        keep = list(dict.fromkeys(combo[position] for combo in fits))
        if fits and len(keep) < len(row.candidates):
            row.candidates = keep
            changed = True
    return changed


def resolve(rows: list[Row], rules: list[Sum], confirm: Callable[[Row, tuple[str, ...]], bool] | None) -> None:
    """Apply the cross-row rules until nothing changes; then let the narrative settle one open row
    at a time, since a settled row can settle its partners through the rules."""
    while True:
        changed = False
        for rule in rules:
            changed = _narrow(rule) or changed
        if not changed and not (confirm and _confirm_one(rows, confirm)):
            return


def _confirm_one(rows: list[Row], confirm: Callable[[Row, tuple[str, ...]], bool]) -> bool:
    """Settle the first open row whose readings the narrative confirms exactly one of."""
    for row in rows:
        if len(row.candidates) > 1:
            stated = [values for values in row.candidates if confirm(row, values)]
            if len(stated) == 1:
                row.candidates = stated
                return True
    return False


def row_cells(row: Row, warnings: list[str], source: str, form: str = "网页文字") -> list[str]:
    """The row's values when exactly one reading is left; otherwise every cell holds the printed digits
    marked unsplit (not 未填报: the report did print figures there) and a warning names the row and
    the `form` of text it came from."""
    if len(row.candidates) == 1 and not row.reason:
        return list(row.candidates[0])
    reason = row.reason or f"有 {len(row.candidates)} 种拆分方法"
    warnings.append(f"{source}:{row.line}: {form}中的统计表行“{' / '.join(row.path)}”的数字 {row.raw!r} "
                    f"{reason},该行数值记为无法识别")
    return [f"{row.raw}{UNSPLIT}"] * row.width


def table_line(cells: list[str]) -> str:
    return " ".join(f"{cell} {CELL_SEPARATOR}" for cell in cells)


@dataclass
class Flat:
    """A table found in narrative text: where its text starts and ends, and its canonical rows."""

    start: int
    end: int
    lines: list[str]


@dataclass
class Context:
    """What a table finder reports to: the file, its warnings, and source lines for offsets."""

    source: str
    warnings: list[str]
    offsets: list[int]  # where each joined source line starts in the joined text
    numbers: list[int]  # 1-based number of each joined source line

    def line_of(self, offset: int) -> int:
        return self.numbers[bisect_right(self.offsets, offset) - 1]
