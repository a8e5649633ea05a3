"""Read a PDF report into canonical lines (see index.layout), as governments publish them.

Reports come as Word/WPS exports or browser prints, and their pages carry layout that is
not data: a frame drawn around the first page's text, page numbers, punctuation set a
little off its line, label cells so narrow that they print one character per line, and
tables that run over pages, with or without their header repeated, cutting merged label
cells (and sometimes rows) in two. Each of these is read back here into what the author
wrote: paragraphs, and one canonical row per table row with whole cell texts.
"""
from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pdfplumber
from pdfplumber.table import Table, TableFinder

from index.ocr import text_needs_ocr
from index.readers import narrative_line, table_lines, tidy
from index.report import ReportError

OcrPages = Callable[[list[int]], list[str]]  # 0-based page indices → canonical lines

_MARGIN_SHARE = 0.08  # top and bottom share of a page where running heads and page numbers live
_SNAP = 2.0  # points: ruling lines closer than this are one boundary
_EDGE_GAP = 3.0  # points: a ruling line this close to a cell's side draws that side
_ALIGN = 6.0  # points: the parts of one table on two pages may differ this much at a column line
_WRAP_ROOM = 3  # characters a wrapped line may stop short of the margin (no line may open with ,。、)
_PROSE_CHARS = 30  # a cell this long, or holding a full stop, is a sentence rather than a label

# "-1-", "- 2 -", "第 3 页", "第3页 共6页", "3/6": page numbers in any position; a bare "3" only in a margin.
_PAGE_NUMBER = re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?"
                          r"|\d{1,4}\s*/\s*\d{1,4})$")
_BARE_PAGE_NUMBER = re.compile(r"^\d{1,4}$")
_PAGE_NUMBER_BESIDE_TEXT = re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]\s+|\s+[-—–]\s*\d{1,4}\s*[-—–]$")
# Closing punctuation (after NFKC) that a PDF may set on a line of its own, a little below its text.
_STRAY_PUNCTUATION = re.compile(r"^[。.,、;:!?)」』”’》]+$")
# A label that opens with its own number ("三、", "(四)", "2.", "1、") starts a row of its own.
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、])")
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?%?$")


Box = tuple[float, float, float, float]


@dataclass
class _Line:
    """A line of text as printed, with its sides: where it stops tells a wrap from a paragraph end."""

    text: str
    x0: float
    x1: float
    size: float
    box: Box | None  # the frame or lone cell the line is printed in; None for the page body

    @property
    def region(self) -> tuple[int, int] | None:
        """Frames with the same sides (on any page) share text edges; the page body has its own."""
        return (round(self.box[0]), round(self.box[2])) if self.box else None


@dataclass(eq=False)
class _Cell:
    """One cell of a table part; open at the bottom when no ruling line closes it there, as a
    browser leaves a cell that a page break cuts."""

    text: str
    open_bottom: bool


@dataclass(eq=False)
class _Part:
    """The piece of a table on one page: cell boxes with their cells."""

    bbox: Box
    cells: list[tuple[Box, _Cell]]


Item = _Line | _Part
Grid = list[list[_Cell | None]]


# --- one page -----------------------------------------------------------------------

def _page_items(page: pdfplumber.page.Page) -> list[Item]:
    """Text lines and table parts of a page, top to bottom; layout frames read as text."""
    drawn = page.debug_tablefinder()
    finder = page.debug_tablefinder({"explicit_horizontal_lines": _closing_lines(drawn)}) if drawn.tables else drawn
    rulings = [edge for edge in drawn.edges if edge["orientation"] == "h"]
    parts = [part for table in finder.tables if not _holds_table(table, finder.tables)
             for part in _parts(table, rulings)]
    tables = [part.bbox for part in parts]
    boxes = [cell for cell in finder.cells if not _inside(_centre(cell), tables)]
    items: list[tuple[float, Item]] = [(part.bbox[1], part) for part in parts]
    items += _text_lines(page, tables, boxes)
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _closing_lines(finder: TableFinder) -> list[dict]:
    """Ruling lines across the top and bottom of every table, as far as its column lines reach.
    A browser draws no border where a page break cuts a cell, so without these the cut cell
    has no box and its text (a merged label, half a row) would be lost."""
    lines = []
    for table in finder.tables:
        x0, top, x1, bottom = table.bbox
        columns = [edge for edge in finder.edges if edge["orientation"] == "v"
                   and x0 - _SNAP <= edge["x0"] <= x1 + _SNAP
                   and edge["top"] <= bottom + _SNAP and edge["bottom"] >= top - _SNAP]
        reach = (min([top, *(edge["top"] for edge in columns)]), max([bottom, *(edge["bottom"] for edge in columns)]))
        for y in reach:
            lines.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0,
                          "height": 0.0})
    return lines


def _holds_table(table: Table, tables: list[Table]) -> bool:
    """A box drawn around a whole table (a page border) is layout, as an HTML table of tables is."""
    x0, top, x1, bottom = table.bbox
    return any(other is not table and x0 <= other.bbox[0] and other.bbox[2] <= x1
               and top <= other.bbox[1] and other.bbox[3] <= bottom for other in tables)


def _drawn(edges: list[dict], y: float, x0: float, x1: float) -> bool:
    """Whether the page draws a ruling line at height y over most of [x0, x1]."""
    covered = sum(max(0.0, min(x1, edge["x1"]) - max(x0, edge["x0"]))
                  for edge in edges if abs(edge["top"] - y) <= _EDGE_GAP)
    return covered >= 0.5 * (x1 - x0)


def _parts(table: Table, drawn: list[dict]) -> list[_Part]:
    """The table's rows in parts, less those that are text in a frame. A frame drawn around
    paragraphs, or the article body a web page sets in the table of its 索引号/发布机构 grid,
    is rows of one cell each across the table, sentences among them: those rows are read as
    the page's text, and what is left of the table (the grid) stays a table. A frame leaves
    no part. (A data row whose values are blank has its empty cells, so it is no such row.)"""
    rows = [[(bbox, _cell_text(text)) for bbox, text in zip(row.cells, texts) if bbox is not None]
            for row, texts in zip(table.rows, table.extract())]
    parts: list[list[list[tuple[Box, str]]]] = []
    current: list[list[tuple[Box, str]]] = []
    for one_cell, run in itertools.groupby(rows, key=lambda row: len(row) == 1):
        run = list(run)
        if one_cell and _reads_as_text([text for row in run for _, text in row if text]):
            parts.append(current)
            current = []
        else:
            current += run
    parts.append(current)
    return [_part(part, drawn) for part in parts if any(text for row in part for _, text in row)]


def _reads_as_text(texts: list[str]) -> bool:
    return any(_is_prose(text) for text in texts) and not any(_is_number(text) for text in texts)


def _part(rows: list[list[tuple[Box, str]]], drawn: list[dict]) -> _Part:
    cells = [(bbox, _Cell(text, not _drawn(drawn, bbox[3], bbox[0], bbox[2]))) for row in rows for bbox, text in row]
    return _Part(_union([bbox for bbox, _ in cells]), cells)


def _union(boxes: list[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _cell_text(raw: str | None) -> str | None:
    """A cell's lines are wrapped by the cell's width, not ended by the author: '商业\\n企业' is
    '商业企业' and '三、\\n本\\n年…' one label, with a space only between two Latin words."""
    if raw is None:
        return None
    text = ""
    for line in raw.split("\n"):
        text = _concat(text, line.strip())
    return tidy(text)


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace(" ", "")))


def _bbox(obj: dict) -> Box:
    return obj["x0"], obj["top"], obj["x1"], obj["bottom"]


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _inside(point: tuple[float, float], boxes: list[Box]) -> Box | None:
    """The smallest of `boxes` holding the point."""
    x, y = point
    holding = [box for box in boxes if box[0] <= x <= box[2] and box[1] <= y <= box[3]]
    return min(holding, key=lambda box: (box[2] - box[0]) * (box[3] - box[1]), default=None)


def _text_lines(page: pdfplumber.page.Page, tables: list[Box], boxes: list[Box]) -> list[tuple[float, _Line]]:
    """Lines of text outside the tables, page numbers dropped. A line in a box drawn around text
    (a frame, a lone cell that is no table) remembers the box."""
    def outside_tables(obj: dict) -> bool:
        return obj.get("object_type") != "char" or not _inside(_centre(_bbox(obj)), tables)

    out = []
    for line in page.filter(outside_tables).extract_text_lines(strip=True, return_chars=False):
        in_margin = line["top"] < page.height * _MARGIN_SHARE or line["bottom"] > page.height * (1 - _MARGIN_SHARE)
        text = _without_page_number(line["text"], in_margin)
        if text:
            box = _inside(_centre(_bbox(line)), boxes)
            out.append((line["top"], _Line(text, line["x0"], line["x1"], line["bottom"] - line["top"], box)))
    return out


def _without_page_number(raw: str, in_margin: bool) -> str:
    """The line's text without a page number: '- 2 -' or '第 3 页' wherever it stands, a bare
    number only in the top or bottom margin."""
    text = _PAGE_NUMBER_BESIDE_TEXT.sub("", tidy(raw))
    squeezed = text.replace(" ", "")
    if _PAGE_NUMBER.match(squeezed) or (in_margin and _BARE_PAGE_NUMBER.match(squeezed)):
        return ""
    return text


# --- tables over pages ----------------------------------------------------------------

def _continues(previous: Item | None, part: _Part) -> bool:
    """A table opening a page goes on from the table closing the page before when their sides line up."""
    return (isinstance(previous, _Part) and abs(previous.bbox[0] - part.bbox[0]) <= _ALIGN
            and abs(previous.bbox[2] - part.bbox[2]) <= _ALIGN)


def _is_prose(text: str) -> bool:
    return len(text) >= _PROSE_CHARS or "。" in text


def _lone_first_row(items: list[Item], following: list[Item]) -> list[Item]:
    """A page that ends with a table's first row alone ('第二十条第(六)项' in its box) shows one
    cell, which is no table to pdfplumber; when the next page opens with a table lined up under
    that box, the box is made the first part of that table."""
    part = following[0] if following and isinstance(following[0], _Part) else None
    box = items[-1].box if items and isinstance(items[-1], _Line) else None
    if part is None or box is None or abs(box[0] - part.bbox[0]) > _ALIGN or abs(box[2] - part.bbox[2]) > _ALIGN:
        return items
    inside = [item for item in items if isinstance(item, _Line) and item.box == box]
    if items[-len(inside):] != inside:
        return items
    text = ""
    for line in inside:
        text = _concat(text, line.text)
    if _is_prose(text):
        return items
    return [*items[:-len(inside)], _Part(box, [(box, _Cell(text, False))])]


def _chains(pages: list[list[Item]]) -> dict[int, list[_Part]]:
    """The parts of each table, keyed by the id of its first part."""
    chains: dict[int, list[_Part]] = {}
    current: list[_Part] = []
    previous: Item | None = None
    for items in pages:
        for index, item in enumerate(items):
            if isinstance(item, _Part):
                if index == 0 and current and _continues(previous, item):
                    current.append(item)
                else:
                    current = [item]
                    chains[id(item)] = current
            previous = item
    return chains


def _boundaries(values: list[float], snap: float) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > snap:
            out.append(value)
    return out


def _covered(bounds: list[float], low: float, high: float, snap: float) -> list[int]:
    return [i for i in range(len(bounds) - 1) if bounds[i] >= low - snap and bounds[i + 1] <= high + snap]


def _grid(part: _Part, xs: list[float]) -> Grid:
    """The part's cells on the column boundaries `xs`, a merged cell in every position it covers.
    `xs` may hold boundaries seen only on another page of the same table: a page that shows
    just merged label cells has fewer columns."""
    ys = _boundaries([y for bbox, _ in part.cells for y in (bbox[1], bbox[3])], _SNAP)
    grid: Grid = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for (x0, top, x1, bottom), cell in part.cells:
        for r in _covered(ys, top, bottom, _SNAP):
            for c in _covered(xs, x0, x1, _ALIGN):
                grid[r][c] = cell
    return grid


def _texts(row: list[_Cell | None]) -> list[str]:
    return [cell.text if cell else "" for cell in row]


def _repeated_header(grid: Grid, first: Grid) -> int:
    """How many rows at the top of a continued part repeat the table's first rows (its header)."""
    count = 0
    while count < min(len(grid) - 1, len(first)) and _texts(grid[count]) == _texts(first[count]):
        count += 1
    return count


def _span(row: list[_Cell | None], cell: _Cell) -> list[int]:
    return [c for c, other in enumerate(row) if other is cell]


def _is_parent_label(row: list[_Cell | None], cell: _Cell) -> bool:
    """A label cell with another label to its right in the row: it names a group of rows."""
    right = _span(row, cell)[-1] + 1
    return any(other is not None and other is not cell and other.text and not _is_number(other.text)
               for other in row[right:])


def _label_goes_on(last: list[_Cell | None], first: list[_Cell | None], above: _Cell, below: _Cell) -> bool:
    """A group label that a page break cut: the part below is empty ('三、本年度办理结果' printed
    on the page before) or does not open with a number of its own ('(四)无' above, '法提供' below)."""
    if _is_number(above.text) or not (_is_parent_label(last, above) and _is_parent_label(first, below)):
        return False
    return not above.text or not below.text or not _NUMBERED.match(below.text)


def _pieces_of_one_cell(above: _Cell | None, below: _Cell | None) -> bool:
    """Texts that can be one cell cut in two: one side empty, or words going on (no number, and
    the part below does not open with a number of its own)."""
    head, tail = above.text if above else "", below.text if below else ""
    if not head or not tail:
        return True
    return not _is_number(head) and not _is_number(tail) and not _NUMBERED.match(tail)


def _row_cut(last: list[_Cell | None], first: list[_Cell | None]) -> bool:
    """Whether a page break cut one row in two. A browser leaves every cell of a cut row open
    at the foot of the page (between two whole rows only the cells merged over the break are
    open), and every column must then read as one cell cut in two. Word and LibreOffice close
    the cut with a line: there only a numbered row label's words going on alone tell it."""
    cells = [cell for cell in last if cell is not None]
    opened = bool(cells) and all(cell.open_bottom for cell in cells)
    if opened and all(_pieces_of_one_cell(above, below) for above, below in zip(last, first)):
        return True
    return _label_tail(last, first)


def _label_tail(last: list[_Cell | None], first: list[_Cell | None]) -> bool:
    """The row below holds nothing but words that go on from a numbered label above it
    ('5.要求' above, '行政机关确认或重新出具已获取信息' below, every other cell empty)."""
    filled = {id(cell): cell for cell in first if cell and cell.text}
    if len(filled) != 1:
        return False
    below = next(iter(filled.values()))
    columns = _span(first, below)
    above = last[columns[0]]
    return (above is not None and _span(last, above) == columns and bool(_NUMBERED.match(above.text))
            and _pieces_of_one_cell(above, below))


def _join_break(last: list[_Cell | None], grid: Grid) -> Grid:
    """Join the cells a page break cut: a whole row, or a group label that goes on. The joined
    text goes into every row either part covered; a row cut in two is one row again."""
    row_cut = _row_cut(last, grid[0])
    for c in range(len(last)):
        above, below = last[c], grid[0][c]
        if above is None or below is None or above is below or _span(last, above) != _span(grid[0], below):
            continue
        if row_cut or _label_goes_on(last, grid[0], above, below):
            above.text = _concat(above.text, below.text)
            above.open_bottom = below.open_bottom
            grid = [[above if cell is below else cell for cell in row] for row in grid]
    if all(a is b for a, b in zip(last, grid[0])):
        return grid[1:]
    return grid


def _table_rows(chain: list[_Part]) -> list[list[str]]:
    """One table's rows from its parts on successive pages, on one column grid."""
    xs = _boundaries([x for part in chain for bbox, _ in part.cells for x in (bbox[0], bbox[2])], _ALIGN)
    grids = [_grid(part, xs) for part in chain]
    rows = grids[0]
    for grid in grids[1:]:
        grid = grid[_repeated_header(grid, grids[0]):]
        if grid:
            rows += _join_break(rows[-1], grid)
    return [_texts(row) for row in rows]


# --- lines ---------------------------------------------------------------------------

def _concat(head: str, tail: str) -> str:
    """Two pieces of one text: Chinese runs on without a space, two Latin words keep theirs."""
    latin = head[-1:].isascii() and head[-1:].isalpha() and tail[:1].isascii() and tail[:1].isalpha()
    return head + (" " if latin else "") + tail


def _with_stray_punctuation_joined(items: list[_Line | list[list[str]]]) -> list[_Line | list[list[str]]]:
    """A '。' or ',' set on a line of its own ends the line before it."""
    out: list[_Line | list[list[str]]] = []
    for item in items:
        if isinstance(item, _Line) and out and isinstance(out[-1], _Line) and _STRAY_PUNCTUATION.match(item.text):
            out[-1].text += item.text
            out[-1].x1 = max(out[-1].x1, item.x1)
        else:
            out.append(item)
    return out


def _text_edges(lines: list[_Line]) -> dict[tuple[int, int] | None, tuple[float, float]]:
    """Left and right text edges of the page body and of each frame."""
    edges: dict[tuple[int, int] | None, tuple[float, float]] = {}
    for line in lines:
        left, right = edges.get(line.region, (line.x0, line.x1))
        edges[line.region] = (min(left, line.x0), max(right, line.x1))
    return edges


def _lines(items: list[_Line | list[list[str]]]) -> list[str]:
    """A line that runs to the right edge and is followed by an unindented line of the same body
    or frame was wrapped by the page, not ended by the author: join them into one paragraph."""
    edges = _text_edges([item for item in items if isinstance(item, _Line)])
    lines: list[str] = []
    previous: _Line | None = None
    for item in items:
        if not isinstance(item, _Line):
            lines += table_lines(item)
            previous = None
            continue
        left, right = edges[item.region]
        wrapped = (previous is not None and previous.region == item.region
                   and previous.x1 >= right - _WRAP_ROOM * previous.size and item.x0 <= left + 0.5 * item.size)
        if wrapped:
            lines[-1] = _concat(lines[-1], narrative_line(item.text))
        else:
            lines.append(narrative_line(item.text))
        previous = item
    return lines


def _has_text(item: Item) -> bool:
    """A scan has no text layer; ruling lines drawn on it may still make an empty table."""
    return isinstance(item, _Line) or any(cell.text for _, cell in item.cells)


def _read_page(page: pdfplumber.page.Page) -> tuple[list[Item], bool]:
    """A page's items and whether it is a scanned image, its pdfplumber objects freed once read:
    pdfplumber keeps about 2 KB per character of every page it has read, 400 MB for a 100-page
    report of 2,000 characters a page."""
    try:
        items = _page_items(page)
        text = "".join(item.text if isinstance(item, _Line) else "".join(c.text for _, c in item.cells)
                       for item in items)
        return items, bool(page.images) and text_needs_ocr(text)
    finally:
        page.close()


def _text_layer_lines(pages: list[list[Item]]) -> list[str]:
    pages = [_lone_first_row(items, following) for items, following in zip(pages, [*pages[1:], []])]
    chains = _chains(pages)
    items = [_table_rows(chains[id(item)]) if isinstance(item, _Part) else item
             for page in pages for item in page if not isinstance(item, _Part) or id(item) in chains]
    return _lines(_with_stray_punctuation_joined(items))


def read_pdf(data: bytes, source: str, ocr_pages: OcrPages | None = None) -> list[str]:
    """Canonical lines of a PDF. Pages that are scanned images are read by `ocr_pages(page indices)`,
    run by run, in their place among the pages with a text layer; without it a scan is refused by name."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages, scanned = zip(*[_read_page(page) for page in pdf.pages]) if pdf.pages else ((), ())
    except Exception as exc:  # pdfminer raises many unrelated types on a damaged or encrypted file
        raise ReportError(f"{source}: PDF 文件损坏或无法解析({type(exc).__name__}: {exc})") from exc
    if not any(_has_text(item) for items in pages for item in items):
        scanned = [True] * len(pages)  # no text layer at all: a scan, whatever its images look like
    if not any(scanned):
        return _text_layer_lines(list(pages))
    if ocr_pages is None:
        raise ReportError(f"{source}: PDF 中没有可提取的文字(可能是扫描件,需要先做文字识别)")
    lines: list[str] = []
    for is_scan, run in itertools.groupby(range(len(pages)), key=lambda index: scanned[index]):
        run = list(run)
        lines += ocr_pages(run) if is_scan else _text_layer_lines([pages[index] for index in run])
    return lines
