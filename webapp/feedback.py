"""Citizens' feedback on answers, appended to a JSON-lines file that staff can download."""
from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path

MAX_COMMENT_CHARS = 2000


class FeedbackStore:
    """One line per rating, fsynced before returning, so a crash right after a click loses nothing."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def add(self, turn: dict, rating: str, comment: str = "") -> dict:
        if rating not in ("helpful", "wrong"):
            raise ValueError(f"unknown rating {rating!r}")
        record = {
            "id": uuid.uuid4().hex,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "rating": rating,
            "comment": (comment or "").strip()[:MAX_COMMENT_CHARS],
            "question": turn["question"],
            "asked": turn["asked"],
            "answer": turn["text"],
            "found": turn["status"] == "answer",
            "report": turn.get("report") or "",
            "citations": [{k: c[k] for k in ("kind", "report", "label", "quote")} for c in turn["citations"]],
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
                out.flush()
                os.fsync(out.fileno())
        return record

    def all(self) -> list[dict]:
        """Every record, oldest first; a line cut short by a crash is skipped."""
        if not self.path.exists():
            return []
        records = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return records
