"""Tables of the 2019 national template (国办公开办函〔2019〕60号)."""
from __future__ import annotations

from index.layout import TableBlock
from index.report import TableRow


def is_template2019_table(block: TableBlock) -> bool:
    return False


def parse_template2019_tables(blocks: list[TableBlock], warnings: list[str], source: str) -> list[TableRow]:
    return []
