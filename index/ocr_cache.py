"""What OCR read from a file, kept by the file's hash: OCR costs seconds a page, so a re-import of the same
scan (or a re-index after a parser change) reads the stored text instead of recognising the pages again."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path


def cached(cache_dir: Path | None, data: bytes, read: Callable[[list[str]], list[str]],
           warnings: list[str]) -> list[str]:
    """`read(warnings)` OCRs the file; its lines and warnings are stored under the file's hash and reused."""
    if cache_dir is None:
        return read(warnings)
    path = cache_dir / f"{hashlib.sha256(data).hexdigest()}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        warnings += stored["warnings"]
        return stored["lines"]
    except (OSError, ValueError, KeyError):
        pass
    found: list[str] = []
    lines = read(found)
    warnings += found
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps({"lines": lines, "warnings": found}, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)  # a reader never sees half a file
    except OSError:
        pass  # no cache is slower, not wrong
    return lines
