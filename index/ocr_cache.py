"""What OCR read from a file, kept by the file's hash: OCR costs seconds a page, so a re-import of the same
scan (or a re-index after a parser change) reads the stored text instead of recognising the pages again.
Where each line was printed is kept with it; an entry stored before that was kept is read again."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from index.scan_places import pieces_json, scan_lines


def cached(cache_dir: Path | None, data: bytes, read: Callable[[list[str]], list[str]],
           warnings: list[str]) -> list[str]:
    """`read(warnings)` OCRs the file; its lines, where they were printed and its warnings are stored under
    the file's hash and reused."""
    if cache_dir is None:
        return read(warnings)
    path = cache_dir / f"{hashlib.sha256(data).hexdigest()}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        lines = scan_lines(stored["lines"], stored["pieces"])
        warnings += stored["warnings"]
        return lines
    except (OSError, ValueError, KeyError, TypeError):
        pass
    found: list[str] = []
    lines = read(found)
    warnings += found
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps({"lines": lines, "pieces": pieces_json(lines), "warnings": found},
                                      ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)  # a reader never sees half a file
    except OSError:
        pass  # no cache is slower, not wrong
    return lines
