"""A scanned report's cited page as an image, with what is cited outlined on it.

The page is rendered from the report's original file (a PDF or a page image) at a resolution a side panel
needs, once: it is kept on disk by the file's content hash. The outline is drawn over the image by the
browser from the citation's boxes (index.report.ScanPlace.box), so one image serves every citation of a page.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from html import escape
from pathlib import Path
from urllib.parse import quote

import numpy as np
from PIL import Image

from index.file_limits import pdfium_lock
from index.readers import IMAGE_SUFFIXES
from index.report import Report
from index.scan_places import locate, scanned_page

log = logging.getLogger(__name__)

DPI = 100  # an A4 page 827 px wide: sharp in the side panel, a few hundred KB
_PAGE_WIDTH = round(8.27 * DPI)  # a photographed page wider than an A4 page at DPI is scaled down to it
_COLOUR_SPREAD = 40  # a pixel whose channels differ this much is colour (a red seal), not grey print
_COLOUR_SHARE = 0.0005  # pages with less colour than this are stored grey: half the bytes


def page_png(path: Path, number: int, cache_dir: Path) -> bytes | None:
    """The PNG of page `number` (1-based) of a PDF or a page image; None for a page the file does not have
    or a file that is neither. A cache that cannot be written costs a render per request, nothing else."""
    suffix = path.suffix.lower()
    if suffix != ".pdf" and suffix not in IMAGE_SUFFIXES:
        return None
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    target = cache_dir / f"{digest}-{number}-{DPI}.png"
    try:
        return target.read_bytes()
    except OSError:
        pass
    image = _pdf_page(path, number) if suffix == ".pdf" else _image_page(path, number)
    if image is None:
        return None
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = buffer.getvalue()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, target)  # two requests for one page never see half a file
    except OSError:
        log.warning("page image cache %s cannot be written", cache_dir)
    return data


def _pdf_page(path: Path, number: int) -> Image.Image | None:
    import pypdfium2 as pdfium

    with pdfium_lock:  # PDFium is not thread-safe: an upload may be read by OCR meanwhile
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            return None
        try:
            if not 1 <= number <= len(pdf):
                return None
            page = pdf[number - 1]
            try:
                image = page.render(scale=DPI / 72).to_pil().convert("RGB")
            finally:
                page.close()
        finally:
            pdf.close()
    return _grey_unless_colour(image)


def _image_page(path: Path, number: int) -> Image.Image | None:
    """A page image is page 1. Its pixels are kept as stored (no EXIF turn), as OCR read them."""
    if number != 1:
        return None
    try:
        with Image.open(path) as opened:
            image = opened.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if image.width > _PAGE_WIDTH:
        image = image.resize((_PAGE_WIDTH, round(image.height * _PAGE_WIDTH / image.width)), Image.LANCZOS)
    return _grey_unless_colour(image)


def _grey_unless_colour(image: Image.Image) -> Image.Image:
    pixels = np.asarray(image, dtype=np.int16)
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    return image if np.mean(spread > _COLOUR_SPREAD) >= _COLOUR_SHARE else image.convert("L")


def page_href(report_id: str, page: int) -> str:
    """Relative to the chat page, as the report links are."""
    return f"reports/{quote(report_id, safe='')}/page/{page}.png"


def cited_page(report: Report, citation: dict) -> tuple[int | None, list[list[float]]]:
    """The scanned page a citation (as the chat keeps it) comes from and its boxes there. A quote cited
    without its page (a conversation from before pages were kept) is looked for in the report."""
    row = citation.get("row") or {}
    if citation["kind"] == "table_row" and row.get("page"):
        return row["page"], [row["box"]] if row.get("box") else []
    if citation.get("page"):
        return citation["page"], citation.get("boxes") or []
    if citation["kind"] == "section":
        return locate(report, citation["label"], citation["quote"])
    return None, []


def page_figure(report_id: str, page: int, boxes: list[list[float]], has_original: bool) -> str:
    """The page with the cited text outlined; without the original file only which page it is."""
    if not has_original:
        return f'<p class="scan-note">{scanned_page(page)}(原文文件已不在服务器上,无法显示页面图像)</p>'
    src = escape(page_href(report_id, page))
    shapes = "".join(
        '<polygon vector-effect="non-scaling-stroke" points="'
        + " ".join(f"{x},{y}" for x, y in zip(box[0::2], box[1::2])) + '"/>' for box in boxes)
    outline = ('<svg class="scan-boxes" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true" '
               'style="position:absolute;inset:0;width:100%;height:100%;pointer-events:none">'
               f'<g fill="rgba(250,204,21,0.28)" stroke="#dc2626" stroke-width="1.5">{shapes}</g></svg>')
    said = ",红框为引用之处" if boxes else ""
    return (f'<figure class="scan-page" style="margin:0.6rem 0">'
            f'<a href="{src}" target="_blank" rel="noopener" title="在新窗口查看整页" '
            f'style="position:relative;display:block;border:1px solid #d1d5db">'
            f'<img src="{src}" alt="报告原件{scanned_page(page)}" loading="lazy" '
            f'style="display:block;width:100%;height:auto">{outline if boxes else ""}</a>'
            f'<figcaption style="font-size:0.8rem">{scanned_page(page)}{said}</figcaption></figure>')
