"""Line-by-line JSON processing shared by the `--jsonl` commands: one output line per input line, in order,
and a bad line gets an "error" field while the rest go on."""
from __future__ import annotations

import json
import logging
import sys
import time
from typing import Callable, TextIO

log = logging.getLogger(__name__)


class LineError(ValueError):
    """The line's own fault: reported in its "error" field."""


def process_lines(handle: Callable[[dict], dict], failure: dict, source: TextIO = sys.stdin,
                  sink: TextIO = sys.stdout) -> int:
    """`failure` holds the fields an error line carries besides "error", so consumers see one shape."""
    errors = 0
    for raw in source:
        if not raw.strip():
            continue
        started = time.perf_counter()
        try:
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise LineError(f"不是合法的 JSON: {exc.msg}") from exc
            if not isinstance(item, dict):
                raise LineError("每行应是一个 JSON 对象")
            result = handle(item)
        except (LineError, ValueError) as exc:
            errors += 1
            result = {**failure, "error": str(exc)}
        except Exception:  # one broken line must not stop the batch
            errors += 1
            log.exception("line failed")
            result = {**failure, "error": "内部错误,已记录日志"}
        result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
        sink.write(json.dumps(result, ensure_ascii=False) + "\n")
        sink.flush()
    return errors


def require_text(item: dict, key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"缺少或为空的字段 \"{key}\"")
    return value
