"""What the answering stages hand to the CLI and the web app."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.report import TableRow


@dataclass
class Citation:
    kind: str  # "section" | "table_row"
    report: str
    label: str  # section heading, or the row's label (with its column path)
    quote: str  # exact supporting text
    row: TableRow | None = None  # the cited row, for showing unit, value and parents

    def to_json(self) -> dict:
        return {"kind": self.kind, "report": self.report, "label": self.label, "quote": self.quote}


@dataclass
class Answer:
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    question: str = ""  # the question as answered (a follow-up rewritten with its history)

    def to_json(self) -> dict:
        return {"answer": self.text, "found": self.found, "citations": [c.to_json() for c in self.citations]}


def row_citation(report_id: str, row: TableRow) -> Citation:
    return Citation("table_row", report_id, row.citation_label(), row.describe(), row)


def section_citation(report_id: str, heading: str, quote: str) -> Citation:
    return Citation("section", report_id, heading, quote)
