"""One report file read into a Report, within what the settings let a file cost.

Kept apart from index.ingest so that the worker process `index add` parses files in imports only
the readers (0.15 s), not the stores and Chroma (2.4 s).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.file_limits import DEFAULT_LIMITS, FileLimits
from index.parsing import parse_report, report_id_for
from index.readers import OcrOptions, read_lines
from index.report import Report
from settings import Settings


@dataclass(frozen=True)
class ReadOptions:
    """What reading a report file may cost and how its scanned pages are read, from the settings."""

    max_mb: int | None = None
    limits: FileLimits = DEFAULT_LIMITS
    ocr: OcrOptions = OcrOptions()

    @classmethod
    def from_settings(cls, settings: Settings, progress: Callable[[int, int], None] | None = None) -> "ReadOptions":
        return cls(settings.max_report_mb,
                   FileLimits(settings.max_unzipped_mb, settings.max_pdf_pages, settings.max_text_chars),
                   OcrOptions(settings.ocr_cache_dir, progress))


def parse_file(path: str | Path, report_id: str | None = None, options: ReadOptions = ReadOptions()) -> Report:
    """Raises ReportError, naming the file, before anything in the index is touched. What OCR could
    not read joins the report's warnings."""
    warnings: list[str] = []
    lines = read_lines(path, options.max_mb, options.limits, options.ocr, warnings)
    return parse_report(lines, str(path), report_id or report_id_for(path), warnings)


def ocr_progress_on_stderr(done: int, total: int) -> None:
    """OCR takes seconds a page: a scanned report shows how far it has got. Defined here, not in the
    command, so that the parsing worker process can be handed it."""
    print(f"\r文字识别: 第 {done}/{total} 页", end="\n" if done == total else "", file=sys.stderr, flush=True)
