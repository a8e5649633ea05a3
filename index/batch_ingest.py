"""Many report files into the index, as `index add` imports a folder: parsed in a worker process while the
main process embeds and stores what was parsed before, so that reading (pdfminer takes ~70 ms a PDF page)
and embedding share the two cores instead of taking turns.

Parsing starts before the model and jieba's dictionary load. A batch is what the worker has parsed by the time the ingestor is
free: up to BATCH_FILES, at least one. At most that many files are parsed ahead, so a folder of thousands
fits in memory.
"""
from __future__ import annotations

from collections.abc import Iterator

from index.components import Components
from index.ingest import IngestResult
from index.parse_worker import Parsing
from index.report import Report, ReportError
from index.report_file import ReadOptions
from index.tokens import load_dictionary

BATCH_FILES = 16  # ~200 narrative passages: full batches for the model, and a progress step of a few seconds


def ingest_files(components: Components, files: list[str], options: ReadOptions, report_id: str | None = None,
                 batch: int = BATCH_FILES) -> Iterator[tuple[str, IngestResult | ReportError]]:
    """Each file with what became of it (imported, or refused with the reason), in file order, a batch at a
    time. `report_id` names the report of a single file. A store that cannot be used raises. No files, no model."""
    if not files:
        return
    with Parsing(files, options, report_id, batch) as parsing:
        ingestor = components.ingestor  # the model and the dictionary load while the first files are parsed
        load_dictionary()
        for part in parsing.batches():
            imported = iter(ingestor.add_reports([outcome for _, outcome in part if isinstance(outcome, Report)]))
            for path, outcome in part:
                yield path, next(imported) if isinstance(outcome, Report) else outcome
