"""Print the HTML reports in this folder to the PDFs tests/test_pdf_layout.py reads.

The pages are two made-up district reports laid out as city and district sites publish
theirs, so that the PDF reader meets what real PDFs hold:

- yunxi-2023: the first page's text in a frame, as a web page prints its article: a table
  whose 索引号/发布机构 grid (four columns) sits above rows of one cell each, one paragraph a
  row; page numbers "- N -" at the right of odd and the left of even pages; 表二 as four
  small tables, one broken after its first row; 表三 with a label column one character wide
  and header cells that wrap, running over a page with its header repeated (thead), a row
  and the group label "(六)其他处理" cut by the page; 表四 with its three-level header.
- qingshi-2022: "第 N 页 共 M 页" page numbers, a full stop set below its line, 表二 as one
  table broken by a page, 表三 running over a page with no header repeated and its outer
  label left on the page before, a label printed with a typo (其他法律行政止公开), blank rows.

The tests pin page breaks and cell positions, so a PDF printed by another Chromium may need
the tests' expectations looked over against the page images
(pdftoppm -r 60 -png NAME.pdf NAME). Run: python tests/data/pdf/regenerate.py
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer"]


def print_pdf(chromium: str, page: Path) -> Path:
    """One page printed by headless Chromium with a throwaway profile."""
    out = page.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return out


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Chromium is not installed (bash scripts/install_test_deps.sh)", file=sys.stderr)
        return 1
    for page in sorted(HERE.glob("*.html")):
        print(print_pdf(chromium, page))
    return 0


if __name__ == "__main__":
    sys.exit(main())
