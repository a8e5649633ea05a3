"""The ready reports as a mapping, id → report, without holding them all: ten thousand parsed reports
take gigabytes, and a question reads a few.

A report's catalogue entry (unit, year, title, level, region) is in memory; its text and tables are read
from the store the first time an answer needs them and kept in a small cache, so code that reads
`corpus.reports[rid].year` or iterates every report's unit costs nothing more than the catalogue.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

from index.report import Report
from index.report_store import ReportEntry, ReportStore

REPORTS_CACHED = 64


class ReportView:
    """A report as answers read it: the catalogue's fields at once, any other attribute (sections,
    table_rows, signoff, to_dict…) from the report itself, loaded on first use."""

    __slots__ = ("entry", "_load", "_report")

    def __init__(self, entry: ReportEntry, load):
        self.entry = entry
        self._load = load
        self._report: Report | None = None

    report_id = property(lambda self: self.entry.report_id)
    title = property(lambda self: self.entry.title)
    unit = property(lambda self: self.entry.unit)
    year = property(lambda self: self.entry.year)
    level = property(lambda self: self.entry.level)
    region = property(lambda self: self.entry.region)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._report is None:
            self._report = self._load(self.entry)
        return getattr(self._report, name)


class ReportShelf(Mapping):
    """Ready report ids in year order (`entries`, replaced as the store changes) → ReportView."""

    def __init__(self, store: ReportStore):
        self._store = store
        self.entries: dict[str, ReportEntry] = {}
        self._load = lru_cache(maxsize=REPORTS_CACHED)(self._read)  # by entry, so by version

    def _read(self, entry: ReportEntry) -> Report:
        report = self._store.report(entry.report_id)
        if report is None:
            raise KeyError(entry.report_id)  # deleted since this process last followed the store
        return report

    def __getitem__(self, report_id: str) -> ReportView:
        return ReportView(self.entries[report_id], self._load)

    def __contains__(self, report_id: object) -> bool:
        return report_id in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)
