"""Split a report's lines into narrative lines and table blocks.

Every reader (text, HTML, PDF, DOCX) produces the same canonical lines: text
as it reads, and each table row as cells joined by " | " (merged cells already
repeated into every position they cover). Parsers work on that form only, so
the same report in two formats yields the same indicators.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

CELL_SEPARATOR = "|"


@dataclass
class TableBlock:
    """Consecutive table rows; `caption` is the narrative line just above, if any."""

    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # 1-based source line of each row
    caption: str = ""


@dataclass
class Layout:
    narrative: list[tuple[int, str]]  # (1-based line, text), blank lines dropped
    tables: list[TableBlock]


def normalize_text(text: str) -> str:
    """NFKC folds full-width punctuation and digits (（一）→(一), ９→9) so patterns match once."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u3000", " ").replace("\ufeff", "")


def split_cells(line: str) -> list[str]:
    """'a | b | |' → ['a', 'b', '']: the trailing separator closes the last cell."""
    cells = [c.strip() for c in line.split(CELL_SEPARATOR)]
    if line.rstrip().endswith(CELL_SEPARATOR):
        cells = cells[:-1]
    return cells


def is_table_line(line: str) -> bool:
    return CELL_SEPARATOR in line and len(split_cells(line)) >= 2


def split_layout(lines: list[str]) -> Layout:
    narrative: list[tuple[int, str]] = []
    tables: list[TableBlock] = []
    current: TableBlock | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if is_table_line(line):
            if current is None:
                caption = narrative[-1][1] if narrative else ""
                current = TableBlock(caption=caption)
                tables.append(current)
            current.rows.append(split_cells(line))
            current.lines.append(number)
        else:
            current = None
            narrative.append((number, line))
    return Layout(narrative=narrative, tables=tables)


_SPACES = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Drop spaces inside Chinese labels ('审 核 人' → '审核人'); keys compare without them."""
    return _SPACES.sub("", text)
