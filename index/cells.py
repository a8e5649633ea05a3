"""An indicator cell by what it is, whatever report it is in: its signature (table, row path, column path).

Hundreds of reports repeat the same template cells, so a question is matched against each distinct
signature once, and the cells of the reports in scope are then read from the store by signature.
"""
from __future__ import annotations

from dataclasses import dataclass

from index.report import TableRow

Signature = tuple[str, tuple[str, ...], str, tuple[str, ...]]  # table, parents, label, columns


def signature(row: TableRow) -> Signature:
    return row.table, tuple(row.parents), row.label, tuple(row.columns)


@dataclass
class Cell:
    """One report's cell, as the store holds it."""

    report_id: str
    position: int  # the row's index in the report's table_rows
    signature: int  # the signature's id in the store
    row: TableRow
