"""Swappable components built from settings: embeddings, the two stores, the ingestor."""
from __future__ import annotations

import logging
from functools import cached_property

from index.ingest import IngestResult, Ingestor
from index.readers import SUPPORTED
from index.report_file import ReadOptions, parse_file
from index.report_store import ReportStore, database_path
from index.vector_store import ChunkVectorStore, VectorStoreUnavailable
from settings import Settings, get_settings

log = logging.getLogger(__name__)


class Components:
    """Built lazily so that `index list` never loads the embedding model."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()

    @cached_property
    def embeddings(self):
        from index.embeddings import load_embeddings

        return load_embeddings(self.settings)

    @cached_property
    def reports(self) -> ReportStore:
        return ReportStore(database_path(self.settings))

    @cached_property
    def vectors(self) -> ChunkVectorStore:
        return ChunkVectorStore(self.settings, self.embeddings)

    @cached_property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.reports, self.vectors, ReadOptions.from_settings(self.settings))

    def ensure_example_index(self) -> list[str]:
        """On a fresh machine the bundled reports (the example and real published ones) are indexed at
        first use, so the chat and the CLI answer out of the box; an index that has any report is left as it is. A vector
        store that is down is logged, not raised: the app starts and apologises until it is back."""
        if self.reports.ready_ids():
            return []
        paths = sorted(p for p in self.settings.example_reports.iterdir() if p.suffix in SUPPORTED.split())
        try:
            outcomes = self.ingestor.add_reports([parse_file(path, options=self.ingestor.options) for path in paths])
        except VectorStoreUnavailable as exc:
            log.warning("示例报告未能导入: %s", exc)
            return []
        return [outcome.report_id for outcome in outcomes if isinstance(outcome, IngestResult)]
