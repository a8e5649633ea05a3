"""Many reports in one go, for indexing hundreds of reports: the structured half written report by
report, the vectors added in one batch.

Embedding is what limits ingest (the e5 model encodes ~20 passages/s on two cores), so only the
narrative chunks are embedded, each distinct text once: indicator cells are found by lookup over
their row and column paths, never by dense search, and a 2019-template report has ~200 of them.
With `vectors=False` reports become answerable by keyword search and lookup at once; their
narrative is embedded later by `embed_missing`, in batches, while questions are answered.
"""
from __future__ import annotations

from index.chunking import Chunk, chunk_report
from index.ingest import ADDED, REPLACED, UNCHANGED, IngestResult, discard_stale
from index.report import Report
from index.report_store import ReportStore
from index.vector_store import BATCH, ChunkVectorStore, chunk_metadata


def embedded(chunk: Chunk) -> bool:
    return chunk.kind == "section"


class BatchIngestor:
    def __init__(self, reports: ReportStore, vectors: ChunkVectorStore):
        self.reports = reports
        self.vectors = vectors

    def add_reports(self, reports: list[Report], vectors: bool = True) -> list[IngestResult]:
        """Every new version is written beside its old one, embedded in one batch, then switched in."""
        results, pending, switches = [], [], []
        with self.reports.writing():
            discard_stale(self.reports, self.vectors)
            for report in reports:
                version, chunks = report.fingerprint(), chunk_report(report)
                current = self.reports.ready_version(report.report_id)
                if current != version:
                    self.reports.write_pending(report, version, chunks)
                    switches.append((report.report_id, version))
                pending += [c for c in chunks if embedded(c)]
                outcome = UNCHANGED if current == version else ADDED if current is None else REPLACED
                results.append(IngestResult(report.report_id, report.title, len(report.sections),
                                            len(report.table_rows), len(chunks), list(report.warnings), outcome))
            if vectors:
                self._add_vectors(pending)
            for report_id, version in switches:
                self.reports.switch(report_id, version)
            discard_stale(self.reports, self.vectors)
        return results

    def embed_missing(self, report_ids: list[str], batch_reports: int = 20) -> int:
        """Embed the narrative of reports added with `vectors=False`; returns the chunks embedded."""
        done = 0
        for start in range(0, len(report_ids), batch_reports):
            chunks = [c for c in self.reports.chunks(report_ids[start:start + batch_reports]) if embedded(c)]
            self._add_vectors(chunks)
            done += len(chunks)
        return done

    def _add_vectors(self, chunks: list[Chunk]) -> None:
        texts = list(dict.fromkeys(c.text for c in chunks))  # the same text in many reports: embedded once
        vectors = dict(zip(texts, self.vectors.store.embeddings.embed_documents(texts))) if texts else {}
        collection = self.vectors.store._collection
        for start in range(0, len(chunks), BATCH):
            part = chunks[start:start + BATCH]
            collection.upsert(ids=[c.chunk_id for c in part], embeddings=[vectors[c.text] for c in part],
                              metadatas=[chunk_metadata(c) for c in part], documents=[c.text for c in part])
