"""Report files parsed in a worker process, ahead of whoever stores them (index.batch_ingest).

Kept apart, importing only the readers, because the worker imports this module: it starts in 0.3 s instead
of the 2.4 s the stores and Chroma take to import.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from itertools import islice
from multiprocessing.connection import Connection

from index.report import Report, ReportError
from index.report_file import ReadOptions, parse_file


def _outcome(job: Future) -> Report | ReportError:
    try:
        return job.result()
    except ReportError as exc:
        return exc


def _exit_with(lifeline: Connection) -> None:
    """Worker initializer: exit as soon as the process that started the worker is gone (even killed outright)
    or stops reading. Otherwise a worker waits for tasks forever: it holds both ends of its own task queue."""
    def watch() -> None:
        try:
            lifeline.recv()
        finally:
            os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class Parsing:
    """Files parsed in a worker process from the moment this is made, at most `most` ahead of the ingestor.

    The worker is spawned: a fresh interpreter holding none of this process's threads or files. It imports
    the running script again, as multiprocessing does: a script calling `ingest_files` keeps its heavy
    imports out of its top level."""

    def __init__(self, files: list[str], options: ReadOptions, report_id: str | None, most: int):
        context = multiprocessing.get_context("spawn")
        lifeline, self._lifeline = context.Pipe(duplex=False)
        self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_exit_with, initargs=(lifeline,))
        self._todo, self._options, self._report_id, self._most = iter(files), options, report_id, most
        self._jobs = deque(self._submit(most))

    def _submit(self, count: int) -> list[tuple[str, Future]]:
        return [(path, self._pool.submit(parse_file, path, self._report_id, self._options))
                for path in islice(self._todo, count)]

    def batches(self) -> Iterator[list[tuple[str, Report | ReportError]]]:
        """Each file's report or refusal, in order, in batches of the next files already parsed (at least
        one). A worker that dies (a crash in a PDF library) raises here."""
        while self._jobs:
            wait([self._jobs[0][1]])
            batch = [self._jobs.popleft()]
            while self._jobs and len(batch) < self._most and self._jobs[0][1].done():
                batch.append(self._jobs.popleft())
            self._jobs.extend(self._submit(len(batch)))
            yield [(path, _outcome(job)) for path, job in batch]

    def __enter__(self) -> "Parsing":
        return self

    def __exit__(self, *_) -> None:
        """Stopped early (a store that is down), the worker does not finish the file it is reading."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._lifeline.close()
