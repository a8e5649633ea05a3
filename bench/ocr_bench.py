"""OCR speed and accuracy on a scanned report: seconds per page, and how many statistics-table
cells parse to the same value as the text PDF of the same report.

    .venv/bin/python bench/ocr_bench.py                                   # the huaian-2024 scan
    .venv/bin/python bench/ocr_bench.py SCAN.pdf --text TEXT.pdf --dpi 200
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from index import ocr  # noqa: E402
from index.ocr_layout import layout_lines  # noqa: E402
from index.parsing import parse_report  # noqa: E402
from index.readers import read_lines  # noqa: E402

SCAN = ROOT / "tests" / "data" / "scans" / "huaian-2024-scan.pdf"
TEXT = ROOT / "tests" / "data" / "real" / "huaian-2024.pdf"


def _cells(report) -> dict[tuple, float | None]:
    return {(row.table, *row.parents, row.label, *row.columns): row.value for row in report.table_rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scan", nargs="?", default=str(SCAN))
    parser.add_argument("--text", default=str(TEXT), help="the same report as a text PDF, to compare cells")
    parser.add_argument("--dpi", type=int, default=ocr.DPI)
    args = parser.parse_args()

    started = time.perf_counter()
    ocr._ocr_engine()
    load = time.perf_counter() - started
    pdf = pdfium.PdfDocument(args.scan)
    pages, times = [], []
    for index in range(len(pdf)):
        started = time.perf_counter()
        pages.append(ocr.ocr_pdf_page(pdf, index, args.dpi))
        times.append(time.perf_counter() - started)
        print(f"page {index + 1}: {times[-1]:.1f} s", flush=True)
    warnings: list[str] = []
    lines = layout_lines(pages, warnings)
    cpu = os.times()
    print(f"model load {load:.1f} s; {len(times)} pages at {args.dpi} dpi: {sum(times) / len(times):.1f} s per page "
          f"(min {min(times):.1f}, max {max(times):.1f}); process CPU {cpu.user + cpu.system:.0f} s")
    report = parse_report(lines, args.scan, "scan")
    print(f"unit {report.unit!r}, year {report.year}, {len(report.sections)} sections, "
          f"{len(report.table_rows)} table cells, {len(warnings)} OCR warnings")
    for warning in warnings:
        print("  warning:", warning)
    if args.text and Path(args.text).exists():
        text = _cells(parse_report(read_lines(args.text), args.text, "text"))
        scan = _cells(report)
        equal = sum(1 for key, value in text.items() if key in scan and scan[key] == value)
        blank = sum(1 for key in text if key in scan and scan[key] is None and text[key] is not None)
        wrong = sum(1 for key, value in text.items() if key in scan and scan[key] is not None and scan[key] != value)
        missing = sum(1 for key in text if key not in scan)
        print(f"table cells equal to the text PDF: {equal}/{len(text)} (blank {blank}, wrong {wrong}, "
              f"missing {missing})")


if __name__ == "__main__":
    main()
