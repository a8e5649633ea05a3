"""Statistics tables whose cells ran together: text saved from a government web page.

A page saved as text loses the table's cell borders and often its line breaks too: the
统计表 becomes "主动公开文件数条294981916其中:1、政府网站公开数条2949819162、…" at the end
of one long narrative line. The parsers read tables only from canonical rows ("a | b |"),
so this module finds such text, cuts it out of the narrative and writes it back as rows.

Digits that ran together are split only where the split is forced (index.flat_split); rows
are found by their labels (index.flat_legacy, index.flat_template2019). Tables that pdftotext
spread over many lines are rebuilt before that (index.flat_pdf).
"""
from __future__ import annotations

import re
from itertools import accumulate
from typing import Callable

from index.flat_legacy import legacy_table
from index.flat_pdf import restore_pdf_tables
from index.flat_scan import CN
from index.flat_split import Context, Flat
from index.flat_template2019 import active_table, request_table, review_table
from index.layout import is_table_line

_HEADING_START = re.compile(rf"(?:(?<=[。;!?\s])|^)(?:[{CN}]{{1,3}}\s*、|附表|附件)")
_FINDERS = (legacy_table, request_table, review_table, active_table)


class _Tables:
    """The tables of one text in order. Each finder's next table is kept until it is used or
    overtaken, so a long page is searched once per table, not once per table and finder."""

    def __init__(self, text: str, context: Context) -> None:
        self.text = text
        self.context = context
        self.pending: dict[Callable, tuple[Flat, list[str]] | None] = {}

    def next_after(self, position: int) -> Flat | None:
        """The earliest table starting at or after `position`; only its warnings are kept."""
        for finder in _FINDERS:
            stale = finder not in self.pending or (self.pending[finder] and self.pending[finder][0].start < position)
            if stale:
                self.pending[finder] = self._find(finder, position)
        found = [kept for kept in self.pending.values() if kept is not None]
        if not found:
            return None
        table, warnings = min(found, key=lambda kept: kept[0].start)
        self.context.warnings.extend(warnings)
        return table

    def _find(self, finder: Callable, position: int) -> tuple[Flat, list[str]] | None:
        trial = Context(self.context.source, [], self.context.offsets, self.context.numbers)
        table = finder(self.text, position, trial)
        return (table, trial.warnings) if table else None


def _split_heading(before: str) -> tuple[str, str]:
    """The narrative before a table, and the table's heading ("七、…情况统计表") as a line of its own."""
    body = before.rstrip()
    starts = list(_HEADING_START.finditer(body))
    if starts:
        tail = body[starts[-1].start():]
        if len(tail) <= 60 and "。" not in tail and "\n" not in tail:
            return body[:starts[-1].start()], tail.strip()
    return body, ""


def _narrative_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def _restore_run(lines: list[str], first_line: int, warnings: list[str], source: str) -> list[str]:
    """Consecutive narrative lines with any flat tables in them cut out and written as rows."""
    text = "\n".join(lines)
    offsets = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    numbers = list(range(first_line, first_line + len(lines)))
    tables = _Tables(text, Context(source, warnings, offsets, numbers))
    out: list[str] = []
    position = 0
    while table := tables.next_after(position):
        before, heading = _split_heading(text[position:table.start])
        out += _narrative_lines(before) + ([heading] if heading else []) + table.lines
        position = table.end
    return out + _narrative_lines(text[position:]) if out else lines


def restore_flat_tables(lines: list[str], warnings: list[str], source: str) -> list[str]:
    """Canonical lines with statistics tables that lost their cell separators written back as
    table rows; lines without such tables are returned as they were. Tables that pdftotext spread
    over many lines are rebuilt first (index.flat_pdf)."""
    lines = restore_pdf_tables(lines, warnings, source)
    out: list[str] = []
    run: list[str] = []
    for number, line in enumerate(lines, start=1):
        if is_table_line(line.strip()):
            out += _restore_run(run, number - len(run), warnings, source) if run else []
            out.append(line)
            run = []
        else:
            run.append(line)
    if run:
        out += _restore_run(run, len(lines) - len(run) + 1, warnings, source)
    return out
