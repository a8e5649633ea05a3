"""The pre-2019 统计表 in run-together text: "指标名称计量单位2015年度历年累计主动公开文件数条…".

Rows are "label unit digits"; a parent row is the sum of its 其中 rows and a running total is
never below this year's figure, and the narrative's own figure ("主动公开政府信息2949条") may
settle a row the rules leave open.
"""
from __future__ import annotations

import re
from typing import Callable

from index.flat_scan import (BLANKS, LEADING_NUMBER, MARKER, MAX_LABEL, SPACE, Scanned, digits_after, label_pieces,
                             numbering, skip, spaced_word)
from index.flat_split import Context, Flat, Row, Sum, read_table, resolve, row_cells, running_total_rule, table_line
from index.layout import squeeze
from index.parse_legacy_table import UNITS, LegacyNesting

_SIGNOFF = re.compile(r"\s*(单\s*位\s*负\s*责\s*人|审\s*核\s*人|填\s*报\s*人|填\s*报\s*单\s*位|联\s*系\s*电\s*话|"
                      r"填\s*报\s*日\s*期|附\s*件|备\s*注|说\s*明\s*[::])")
_UNIT = re.compile("|".join(sorted(UNITS, key=len, reverse=True)))
_SENTENCE_END = re.compile(r"[。;!?,:、\n]")
_LEGACY_COLUMN = r"\d{4}\s*年度?|本年度?|上年度?|统计数|历年累计|累计数?|数量|数值"
_LEGACY_HEADER = re.compile(
    rf"({spaced_word('指标名称')}|{spaced_word('统计指标')}|{spaced_word('指标')})\s*({spaced_word('计量单位')}|{spaced_word('单位')})"
    rf"((?:\s*(?:{_LEGACY_COLUMN}))+)")
_GENERIC = ("政府信息公开", "政府信息", "信息公开", "政府", "信息")  # shared by every label and half the narrative
_MIN_SHARED = 4


def _unit_boundary(text: str, start: int) -> tuple[int, str, int] | None:
    """(label end, unit, after unit) of the row starting at `start`: the first unit followed by
    digits, a line break, the end, or the start of another row (a row printed without figures)."""
    for match in _UNIT.finditer(text, start):
        if match.start() - start > MAX_LABEL * 2:
            return None
        after = skip(text, match.end(), BLANKS)
        ends_row = after == len(text) or text[after].isdigit() or text[after] in "\n—–"
        if match.start() > start and (ends_row or MARKER.match(text, after) or _SIGNOFF.match(text, after)):
            return match.start(), match.group(0), match.end()
    return None


def _scan_legacy(text: str, position: int) -> tuple[list[Scanned], int]:
    """Rows "label unit digits" from `position` until something else begins: a sentence, the sign-off."""
    rows: list[Scanned] = []
    last = 0
    while True:
        start = skip(text, position, SPACE)
        boundary = None if _SIGNOFF.match(text, start) else _unit_boundary(text, start)
        labels = label_pieces(text[start:boundary[0]]) if boundary else None
        if labels is None:
            return rows, position
        last = numbering(labels, last)
        raw, position, broken = digits_after(text, boundary[2], last)
        rows.append(Scanned(labels, boundary[1], raw, boundary[2], broken))


def _legacy_rows(scanned: list[Scanned], columns: list[str], line_of: Callable[[int], int]) -> list[Row]:
    """Rows in print order; label pieces without figures (headings) become rows of their own."""
    width = len(columns)
    rule = running_total_rule([i for i, name in enumerate(columns) if i and "累计" in name])
    rows: list[Row] = []
    for item in scanned:
        line = line_of(item.offset)
        rows += [Row([label], "", "", line, width) for label in item.labels[:-1]]
        rows.append(Row([item.labels[-1]], item.unit, item.raw, line, width, reason=item.broken))
    read_table(rows, rule)
    return rows


def _subset_rules(rows: list[Row]) -> list[Sum]:
    """A parent row is the sum of its 其中 rows when they are a breakdown (two or more rows);
    one 其中 row alone is only a part ("其中:主要负责同志参加…")."""
    nesting = LegacyNesting()
    by_path: dict[tuple[str, ...], Row] = {}
    children: dict[int, list[Row]] = {}
    parents: dict[int, Row] = {}
    for row in rows:
        path = tuple(nesting.parents_of(row.label))
        parent = by_path.get(path)
        if nesting.in_subset and parent is not None:
            children.setdefault(id(parent), []).append(row)
            parents[id(parent)] = parent
        by_path[(*path, row.label)] = row
    return [Sum([parents[key]], kids) for key, kids in children.items() if len(kids) > 1]


def _stated(narrative: str, row: Row, values: tuple[str, ...]) -> bool:
    """The narrative gives this year's figure for the row: "2015年主动公开政府信息2949条" for
    主动公开文件数, the figure with the row's unit, in a clause sharing a word with the label."""
    if not row.unit or not values[0]:
        return False
    figure = re.compile(rf"(?<![\d.]){re.escape(values[0])}\s*{re.escape(row.unit)}")
    for match in figure.finditer(narrative):
        clause = _SENTENCE_END.split(narrative[max(0, match.start() - 40):match.start()])[-1]
        if _shares_words(clause, row.label):
            return True
    return False


def _shares_words(clause: str, label: str) -> bool:
    """A common run of at least four characters, once the words every label shares are dropped."""
    for word in _GENERIC:
        clause, label = clause.replace(word, "|"), label.replace(word, "|")
    label = LEADING_NUMBER.sub("", label.removeprefix("其中:"))
    return any(label[i:i + _MIN_SHARED] in clause for i in range(len(label) - _MIN_SHARED + 1)
               if "|" not in label[i:i + _MIN_SHARED])


def legacy_table(text: str, position: int, context: Context) -> Flat | None:
    for header in _LEGACY_HEADER.finditer(text, position):
        columns = [squeeze(c) for c in re.findall(_LEGACY_COLUMN, header.group(3))]
        scanned, end = _scan_legacy(text, header.end())
        if not scanned:
            continue
        rows = _legacy_rows(scanned, columns, context.line_of)
        narrative = text[:header.start()] + "\n" + text[end:]
        resolve(rows, _subset_rules(rows), lambda row, values: _stated(narrative, row, values))
        lines = [table_line([squeeze(header.group(1)), squeeze(header.group(2)), *columns])]
        lines += [table_line([row.label, row.unit, *row_cells(row, context.warnings, context.source)]) for row in rows]
        return Flat(header.start(), end, lines)
    return None
