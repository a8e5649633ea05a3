"""A lock many readers share and one writer holds alone: questions read the corpus together, and an update
from another process's ingest waits for the questions in flight, holding new ones back only while it applies."""
from __future__ import annotations

import threading
from contextlib import contextmanager


class ReadWriteLock:
    """Writer-preferring, so a steady stream of questions cannot hold an update back for ever. Not re-entrant:
    a thread that reads must not ask to read again while a writer may be waiting."""

    def __init__(self):
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self):
        with self._condition:
            self._condition.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                if not self._readers:
                    self._condition.notify_all()

    @contextmanager
    def writing(self):
        with self._condition:
            self._writers_waiting += 1
            self._condition.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._condition:
                self._writing = False
                self._condition.notify_all()
