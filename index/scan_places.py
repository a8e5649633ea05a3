"""Where on a scanned page each line of a report was printed, so a citation can name the page and point at it.

OCR (index.ocr_layout) gives every canonical line it writes as a ScanLine: a str that also holds the
pieces it was read from (page, box, text), and that stays one through the readers and the flat-table
restore. parse_report keeps those places on the Report (rows on the TableRow, narrative lines as
ScanPlaces); `locate` finds the page and boxes of a quote.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from index.parse_narrative import INTRO_HEADING
from index.report import Report, ScanPlace


class Piece(NamedTuple):
    """One printed line (or table row) of a scanned page. Its `box` is the four corners (x, y) from the top
    left clockwise, as shares of the page's width and height: a page scanned askew has askew lines."""

    page: int  # 1-based, in the file
    box: tuple[float, ...]
    text: str


class ScanLine(str):
    """A canonical line read by OCR, with the pieces of the page(s) it was read from."""

    pieces: tuple[Piece, ...]

    def __new__(cls, text: str, pieces: tuple[Piece, ...] | list[Piece]) -> "ScanLine":
        line = super().__new__(cls, text)
        line.pieces = tuple(pieces)
        return line

    def __getnewargs__(self) -> tuple[str, tuple[Piece, ...]]:  # pickled with its pieces (a parsing worker)
        return str(self), self.pieces


def pieces_json(lines: list[str]) -> list[list[list]]:
    """Each line's pieces as JSON, for the OCR cache."""
    return [[[p.page, list(p.box), p.text] for p in getattr(line, "pieces", ())] for line in lines]


def scan_lines(lines: list[str], pieces: list[list[list]]) -> list[str]:
    """Lines read back from the OCR cache, with their pieces."""
    return [ScanLine(line, [Piece(page, tuple(box), text) for page, box, text in own]) if own else line
            for line, own in zip(lines, pieces, strict=True)]


def place_report(report: Report, lines: list[str], narrative: set[int]) -> None:
    """Record where the report's scanned lines were printed; `lines` are the lines its line numbers count
    and `narrative` the numbers of its narrative lines."""
    places = {number: line.pieces for number, line in enumerate(lines, start=1) if isinstance(line, ScanLine)}
    for row in report.table_rows:
        if row.line in places:
            row.page, row.box = places[row.line][0].page, list(places[row.line][0].box)
    report.scan_places = [ScanPlace(number, piece.page, list(piece.box), piece.text)
                          for number, pieces in places.items() if number in narrative for piece in pieces]


# --- quotes ---------------------------------------------------------------------------

_SPACE = re.compile(r"\s")
_PARTS = re.compile(r"[\n;;…]+")
_END = 10**9  # past any line
_NARROW = 0.55  # width of a Latin letter or digit against a Chinese character, for boxes cut at a quote's ends


def locate(report: Report, heading: str, quote: str) -> tuple[int | None, list[list[float]]]:
    """The scanned page a quote from the section `heading` was printed on and its boxes there (shares of the
    page, one per printed line, cut to the quoted characters); (None, []) when it is on no scanned page.
    A quote that is not one run of print (sign-off fields joined) is placed by its first part."""
    if not report.scan_places or not quote.strip():
        return None, []
    first, last = _section_lines(report, heading)
    own = [p for p in report.scan_places if first <= p.line < last]
    parts = [part for part in _PARTS.split(quote) if len(_SPACE.sub("", part)) >= 2]
    for candidate in (quote, *parts[:1]):
        for places in (own, report.scan_places):
            found = _find(places, candidate)
            if found:
                return found
    return None, []


def _section_lines(report: Report, heading: str) -> tuple[int, int]:
    """The line numbers [first, last) of a section; the introduction is what comes before the first
    section; the sign-off or the title may be anywhere."""
    starts = [section.line for section in report.sections]
    if heading == INTRO_HEADING and starts:
        return 0, starts[0]
    for number, section in enumerate(report.sections):
        if section.heading == heading:
            return section.line, starts[number + 1] if number + 1 < len(starts) else _END
    return 0, _END


def _find(places: list[ScanPlace], quote: str) -> tuple[int, list[list[float]]] | None:
    """Spaces are no evidence: OCR puts them between Latin and Chinese where the report's lines have none,
    and a paragraph's printed lines run on."""
    chars = [(index, position) for index, place in enumerate(places)
             for position, ch in enumerate(place.text) if not ch.isspace()]
    text = "".join(places[index].text[position] for index, position in chars)
    wanted = _SPACE.sub("", quote)
    start = text.find(wanted)
    if start < 0:
        return None
    spans: dict[int, list[int]] = {}
    for index, position in chars[start:start + len(wanted)]:
        spans.setdefault(index, []).append(position)
    page = places[next(iter(spans))].page
    return page, [_cut(places[index], min(at), max(at) + 1) for index, at in spans.items()
                  if places[index].page == page]


def _cut(place: ScanPlace, start: int, end: int) -> list[float]:
    """The part of a printed line's box holding characters [start, end) of its text, by their widths."""
    widths = [_NARROW if ch.isascii() else 1.0 for ch in place.text]
    total = sum(widths) or 1.0
    left, right = sum(widths[:start]) / total, sum(widths[:end]) / total
    x0, y0, x1, y1, x2, y2, x3, y3 = place.box

    def along(ax: float, ay: float, bx: float, by: float, share: float) -> list[float]:
        return [round(ax + (bx - ax) * share, 4), round(ay + (by - ay) * share, 4)]

    return [*along(x0, y0, x1, y1, left), *along(x0, y0, x1, y1, right),
            *along(x3, y3, x2, y2, right), *along(x3, y3, x2, y2, left)]


def scanned_page(page: int) -> str:
    """How a citation says it comes from a scanned page."""
    return f"扫描件第 {page} 页"
