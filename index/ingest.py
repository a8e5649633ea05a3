"""parse → chunk → store, for a list of reports at once: the one ingest path (`index add`, uploads, the
bundled reports); one report is a list of one. Re-adding a report replaces it.

A replacement never loses the report: every new version is written beside its old one, its vectors are
stored, and only then is it made the searchable one, in a transaction of its own (see index.report_store).
The same content under another name is refused, naming the report it already is, without failing the rest.

Embedding is most of what ingest costs (bench/ingest_bench.py), so only the narrative is embedded, each
distinct text once and only where the vector store lacks it (index.vector_store): an indicator cell is found
by lookup over its row and column paths and by keyword, never by dense search, and a 2019-template report
has ~200 of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.chunking import Chunk, chunk_report
from index.report import Report, ReportError
from index.report_file import ReadOptions, parse_file
from index.report_store import ReportStore
from index.vector_store import ChunkVectorStore

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


def embedded(chunk: Chunk) -> bool:
    """Whether retrieval searches the chunk by meaning: the narrative only."""
    return chunk.kind == "section"


def discard_stale(reports: ReportStore, vectors: ChunkVectorStore) -> list[str]:
    """Remove versions a killed ingest left pending and versions a switch retired, vectors first;
    only safe under `reports.writing()`, which no live ingest holds then."""
    stale = reports.stale_versions()
    for report_id, version, chunk_ids in stale:
        vectors.delete_chunks(chunk_ids)
        reports.drop_version(report_id, version)
    return [report_id for report_id, _, _ in stale]


def _runs(reports: list[Report]) -> list[list[Report]]:
    """Consecutive runs in which no report id repeats: a name given twice in one go (two folders holding
    the same file name) replaces its first import, as it would one file at a time."""
    runs: list[list[Report]] = [[]]
    for report in reports:
        if any(report.report_id == other.report_id for other in runs[-1]):
            runs.append([])
        runs[-1].append(report)
    return [run for run in runs if run]


class Ingestor:
    def __init__(self, reports: ReportStore, vectors: ChunkVectorStore, options: ReadOptions = ReadOptions()):
        self.reports = reports
        self.vectors = vectors
        self.options = options

    def add_reports(self, reports: list[Report], vectors: bool = True) -> list[IngestResult | DuplicateReport]:
        """One outcome per report, in order. A vector store that is down fails here, before anything is
        written. With `vectors=False` reports are answerable by keyword and lookup at once and their
        narrative gets its vectors from `embed_missing`."""
        with self.reports.writing():
            self.vectors.check()
            self.discard_stale()
            return [outcome for run in _runs(reports) for outcome in self._add_run(run, vectors)]

    def _add_run(self, reports: list[Report], vectors: bool) -> list[IngestResult | DuplicateReport]:
        outcomes: list[IngestResult | DuplicateReport] = []
        switches, narrative, taken = [], [], {}
        for report in reports:
            version, chunks = report.fingerprint(), chunk_report(report)
            twins = [rid for rid in self.reports.with_version(version) if rid != report.report_id]
            twin = twins[0] if twins else taken.get(version)
            if twin:
                outcomes.append(DuplicateReport(f"{report.source or report.report_id}: 与已导入的报告 {twin} "
                                                f"内容相同,未重复导入"))
                continue
            taken[version] = report.report_id
            current = self.reports.ready_version(report.report_id)
            if current != version:
                self.reports.write_pending(report, version, chunks)
                switches.append((report.report_id, version))
            narrative += [c for c in chunks if embedded(c)]  # an unchanged report's too: a new store lacks them
            outcomes.append(IngestResult(report.report_id, report.title, len(report.sections),
                                         len(report.table_rows), len(chunks), list(report.warnings),
                                         UNCHANGED if current == version else ADDED if current is None else REPLACED))
        if vectors:
            self.vectors.add_chunks(narrative)
        for report_id, version in switches:
            self.reports.switch(report_id, version)
        if switches:
            self.discard_stale()
        return outcomes

    def add_report(self, report: Report) -> IngestResult:
        """Raises DuplicateReport for the same content under another name."""
        outcome = self.add_reports([report])[0]
        if isinstance(outcome, DuplicateReport):
            raise outcome
        return outcome

    def add_file(self, path: str | Path, report_id: str | None = None) -> IngestResult:
        return self.add_report(parse_file(path, report_id, self.options))

    def embed_missing(self, report_ids: list[str], batch_reports: int = 20) -> int:
        """Vectors for the narrative of reports added with `vectors=False`; returns the chunks embedded."""
        done = 0
        for start in range(0, len(report_ids), batch_reports):
            done += self.vectors.add_chunks([c for c in self.reports.chunks(report_ids[start:start + batch_reports])
                                             if embedded(c)])
        return done

    def discard_stale(self) -> list[str]:
        return discard_stale(self.reports, self.vectors)

    def delete(self, report_id: str) -> bool:
        with self.reports.writing():
            gone = self.reports.retire(report_id)
            self.discard_stale()
            return gone
