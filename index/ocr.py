"""Scanned reports: page images → text boxes with positions → canonical lines (see index.layout).

A report published as a scan (a PDF whose pages are images, or photos of pages) has no text
layer. Its pages are read with RapidOCR (PP-OCRv4 Chinese detection and recognition models,
shipped inside the `rapidocr-onnxruntime` wheel, run on the CPU through onnxruntime; nothing is
downloaded). Before OCR a page is cleaned: a red seal is taken out of colour pages, light
paper noise is whitened, and a page turned by a few degrees is turned back. On a grey scan the
seal stays: table cells read only glyphs that reach print black somewhere (a grey seal, cell
shading and noise do not), and text lines the recogniser reads with low confidence are dropped.

Tables are rebuilt from the ruling lines found on the image (OpenCV morphology): cells are the
boxes the lines close, a merged cell covers several slots of the grid. Each cell is read by
itself from its ink, which finds the lone "0"s that text detection misses on a full page;
a cell of several lines (a wrapped label, a label printed one character per line) is read line
by line. index.ocr_layout then joins the pages into canonical lines.

Entry points: `ocr_pdf(data)`, `ocr_image(data)`, and for a reader that OCRs only some pages
of a PDF, `page_needs_ocr(page)` and `ocr_pdf_page(pdf, index)` (a PageLayout; turn several
into lines with `index.ocr_layout.layout_lines`).
"""
from __future__ import annotations

import io
import logging
import re
import threading
import unicodedata
from typing import Callable

import numpy as np

from index.file_limits import pdfium_lock
from index.ocr_layout import Box, Cell, PageLayout, Table, TextBox, concat, group_lines, layout_lines
from index.readers import tidy
from index.report import ReportError

log = logging.getLogger(__name__)

DPI = 200  # pages are rendered at this resolution; 150-200 dpi reads table digits reliably
_MIN_TEXT_CHARS = 10  # a page with fewer readable characters than this has no usable text layer
_GARBAGE_SHARE = 0.3  # ... nor has one where this share of characters are private-use/replacement
_MAX_SKEW = 5.0  # degrees searched when straightening a page
_DETECT_WIDTH = 1240  # pixels across the page image text detection sees (150 dpi on A4)
_DARK = 110  # grey level (after cleaning) print reaches somewhere in every glyph

_CID = re.compile(r"\(cid:\d+\)")  # a glyph pdfminer could not map to a character

Progress = Callable[[int, int], None]

_engine_lock = threading.Lock()
_engine = None


def _ocr_engine():
    """The RapidOCR engine, built once (loading the three models takes about a second)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ReportError("扫描件需要文字识别,但未安装 rapidocr-onnxruntime") from exc
            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            _engine = RapidOCR()
            # Crops are padded to the widest of their batch (at least 48x320, which a lone digit
            # needs to be read with confidence); batches of similar widths.
            _engine.text_rec.rec_batch_num = 12
        return _engine


# --- which pages need OCR ---------------------------------------------------------------

def _is_garbage(ch: str) -> bool:
    code = ord(ch)
    return (0xE000 <= code <= 0xF8FF or code == 0xFFFD or code >= 0xF0000
            or (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t"))


def text_needs_ocr(text: str) -> bool:
    """Text extracted from a page is unusable: (almost) none, or mostly private-use glyph codes,
    replacement characters or unmapped '(cid:123)' glyphs, as fonts without a Unicode map give."""
    text = _CID.sub("\ufffd", text).replace(" ", "").replace("\n", "")
    if len(text) < _MIN_TEXT_CHARS:
        return True
    return sum(_is_garbage(ch) for ch in text) >= _GARBAGE_SHARE * len(text)


def page_needs_ocr(page) -> bool:
    """Whether a PDF page has no usable text layer. `page` is a pdfplumber page, a pypdfium2
    page, or the page's extracted text."""
    if isinstance(page, str):
        return text_needs_ocr(page)
    chars = getattr(page, "chars", None)
    if chars is not None:  # pdfplumber
        return text_needs_ocr("".join(ch.get("text", "") for ch in chars))
    textpage = page.get_textpage()  # pypdfium2
    try:
        return text_needs_ocr(textpage.get_text_range())
    finally:
        textpage.close()


# --- image cleaning ---------------------------------------------------------------------

def _grey(image: np.ndarray) -> np.ndarray:
    """A grey page; on a colour page the red of a seal is whitened first (black text on it stays)."""
    import cv2

    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    b, g, r = (image[..., i].astype(np.int16) for i in range(3))
    red = (r - np.maximum(g, b) > 40) & (r > 110)
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    grey[red] = 255
    return grey


def _clean(grey: np.ndarray) -> np.ndarray:
    """Paper noise and a grey seal are lighter than print: stretch so paper is white and print
    stays dark; light speckles vanish."""
    import cv2

    paper = float(np.percentile(grey, 90))
    ink = float(np.percentile(grey, 0.5))
    if paper - ink < 40:
        return grey
    scaled = (grey.astype(np.float32) - ink) * (255.0 / max(1.0, paper - ink))
    out = np.clip(scaled, 0, 255).astype(np.uint8)
    out[out > 200] = 255
    return cv2.medianBlur(out, 3) if _speckled(out) else out


def _speckled(grey: np.ndarray) -> bool:
    """Salt-and-pepper noise: many isolated dark pixels."""
    import cv2

    dark = (grey < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    tiny = int(np.sum(stats[1:, cv2.CC_STAT_AREA] <= 2))
    return tiny > 0.002 * grey.size / 100


def _ink(grey: np.ndarray) -> np.ndarray:
    """255 where there is print."""
    import cv2

    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 25)


def _skew(grey: np.ndarray) -> float:
    """The angle (degrees) the page is turned by: the one whose row profile is sharpest."""
    import cv2

    small_scale = 800 / max(grey.shape)
    small = cv2.resize(grey, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA)
    ink = (255 - small).astype(np.float32)
    ink[ink < 60] = 0
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        rotated = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, angle, 1.0), (w, h),
                                 flags=cv2.INTER_LINEAR, borderValue=0)
        profile = rotated.sum(axis=1)
        return float(np.sum(np.diff(profile) ** 2))

    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    finer = max(np.arange(fine - 0.1, fine + 0.101, 0.025), key=sharpness)
    return float(finer)


def _straighten(grey: np.ndarray) -> tuple[np.ndarray, float]:
    import cv2

    angle = _skew(grey)
    if abs(angle) < 0.05:
        return grey, 0.0
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=255), angle


# --- ruling lines → table grids ---------------------------------------------------------

def _rulings(ink: np.ndarray, unit: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines: long thin runs of ink. Gaps a scanner left in a thin
    rule are closed."""
    import cv2

    h_len, v_len = max(15, int(40 * unit)), max(15, int(30 * unit))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    gap = max(5, int(12 * unit))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    return horizontal, vertical


def _segments(mask: np.ndarray, horizontal: bool) -> list[tuple[float, float, float]]:
    """(position across, start, end) of each ruling line."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if horizontal:
            out.append((y + h / 2, float(x), float(x + w)))
        else:
            out.append((x + w / 2, float(y), float(y + h)))
    return out


def _cluster(values: list[float], snap: float) -> list[float]:
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= snap:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(g) / len(g) for g in groups]


def _coverage(segments: list[tuple[float, float, float]], at: float, low: float, high: float, snap: float) -> float:
    """Share of [low, high] that ruling lines at `at` cover."""
    spans = sorted((max(low, s), min(high, e)) for pos, s, e in segments if abs(pos - at) <= snap and e > low and s < high)
    covered, end = 0.0, low
    for s, e in spans:
        if e > end:
            covered += e - max(s, end)
            end = e
    return covered / max(1.0, high - low)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _tables(horizontal: np.ndarray, vertical: np.ndarray, unit: float) -> list[Table]:
    """Grids the ruling lines draw: column and row lines, and cells as the slots no line parts."""
    import cv2

    both = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    snap = max(3.0, 6 * unit)
    tables = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if w < 150 * unit or h < 30 * unit:
            continue
        region = labels[y:y + h, x:x + w] == i
        hs = [(p + y, s + x, e + x) for p, s, e in _segments(horizontal[y:y + h, x:x + w] * region, True)
              if e - s >= 20 * unit]
        vs = [(p + x, s + y, e + y) for p, s, e in _segments(vertical[y:y + h, x:x + w] * region, False)
              if e - s >= 15 * unit]
        vs = [v for v in vs if _is_rule(v, hs, snap, unit)]
        if len(vs) < 2 or not hs:
            continue
        # The table runs as far as both its outer column lines (a stroke of a heading just above
        # may have merged into one of them).
        sides = []
        for side in (min(p for p, _, _ in vs), max(p for p, _, _ in vs)):
            own = [(s, e) for p, s, e in vs if abs(p - side) <= snap]
            sides.append((min(s for s, _ in own), max(e for _, e in own)))
        top, bottom = max(sides[0][0], sides[1][0]), min(sides[0][1], sides[1][1])
        if bottom - top < 20 * unit:
            continue
        vs = [(p, max(s, top), min(e, bottom)) for p, s, e in vs if e > top + snap and s < bottom - snap]
        hs = [(p, s, e) for p, s, e in hs if top - snap <= p <= bottom + snap]
        xs = _cluster([p for p, _, _ in vs], snap)
        ys = _cluster([p for p, _, _ in hs] + [top, bottom], snap)
        xs = [xs[0]] + [v for v in xs[1:-1] if v - xs[0] > snap and xs[-1] - v > snap] + [xs[-1]]
        if len(xs) < 2 or len(ys) < 2:
            continue
        table = _grid_cells(xs, ys, hs, vs, snap)
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda t: t.bbox[1])


def _is_rule(v: tuple[float, float, float], hs: list[tuple[float, float, float]], snap: float, unit: float) -> bool:
    """A vertical line that is a table rule, not a stroke of a large character next to the table:
    it reaches from one ruling line to another, or is longer than any character."""
    x, top, bottom = v

    def meets(y: float) -> bool:
        return any(abs(hy - y) <= snap and s - snap <= x <= e + snap for hy, s, e in hs)

    return (meets(top) and meets(bottom)) or bottom - top >= 70 * unit


def _grid_cells(xs: list[float], ys: list[float], hs, vs, snap: float) -> Table | None:
    rows, cols = len(ys) - 1, len(xs) - 1
    union = _Union(rows * cols)
    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and _coverage(vs, xs[c + 1], ys[r], ys[r + 1], snap) < 0.5:
                union.join(r * cols + c, r * cols + c + 1)
            if r + 1 < rows and _coverage(hs, ys[r + 1], xs[c], xs[c + 1], snap) < 0.5:
                union.join(r * cols + c, (r + 1) * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(union.find(r * cols + c), []).append((r, c))
    cells = []
    for slots in groups.values():
        r0, r1 = min(r for r, _ in slots), max(r for r, _ in slots) + 1
        c0, c1 = min(c for _, c in slots), max(c for _, c in slots) + 1
        cell = Cell("", r0, c0, r1, c1, box=(xs[c0], ys[r0], xs[c1], ys[r1]))
        cell.open_top = _coverage(hs, ys[r0], xs[c0], xs[c1], snap) < 0.5
        cell.open_bottom = _coverage(hs, ys[r1], xs[c0], xs[c1], snap) < 0.5
        cells.append(cell)
    # Overlapping bounding boxes (a non-rectangular group) keep the first cell in each slot.
    taken: set[tuple[int, int]] = set()
    kept = []
    for cell in sorted(cells, key=lambda c: (c.r0, c.c0)):
        slots = {(r, c) for r in range(cell.r0, cell.r1) for c in range(cell.c0, cell.c1)}
        if slots & taken:
            continue
        taken |= slots
        kept.append(cell)
    if len(kept) < 2:
        return None
    return Table((xs[0], ys[0], xs[-1], ys[-1]), xs, ys, kept)


# --- reading -------------------------------------------------------------------------------

def _side_by_side(grey: np.ndarray, pieces: list[tuple[int, int, int, int]], gap: int) -> np.ndarray:
    """The pieces of a cell set on one line, centred on a common height."""
    height = max(y1 - y0 + 1 for _, y0, _, y1 in pieces)
    out = []
    for x0, y0, x1, y1 in pieces:
        crop = grey[y0:y1 + 1, x0:x1 + 1]
        canvas = np.full((height, crop.shape[1] + gap), 255, np.uint8)
        top = (height - crop.shape[0]) // 2
        canvas[top:top + crop.shape[0], :crop.shape[1]] = crop
        out.append(canvas)
    return np.hstack(out)


def _bgr(crop: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)


def _pad(crop: np.ndarray, pad: int) -> np.ndarray:
    import cv2

    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _cell_pieces(ink: np.ndarray, dark: np.ndarray, cell: Cell, unit: float) -> list[tuple[int, int, int, int]] | str:
    """The text lines of one cell, as image rectangles (x0, y0, x1, y1) around their ink, top to
    bottom (a label printed one character per line gives one rectangle per character); or the
    text itself where the ink alone tells it (a lone upright stroke in a cell is a "1", which the
    recogniser, seeing no serifs, may read as a bracket)."""
    import cv2

    x0, y0, x1, y1 = (int(round(v)) for v in cell.box)
    margin = max(2, int(4 * unit))
    ix0, iy0, ix1, iy1 = x0 + margin, y0 + margin, x1 - margin, y1 - margin
    if ix1 - ix0 < 3 or iy1 - iy0 < 3:
        return []
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink[iy0:iy1, ix0:ix1], connectivity=8)
    # Print is black; the texture of a shaded cell, a grey seal or paper noise is lighter.
    black = np.bincount(labels[dark[iy0:iy1, ix0:ix1]].ravel(), minlength=count)
    glyphs = []
    for i in range(1, count):
        x, y, w, h, area = stats[i]
        if black[i] == 0 or (h < 4 * unit and w < 4 * unit and area < 12 * unit * unit):
            continue  # a speck, or no print
        if (h <= 4 * unit and w >= 25 * unit) or (w <= 4 * unit and h >= 25 * unit and (y == 0 or y + h >= iy1 - iy0)):
            continue  # what is left of a ruling line at the cell's edge
        glyphs.append((x, y, x + w, y + h))
    if not glyphs:
        return []
    if len(glyphs) == 1:
        gx0, gy0, gx1, gy1 = glyphs[0]
        if gy1 - gy0 >= 8 * unit and (gx1 - gx0) <= 0.4 * (gy1 - gy0):
            return "1"
    size = float(np.percentile([max(g[2] - g[0], g[3] - g[1]) for g in glyphs], 75))
    # Rows of ink; pieces of one character (the strokes of 三) are joined while they fit in one line.
    spans = sorted((g[1], g[3]) for g in glyphs)
    runs: list[list[int]] = []
    for top, bottom in spans:
        if runs and top <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], bottom)
        else:
            runs.append([top, bottom])
    lines: list[list[int]] = []
    for top, bottom in runs:
        if lines and bottom - lines[-1][0] <= 1.3 * size:
            lines[-1][1] = max(lines[-1][1], bottom)
        else:
            lines.append([top, bottom])
    pieces = []
    for top, bottom in lines:
        inside = [g for g in glyphs if g[1] >= top and g[3] <= bottom]
        if not inside:
            continue
        pieces.append((min(g[0] for g in inside) + ix0, top + iy0, max(g[2] for g in inside) + ix0, bottom + iy0))
    return pieces



def _axis_box(quad) -> Box:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def _inside_table(box: Box, tables: list[Table]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(t.bbox[0] <= cx <= t.bbox[2] and t.bbox[1] <= cy <= t.bbox[3] for t in tables)


def _detect(engine, bgr: np.ndarray) -> list[np.ndarray]:
    """Text line boxes (quadrilaterals in page pixels). Detection runs at about 150 dpi: lines of
    body text are found as well as at 200 and it costs half; table cells are read by their ink."""
    import cv2

    scale = min(1.0, _DETECT_WIDTH / bgr.shape[1])
    small = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else bgr
    quads, _ = engine.text_det(small)
    if quads is None or len(quads) == 0:
        return []
    return [np.asarray(q, dtype=np.float32) / scale for q in engine.sorted_boxes(np.asarray(quads))]


def _recognise(engine, crops: list[np.ndarray]) -> list[tuple[str, float]]:
    if not crops:
        return []
    results, _ = engine.text_rec(crops)
    return [(str(text), float(score)) for text, score in results]


def read_page(image: np.ndarray, number: int = 1) -> PageLayout:
    """OCR one page image (grey or BGR, any resolution around 150-300 dpi) into a PageLayout."""
    import cv2

    engine = _ocr_engine()
    grey = _clean(_grey(image))
    grey, angle = _straighten(grey)
    height, width = grey.shape
    page = PageLayout(number=number, width=width, height=height, angle=angle)
    ink = _ink(grey)
    if np.count_nonzero(ink) < 0.0005 * ink.size:
        return page  # a blank page
    unit = width / 1240.0  # 1.0 at 150 dpi on A4
    horizontal, vertical = _rulings(ink, unit)
    tables = _tables(horizontal, vertical, unit)
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(cv2.bitwise_or(horizontal, vertical),
                                                                np.ones((3, 3), np.uint8))))
    dark = grey < _DARK
    bgr = _bgr(grey)
    quads = _detect(engine, bgr)
    boxes = [(_axis_box(q), q) for q in quads]

    crops: list[np.ndarray] = []
    owners: list[tuple[str, object, Box]] = []
    narrative = [(box, quad) for box, quad in boxes if not _inside_table(box, tables)]
    if narrative:
        for crop, (box, _) in zip(engine.get_crop_img_list(bgr, [q for _, q in narrative]), narrative):
            crops.append(crop)
            owners.append(("text", None, box))
    pad = max(3, int(6 * unit))
    known: dict[int, str] = {}
    for table in tables:
        for cell in table.cells:
            pieces = _cell_pieces(text_ink, dark, cell, unit)
            if isinstance(pieces, str):
                known[id(cell)] = pieces
                continue
            if len(pieces) > 2 and all(x1 - x0 <= 1.6 * (y1 - y0) for x0, y0, x1, y1 in pieces):
                # One character per line ('本' over '年' over '度'): read side by side as one
                # line, so the recogniser has the whole word.
                crops.append(_bgr(_pad(_side_by_side(grey, pieces, pad), pad)))
                owners.append(("cell", cell, pieces[0]))
                continue
            for x0, y0, x1, y1 in pieces:
                crop = grey[y0:y1 + 1, x0:x1 + 1]
                if crop.size == 0:
                    continue
                crops.append(_bgr(_pad(crop, pad)))
                owners.append(("cell", cell, (x0, y0, x1, y1)))
    results = _recognise(engine, crops)

    texts: list[TextBox] = []
    cell_parts: dict[int, list[tuple[str, float]]] = {}
    for (kind, cell, box), (text, score) in zip(owners, results):
        if kind == "text":
            if text.strip() and score >= 0.5:
                texts.append(TextBox(text.strip(), score, *box))
        else:
            cell_parts.setdefault(id(cell), []).append((text.strip(), score))
    for table in tables:
        for cell in table.cells:
            parts = cell_parts.get(id(cell), [])
            if id(cell) in known:
                parts = [(known[id(cell)], 0.9)]
            text = ""
            for part, _ in parts:
                text = concat(text, part)
            cell.text = tidy(text)
            cell.score = min((score for part, score in parts if part), default=1.0)
    page.lines = group_lines(texts)
    page.tables = tables
    if abs(angle) >= 0.05:
        log.debug("page %d straightened by %.2f°", number, angle)
    return page


# --- files ------------------------------------------------------------------------------------

def _render(pdf_page, dpi: int) -> np.ndarray:
    bitmap = pdf_page.render(scale=dpi / 72, grayscale=True)
    array = bitmap.to_numpy()
    if array.ndim == 3:
        array = array[..., 0]
    return np.ascontiguousarray(array)


def ocr_pdf_page(pdf, index: int, dpi: int = DPI) -> PageLayout:
    """OCR page `index` (0-based) of a pypdfium2 PdfDocument (or PDF bytes)."""
    import pypdfium2 as pdfium

    with pdfium_lock:
        if isinstance(pdf, (bytes, bytearray)):
            pdf = pdfium.PdfDocument(bytes(pdf))
        page = pdf[index]
        try:
            image = _render(page, dpi)
        finally:
            page.close()
    return read_page(image, number=index + 1)


def ocr_pdf(data: bytes, progress: Progress | None = None, warnings: list[str] | None = None,
            dpi: int = DPI, pages: list[int] | None = None) -> list[str]:
    """Canonical lines of a scanned PDF. Every page is OCR'd once (or only `pages`, 0-based);
    `progress(done, total)` is called after each page; cells OCR could not read are blank and
    named in `warnings`."""
    import pypdfium2 as pdfium

    try:
        with pdfium_lock:  # PDFium is not thread-safe: the web app may render a page image meanwhile
            pdf = pdfium.PdfDocument(data)
            count = len(pdf)
    except Exception as exc:  # pdfium raises its own error type on damaged files
        raise ReportError(f"PDF 文件损坏或无法解析({exc})") from exc
    try:
        indices = list(range(count)) if pages is None else pages
        layouts = []
        for done, index in enumerate(indices, start=1):
            layouts.append(ocr_pdf_page(pdf, index, dpi))
            if progress:
                progress(done, len(indices))
    finally:
        with pdfium_lock:
            pdf.close()
    return layout_lines(layouts, warnings)


def load_image(data: bytes) -> np.ndarray:
    """A .png/.jpg/.tif page image → BGR or grey array."""
    import cv2

    array = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if array is None:
        try:
            from PIL import Image

            array = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))[..., ::-1].copy()
        except Exception as exc:
            raise ReportError(f"无法读取图片({exc})") from exc
    if array.dtype != np.uint8:
        array = (array / max(1, array.max()) * 255).astype(np.uint8)
    return array


def ocr_image(data: bytes, warnings: list[str] | None = None) -> list[str]:
    """Canonical lines of one page image (.png/.jpg)."""
    return layout_lines([read_page(load_image(data))], warnings)

