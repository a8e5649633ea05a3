"""parse → chunk → store, for one report file at a time; re-adding a report replaces it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.chunking import chunk_report
from index.parsing import parse_report, report_id_for
from index.readers import read_lines
from index.report import Report
from index.report_store import ReportStore
from index.vector_store import ChunkVectorStore


@dataclass
class IngestResult:
    report_id: str
    title: str
    sections: int
    rows: int
    chunks: int
    warnings: list[str] = field(default_factory=list)


def parse_file(path: str | Path, report_id: str | None = None, max_mb: int | None = None) -> Report:
    """Raises ReportError, naming the file, before anything in the index is touched."""
    return parse_report(read_lines(path, max_mb), str(path), report_id or report_id_for(path))


class Ingestor:
    def __init__(self, reports: ReportStore, vectors: ChunkVectorStore, max_report_mb: int | None = None):
        self.reports = reports
        self.vectors = vectors
        self.max_report_mb = max_report_mb

    def add_report(self, report: Report) -> IngestResult:
        """Pending rows, then vectors, then ready: a crash at any point leaves nothing searchable
        that the next ingest does not clean up (see discard_pending)."""
        chunks = chunk_report(report)
        with self.reports.writing():
            self.vectors.check()  # a store that is down fails here, before the old version is replaced
            self.discard_pending()
            self.reports.write_pending(report, chunks)
            self.vectors.replace_report(report.report_id, chunks)
            self.reports.mark_ready(report.report_id)
        return IngestResult(report.report_id, report.title, len(report.sections), len(report.table_rows),
                            len(chunks), list(report.warnings))

    def discard_pending(self) -> list[str]:
        """Reports a killed ingest left half written; only safe under `writing`, which no live ingest holds."""
        pending = self.reports.pending_ids()
        for report_id in pending:
            self.vectors.delete_report(report_id)
            self.reports.delete(report_id)
        return pending

    def add_file(self, path: str | Path, report_id: str | None = None) -> IngestResult:
        return self.add_report(parse_file(path, report_id, self.max_report_mb))

    def delete(self, report_id: str) -> bool:
        with self.reports.writing():
            self.vectors.delete_report(report_id)
            return self.reports.delete(report_id)
