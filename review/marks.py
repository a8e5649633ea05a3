"""A reviewer's decision on a finding (confirmed or dismissed, with a note), kept by the finding's fingerprint in
a small SQLite table of its own, so that it outlives a re-run of the review and a re-import of the report."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

CONFIRMED, DISMISSED = "confirmed", "dismissed"
DECISIONS = (CONFIRMED, DISMISSED)
DECISION_NAMES = {CONFIRMED: "已确认", DISMISSED: "已排除"}
FILE_NAME = "review.sqlite3"


@dataclass(frozen=True)
class Mark:
    decision: str
    note: str
    marked_at: str


class MarkStore:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / FILE_NAME

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path)
        db.execute("CREATE TABLE IF NOT EXISTS review_marks (fingerprint TEXT PRIMARY KEY, decision TEXT NOT NULL,"
                   " note TEXT NOT NULL, marked_at TEXT NOT NULL)")
        return db

    def mark(self, fingerprint: str, decision: str, note: str = "") -> Mark:
        if decision not in DECISIONS:
            raise ValueError(f"复核结论应为 {' 或 '.join(DECISIONS)}")
        mark = Mark(decision, note, datetime.now(timezone.utc).isoformat(timespec="seconds"))
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO review_marks VALUES (?, ?, ?, ?)",
                       (fingerprint, mark.decision, mark.note, mark.marked_at))
        return mark

    def marks(self) -> dict[str, Mark]:
        if not self.path.exists():
            return {}
        with closing(self._connect()) as db:
            rows = db.execute("SELECT fingerprint, decision, note, marked_at FROM review_marks").fetchall()
        return {fingerprint: Mark(*rest) for fingerprint, *rest in rows}
