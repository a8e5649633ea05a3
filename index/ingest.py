"""parse → chunk → store, for one report file at a time; re-adding a report replaces it.

A replacement never loses the report: the new version is stored beside the old one and made the
searchable one in a single transaction (see index.report_store). The same content under another
name is refused, naming the report it already is.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.chunking import chunk_report
from index.file_limits import DEFAULT_LIMITS, FileLimits
from index.parsing import parse_report, report_id_for
from index.readers import OcrOptions, read_lines
from index.report import Report, ReportError
from index.report_store import ReportStore
from index.vector_store import ChunkVectorStore
from settings import Settings


ADDED, REPLACED, UNCHANGED = "added", "replaced", "unchanged"


@dataclass
class IngestResult:
    report_id: str
    title: str
    sections: int
    rows: int
    chunks: int
    warnings: list[str] = field(default_factory=list)
    outcome: str = ADDED


class DuplicateReport(ReportError):
    """The file holds a report that is already indexed under another id."""


def discard_stale(reports: ReportStore, vectors: ChunkVectorStore) -> list[str]:
    """Remove versions a killed ingest left pending and versions a switch retired, vectors first;
    only safe under `reports.writing()`, which no live ingest holds then."""
    stale = reports.stale_versions()
    for report_id, version, chunk_ids in stale:
        vectors.delete_chunks(chunk_ids)
        reports.drop_version(report_id, version)
    return [report_id for report_id, _, _ in stale]


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


class Ingestor:
    def __init__(self, reports: ReportStore, vectors: ChunkVectorStore, options: ReadOptions = ReadOptions()):
        self.reports = reports
        self.vectors = vectors
        self.options = options

    def add_report(self, report: Report) -> IngestResult:
        version = report.fingerprint()
        chunks = chunk_report(report)
        with self.reports.writing():
            self.vectors.check()  # a store that is down fails here, before anything is written
            self.discard_stale()
            twins = [rid for rid in self.reports.with_version(version) if rid != report.report_id]
            if twins:
                raise DuplicateReport(f"{report.source or report.report_id}: 与已导入的报告 {twins[0]} 内容相同,未重复导入")
            current = self.reports.ready_version(report.report_id)
            if current == version:
                self.vectors.add_chunks(chunks)  # a new vector store (server switched) gets them again
                outcome = UNCHANGED
            else:
                self.reports.write_pending(report, version, chunks)
                self.vectors.add_chunks(chunks)
                self.reports.switch(report.report_id, version)
                self.discard_stale()
                outcome = ADDED if current is None else REPLACED
        return IngestResult(report.report_id, report.title, len(report.sections), len(report.table_rows),
                            len(chunks), list(report.warnings), outcome)

    def discard_stale(self) -> list[str]:
        return discard_stale(self.reports, self.vectors)

    def add_file(self, path: str | Path, report_id: str | None = None) -> IngestResult:
        return self.add_report(parse_file(path, report_id, self.options))

    def delete(self, report_id: str) -> bool:
        with self.reports.writing():
            gone = self.reports.retire(report_id)
            self.discard_stale()
            return gone
