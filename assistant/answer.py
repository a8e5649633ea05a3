"""What the answering stages hand to the CLI and the web app."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.report import Report, TableRow
from index.scan_places import locate, scanned_page


@dataclass
class Citation:
    kind: str  # "section" | "table_row"
    report: str
    label: str  # section heading, or the row's label (with its column path)
    quote: str  # exact supporting text
    row: TableRow | None = None  # the cited row, for showing unit, value and parents
    page: int | None = None  # the scanned page OCR read the quote or row from; None on a page with a text layer
    boxes: list[list[float]] = field(default_factory=list)  # where on that page, as index.report.ScanPlace.box

    @property
    def scanned(self) -> bool:
        return self.page is not None

    def where(self) -> str:
        """'扫描件第 3 页' for a citation of a scanned page, said wherever the citation is shown; else ''."""
        return scanned_page(self.page) if self.page is not None else ""

    def to_json(self) -> dict:
        """A citation of a page with a text layer keeps the four fields it always had."""
        out = {"kind": self.kind, "report": self.report, "label": self.label, "quote": self.quote}
        if self.scanned:
            out.update(page=self.page, scanned=True, boxes=self.boxes)
        return out


@dataclass
class Series:
    """One figure over a unit's years, for a chart. A year whose cell is blank or unreadable has no value and
    says why (未填报, 无法识别), so it is drawn as a gap, never as 0."""
    label: str  # what is counted, e.g. "行政复议数量"
    unit: str
    points: list[tuple[int, float | None, str]]  # (year, value, the value as the table shows it), oldest first

    def to_json(self) -> dict:
        return {"label": self.label, "unit": self.unit,
                "points": [{"year": year, "value": value, "text": text} for year, value, text in self.points]}


@dataclass
class Answer:
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    question: str = ""  # the question as answered (a follow-up rewritten with its history)
    series: Series | None = None  # a trend's figures by year, drawn as a chart beside its table
    failed: bool = False  # an apology (the store was unavailable): nothing was looked up, so nothing to rate

    def to_json(self) -> dict:
        out = {"answer": self.text, "found": self.found, "citations": [c.to_json() for c in self.citations]}
        if self.series is not None:
            out["series"] = self.series.to_json()
        return out


def row_citation(report_id: str, row: TableRow) -> Citation:
    return Citation("table_row", report_id, row.citation_label(), row.describe(), row, row.page,
                    [row.box] if row.box else [])


def section_citation(report_id: str, heading: str, quote: str, report: Report | None = None) -> Citation:
    """Given the report, a quote printed on a scanned page names the page and where on it."""
    page, boxes = locate(report, heading, quote) if report is not None else (None, [])
    return Citation("section", report_id, heading, quote, page=page, boxes=boxes)
