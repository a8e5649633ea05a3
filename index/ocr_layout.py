"""OCR'd pages → canonical lines (see index.layout): what index.ocr read, put back in order.

index.ocr gives, for each page, text lines outside tables (boxes with positions) and tables
rebuilt from the ruling lines on the page image (cells on a grid of slots, each cell's text and
OCR score). This module turns them into the lines a text PDF gives, so index.parsing reads a
scan as it reads the same report published as text:

- narrative: a line that runs to the right edge followed by an unindented line was wrapped by
  the page and is joined to it (across pages too); page numbers ("-1-", "第 2 页") are dropped;
- tables: a table opening a page goes on from the table closing the page before; a header
  repeated on the new page is dropped, and a label cell cut by the break is joined again;
  merged cells are repeated into every slot they cover;
- cells: labels that OCR read with a slip are snapped to the 2019 template's wording;
  numbers read "O"/"o"/"l" are fixed; a number cell that cannot be read with confidence is
  left blank with a warning: a blank is 未填报, a guessed number would be a wrong fact.
"""
from __future__ import annotations

import difflib
import math
import re
import statistics
from dataclasses import dataclass, field

from index.readers import narrative_line, table_lines, tidy
from index.scan_places import Piece, ScanLine

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page pixels

MIN_CELL_SCORE = 0.6  # a number read below this OCR score is not trusted
_MARGIN_SHARE = 0.08  # top and bottom share of a page where page numbers live
_WRAP_ROOM = 2.5  # characters a wrapped line may stop short of the right edge
_ALIGN_SHARE = 0.025  # share of a table's width two column lines may differ by and be one

_PAGE_NUMBER = re.compile(r"^(?:[-—–~一]\s*\d{1,4}\s*[-—–~一]|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?"
                          r"|\d{1,4}\s*/\s*\d{1,4})$")
# In the top or bottom margin: a bare number, or one whose dashes OCR read as dots.
_BARE_PAGE_NUMBER = re.compile(r"^[-—–~.·。]?\s*\d{1,4}\s*[-—–~.·。]?$")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、])")
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?%?$")
# What OCR reads for digits in a number cell: a round "0" as a letter, a "1" as a stroke.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "Q": "0", "口": "0",
                                   "l": "1", "I": "1", "|": "1", "丨": "1", "i": "1",
                                   "S": "5", "s": "5", "Z": "2", "z": "2", "B": "8", ",": ",", "。": "."})
# A full stop OCR read as a letter o at the end of a Chinese sentence ('…@163.com)o').
_FULL_STOP_AS_O = re.compile(r"(?<=[\u4e00-\u9fff)”’》])[oO]$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BLANK_MARKS = re.compile(r"^[—\-–/\\~_]*$")

# Cell texts of the 2019 template (国办公开办函〔2019〕60号, revised 2021), for snapping OCR slips.
TEMPLATE_LABELS = (
    "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额(单位:万元)",
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "采购项目数量", "采购总金额",
    "规章", "行政规范性文件", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
    "行政事业性收费", "政府集中采购",
    "第二十条第(一)项", "第二十条第(五)项", "第二十条第(六)项", "第二十条第(八)项", "第二十条第(九)项",
    "第二十条第(十)项",
    "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况", "自然人", "法人或其他组织",
    "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
    "(一)予以公开", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "(三)不予公开",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "(四)无法提供", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "(五)不予处理", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息", "(六)其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
    "(七)总计", "四、结转下年度继续办理",
    "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉",
)
_SNAP_RATIO = 0.8  # similarity a label needs to the template's wording to be snapped to it


@dataclass
class TextBox:
    """A line (or piece of a line) of text as OCR read it, with its place on the page."""

    text: str
    score: float
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(eq=False)
class Cell:
    """A table cell: the slots it covers on its table's grid (rows r0..r1-1, columns c0..c1-1).
    Open at the top or bottom where no ruling line closes it (a page break cut it)."""

    text: str
    r0: int
    c0: int
    r1: int
    c1: int
    score: float = 1.0
    open_top: bool = False
    open_bottom: bool = False
    box: Box = (0.0, 0.0, 0.0, 0.0)


@dataclass(eq=False)
class Table:
    bbox: Box
    xs: list[float]  # column lines, left to right
    ys: list[float]  # row lines, top to bottom
    cells: list[Cell]


@dataclass
class PageLayout:
    """One page as OCR read it; `number` is 1-based. Positions are on the page image as straightened:
    turned by `angle` degrees (counter-clockwise) about its centre."""

    number: int
    width: int
    height: int
    lines: list[TextBox] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    angle: float = 0.0

    def share(self, box: Box) -> tuple[float, ...]:
        """A box on the straightened image as it lies on the page as printed (the file's own image): its
        corners turned back, from the top left clockwise, x and y as shares of the page's width and height."""
        cx, cy = self.width / 2, self.height / 2
        cos, sin = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        x0, y0, x1, y1 = box
        out: list[float] = []
        for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
            out += [round(float(cx + cos * (x - cx) - sin * (y - cy)) / self.width, 4),
                    round(float(cy + sin * (x - cx) + cos * (y - cy)) / self.height, 4)]
        return tuple(out)


# --- text lines ----------------------------------------------------------------------

def group_lines(boxes: list[TextBox]) -> list[TextBox]:
    """Boxes side by side on one line → one line, read left to right."""
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        centre = (box.y0 + box.y1) / 2
        for line in lines:
            top, bottom = min(b.y0 for b in line), max(b.y1 for b in line)
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap >= 0.5 * min(bottom - top, box.height) and top <= centre <= bottom:
                line.append(box)
                break
        else:
            lines.append([box])
    out = []
    for line in lines:
        line.sort(key=lambda b: b.x0)
        text = ""
        for previous, box in zip([None, *line[:-1]], line):
            gap = box.x0 - previous.x1 if previous else 0
            text = concat(text, box.text, spaced=gap > 0.4 * box.height)
        text = _FULL_STOP_AS_O.sub("。", tidy(text))
        out.append(TextBox(text, min(b.score for b in line), min(b.x0 for b in line),
                           min(b.y0 for b in line), max(b.x1 for b in line), max(b.y1 for b in line)))
    return sorted(out, key=lambda b: b.y0)


def concat(head: str, tail: str, spaced: bool = False) -> str:
    """Two pieces of one line or one cell; a space only between Latin words (or a wide gap)."""
    latin = head[-1:].isascii() and head[-1:].isalnum() and tail[:1].isascii() and tail[:1].isalnum()
    return head + (" " if latin or (spaced and head and tail) else "") + tail


def is_page_number(text: str, box: TextBox, page: PageLayout) -> bool:
    squeezed = text.replace(" ", "")
    in_margin = box.y0 < page.height * _MARGIN_SHARE or box.y1 > page.height * (1 - _MARGIN_SHARE)
    return bool(_PAGE_NUMBER.match(squeezed)) or (in_margin and bool(_BARE_PAGE_NUMBER.match(squeezed)))


# --- cells -----------------------------------------------------------------------------

def _edits(a: str, b: str) -> int:
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def snap_header(text: str) -> str:
    """A short column-header word (the template's 结果维持, 尚未审结 …), printed two characters a
    line in a narrow cell, which OCR reads worst: the one template word within half its length
    of edits, when no other is as close."""
    if not text or len(text) > 6 or text in TEMPLATE_LABELS:
        return snap_label(text)
    scored = sorted((_edits(text, label), label) for label in TEMPLATE_LABELS if 2 <= len(label) <= 6)
    (best, label), (second, _) = scored[0], scored[1]
    if best <= len(label) // 2 and second > best and best < len(text):
        return label
    return snap_label(text)


def snap_label(text: str) -> str:
    """A label OCR read with a slip ('1.属于国家秘蜜') → the template's wording, when it is close.
    The label's own numbering is kept as printed ('1、' stays '1、')."""
    snapped = _snap(text)
    own, their = _NUMBERED.match(text), _NUMBERED.match(snapped)
    if snapped != text and own and their and own.group(0).rstrip("、.") == their.group(0).rstrip("、."):
        snapped = own.group(0) + snapped[their.end():]
    return snapped


def _snap(text: str) -> str:
    if not text or _NUMBER.match(text) or len(text) < 2:
        return text
    if text in TEMPLATE_LABELS:
        return text
    dotted = re.sub(r"^(\d+)、", r"\1.", text)
    if dotted in TEMPLATE_LABELS:
        return dotted
    best, ratio = "", 0.0
    for label in TEMPLATE_LABELS:
        if abs(len(label) - len(text)) > max(2, len(label) // 4):
            continue
        r = difflib.SequenceMatcher(None, dotted, label).ratio()
        if r > ratio:
            best, ratio = label, r
    near = [label for label in TEMPLATE_LABELS if len(label) == len(dotted) >= 4
            and sum(a != b for a, b in zip(label, dotted)) == 1]
    if len(near) == 1:
        return near[0]  # one character misread, and no other label is as close
    # Short labels differ in one character from other labels ('其他结果'/'其他处理'): demand more;
    # a long label whose own number ('3.', '(四)') was read right may have more slips.
    need = _SNAP_RATIO if len(best) > 5 else 0.9
    prefix, best_prefix = _NUMBERED.match(dotted), _NUMBERED.match(best)
    if prefix and best_prefix and prefix.group(0) == best_prefix.group(0) and len(best) >= 8:
        need = 0.7
    return best if ratio >= need else text


def read_number(text: str) -> str | None:
    """A number cell's text with OCR's digit look-alikes fixed; None when it is no number."""
    fixed = text.translate(_DIGIT_LOOKALIKES).replace(" ", "").rstrip(".")
    if fixed.endswith("%"):
        fixed = fixed[:-1].rstrip(".") + "%"
    return fixed if _NUMBER.match(fixed) else None


def _looks_numeric(text: str) -> bool:
    return read_number(text) is not None


# --- tables over pages ------------------------------------------------------------------

Grid = list[list[Cell | None]]


def _norm_xs(table: Table, frame: Table) -> list[float]:
    """The table's column lines in the frame of another part of the same table (pages shift)."""
    x0, _, x1, _ = table.bbox
    f0, _, f1, _ = frame.bbox
    scale = (f1 - f0) / max(1.0, x1 - x0)
    return [f0 + (x - x0) * scale for x in table.xs]


def _continues(previous: Table, table: Table, page_width: int) -> bool:
    w0, w1 = previous.bbox[2] - previous.bbox[0], table.bbox[2] - table.bbox[0]
    return abs(w0 - w1) <= 0.03 * max(w0, w1) and abs(previous.bbox[0] - table.bbox[0]) <= 0.05 * page_width


def _boundaries(values: list[float], snap: float) -> list[float]:
    out: list[list[float]] = []
    for value in sorted(values):
        if out and value - out[-1][-1] <= snap:
            out[-1].append(value)
        else:
            out.append([value])
    return [sum(group) / len(group) for group in out]


def _grid(table: Table, frame: Table, xs: list[float], snap: float) -> Grid:
    """The part's cells on the shared column lines `xs` (a merged cell in every slot it covers)."""
    own = _norm_xs(table, frame)
    mapped = [min(range(len(xs)), key=lambda i: abs(xs[i] - x)) for x in own]
    grid: Grid = [[None] * (len(xs) - 1) for _ in range(len(table.ys) - 1)]
    for cell in table.cells:
        for r in range(cell.r0, cell.r1):
            for c in range(mapped[cell.c0], mapped[cell.c1]):
                grid[r][c] = cell
    return grid


def _texts(row: list[Cell | None]) -> list[str]:
    return [cell.text if cell else "" for cell in row]


def _repeated_header(grid: Grid, first: Grid) -> int:
    count = 0
    while count < min(len(grid) - 1, len(first)) and _texts(grid[count]) == _texts(first[count]) \
            and not any(_looks_numeric(t) for t in _texts(grid[count])):
        count += 1
    return count


def _span(row: list[Cell | None], cell: Cell) -> list[int]:
    return [c for c, other in enumerate(row) if other is cell]


def _is_label(cell: Cell | None) -> bool:
    return cell is not None and not _looks_numeric(cell.text)


def _pieces_of_one_cell(above: Cell | None, below: Cell | None) -> bool:
    """Texts that can be one cell cut in two: one side empty, or words going on (no number, and
    the lower part is no label of its own: not numbered, not a whole template label)."""
    head, tail = above.text if above else "", below.text if below else ""
    if not head or not tail:
        return True
    return (not _looks_numeric(head) and not _looks_numeric(tail) and not _NUMBERED.match(tail)
            and tail not in TEMPLATE_LABELS)


def _join_break(last: list[Cell | None], first: list[Cell | None], grid: Grid) -> Grid:
    """Join label cells a page break cut: the left-hand label cells of the row above and below
    the break that cover the same columns, when the lower one is empty (the label was printed
    on the page before) or does not open with a number of its own ('(四)无' + '法提供').
    A row cut in two as a whole is one row again: no rule was drawn at the cut, and every
    column reads as one cell cut in two."""
    labels_end = next((c for c, cell in enumerate(first) if cell is not None and _looks_numeric(cell.text)),
                      len(first))
    opened = any(cell and cell.open_bottom for cell in last) or any(cell and cell.open_top for cell in first)
    whole_row = opened and all(_pieces_of_one_cell(a, b) for a, b in zip(last, first))
    for c in range(len(last)):
        above, below = last[c], first[c]
        if above is None or below is None or above is below or _span(last, above) != _span(first, below):
            continue
        if not whole_row and (c >= labels_end or not _is_label(above) or not _is_label(below)):
            continue
        if not whole_row and below.text and _NUMBERED.match(below.text):
            continue
        if not whole_row and _span(last, above)[-1] + 1 >= labels_end:
            continue  # the row's own (innermost) label: a new row, not a cut group label
        above.text = concat(above.text, below.text) if below.text != above.text else above.text
        above.text = snap_label(above.text)
        grid = [[above if cell is below else cell for cell in row] for row in grid]
    if whole_row and grid:
        merged = [a if a is not None else b for a, b in zip(last, grid[0])]
        for c, cell in enumerate(merged):
            last[c] = cell
        return grid[1:]
    return grid


def table_rows(chain: list[Table]) -> list[list[Cell | None]]:
    """One table's rows from its parts on successive pages, on one column grid."""
    frame = chain[0]
    width = frame.bbox[2] - frame.bbox[0]
    snap = _ALIGN_SHARE * width
    xs = _boundaries([x for part in chain for x in _norm_xs(part, frame)], snap)
    grids = [_grid(part, frame, xs, snap) for part in chain]
    rows = grids[0]
    for grid in grids[1:]:
        grid = grid[_repeated_header(grid, grids[0]):]
        if grid and rows:
            grid = _join_break(rows[-1], grid[0], grid)
        rows += grid
    return rows


# --- cell checks -----------------------------------------------------------------------

def _numeric_columns(rows: list[list[Cell | None]]) -> set[int]:
    """Slots whose cells, in rows that hold any number, are mostly numbers: value columns."""
    data = [row for row in rows if any(cell and _looks_numeric(cell.text) for cell in row)]
    out = set()
    for c in range(len(rows[0]) if rows else 0):
        cells = [row[c] for row in data if row[c] is not None and row[c].text]
        numbers = [cell for cell in cells if _looks_numeric(cell.text)]
        words = [cell for cell in cells if len(_CJK.findall(cell.text)) >= 2]
        if numbers and (len(numbers) >= 0.6 * len(cells) or not words):
            out.add(c)
    return out


def check_cells(rows: list[list[Cell | None]], where: str, warnings: list[str]) -> None:
    """Fix digits in value cells; a value cell read without confidence becomes blank, with a warning."""
    numeric = _numeric_columns(rows)
    seen: set[int] = set()
    first_data = next((r for r, row in enumerate(rows) if any(cell and _looks_numeric(cell.text) for cell in row)),
                      len(rows))
    for r, row in enumerate(rows):
        values = [row[c] for c in sorted(numeric) if c < len(row) and row[c] is not None and row[c].text]
        # A row of values, or below the first one a row whose value cells hold junk, not words
        # (a header repeated on a new page is words).
        is_data = any(_looks_numeric(cell.text) for cell in values) or (
            r > first_data and values and not any(len(_CJK.findall(cell.text)) >= 2 for cell in values))
        for c, cell in enumerate(row):
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            span = _span(row, cell)
            if not is_data or not all(p in numeric for p in span):
                if not _looks_numeric(cell.text):
                    header = r < first_data and all(p in numeric for p in span)
                    cell.text = snap_header(cell.text) if header else snap_label(cell.text)
                continue
            if not cell.text or _BLANK_MARKS.match(cell.text.replace(" ", "")):
                continue
            number = read_number(cell.text)
            if number is None or cell.score < MIN_CELL_SCORE:
                label = next((t for t in _texts(row) if t and not _looks_numeric(t)), "")
                warnings.append(f"{where}: 表格第 {r + 1} 行第 {c + 1} 列({label[:20]})的数字无法可靠识别"
                                f"(OCR 读作 {cell.text!r},置信度 {cell.score:.2f}),按未填报处理")
                cell.text = ""
            else:
                cell.text = number


# --- pages → lines -----------------------------------------------------------------------

@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    size: float
    left: float  # the page's text edges
    right: float
    piece: Piece


def _page_edges(lines: list[TextBox]) -> tuple[float, float, float]:
    """Left and right text edges of a page's body, and its usual line height."""
    if not lines:
        return 0.0, 0.0, 0.0
    size = statistics.median(b.height for b in lines)
    long = [b for b in lines if len(b.text) >= 8] or lines
    lefts = sorted(b.x0 for b in long)
    rights = sorted(b.x1 for b in long)
    # The common left edge, not an outlier: the smallest x0 shared by a few lines.
    left = lefts[min(len(lefts) - 1, max(0, len(lefts) // 10))]
    right = rights[max(0, len(rights) - 1 - len(rights) // 10)]
    return left, right, size


def layout_lines(pages: list[PageLayout], warnings: list[str] | None = None) -> list[str]:
    """Canonical lines of OCR'd pages, in reading order; each a ScanLine that knows where it was printed."""
    warnings = warnings if warnings is not None else []
    items: list[tuple[int, object]] = []  # (page index, _Line | list of tables chain)
    chains: list[list[Table]] = []
    printed_on: dict[int, PageLayout] = {}  # id of a table part → its page
    previous_table: tuple[Table, int] | None = None
    for index, page in enumerate(pages):
        warnings += page.warnings
        left, right, size = _page_edges(page.lines)
        page_items: list[tuple[float, object]] = []
        for box in page.lines:
            if box.text and not is_page_number(box.text, box, page):
                piece = Piece(page.number, page.share((box.x0, box.y0, box.x1, box.y1)), narrative_line(box.text))
                page_items.append((box.y0, _Line(box.text, box.x0, box.x1, box.height or size, left, right, piece)))
        page_items += [(table.bbox[1], table) for table in page.tables]
        printed_on.update((id(table), page) for table in page.tables)
        page_items.sort(key=lambda pair: pair[0])
        for position, (_, item) in enumerate(page_items):
            if isinstance(item, Table):
                if (position == 0 and previous_table is not None and previous_table[1] == index - 1
                        and _continues(previous_table[0], item, page.width)):
                    chains[-1].append(item)
                else:
                    chains.append([item])
                    items.append((index, chains[-1]))
            else:
                items.append((index, item))
        last = page_items[-1][1] if page_items else None
        previous_table = (last, index) if isinstance(last, Table) else None
    lines: list[str] = []
    previous: _Line | None = None
    for index, item in items:
        if isinstance(item, list):
            rows = table_rows(item)
            check_cells(rows, f"第 {pages[index].number} 页表格", warnings)
            lines += _table_scan_lines(rows, item, printed_on)
            previous = None
            continue
        wrapped = (previous is not None and previous.x1 >= previous.right - _WRAP_ROOM * previous.size
                   and item.x0 <= item.left + 0.6 * item.size)
        if wrapped:
            lines[-1] = ScanLine(concat(lines[-1], narrative_line(item.text)), (*lines[-1].pieces, item.piece))
        else:
            lines.append(ScanLine(narrative_line(item.text), (item.piece,)))
        previous = item
    return lines


def _table_scan_lines(rows: list[list[Cell | None]], chain: list[Table],
                      printed_on: dict[int, PageLayout]) -> list[ScanLine]:
    """The table's canonical lines, each row placed as the band across its part of the table at the height
    of its smallest cell (a label merged over many rows is no measure of one row)."""
    parts = {id(cell): part for part in chain for cell in part.cells}

    def piece(cells: list[Cell], text: str) -> Piece:
        cell = min(cells, key=lambda c: (c.r1 - c.r0, -c.c1))
        part = parts[id(cell)]
        page = printed_on[id(part)]
        return Piece(page.number, page.share((part.bbox[0], cell.box[1], part.bbox[2], cell.box[3])), text)

    texts = [_texts(row) for row in rows]
    canonical = table_lines(texts)
    filled = [[cell for cell in row if cell is not None] for row, text in zip(rows, texts) if any(text)]
    if len(canonical) == len(filled):
        return [ScanLine(line, (piece(cells, line),)) for line, cells in zip(canonical, filled)]
    # One column: the table is text, a line per cell.
    cells = [cell for cells in filled for cell in cells if cell.text]
    return [ScanLine(line, (piece([cell], line),)) for line, cell in zip(canonical, cells, strict=True)]
