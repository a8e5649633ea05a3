"""Read a report file of any supported format into canonical lines (see index.layout)."""
from __future__ import annotations

from pathlib import Path

from index.layout import normalize_text
from index.report import ReportError

TEXT_SUFFIXES = {".txt", ".text", ".md"}
_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_bytes(data: bytes, source: str) -> str:
    """UTF-8 first, then GB18030 (a superset of GBK/GB2312, common in government files)."""
    if b"\x00" in data[:4096]:
        raise ReportError(f"{source}: 不是文本文件(含二进制内容)")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportError(f"{source}: 无法识别文件编码(既不是 UTF-8 也不是 GBK)")


def read_lines(path: str | Path) -> list[str]:
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{source}: 无法读取文件({exc.strerror or exc})") from exc
    if not data.strip():
        raise ReportError(f"{source}: 文件为空")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or not suffix:
        return normalize_text(decode_bytes(data, source)).split("\n")
    raise ReportError(f"{source}: 不支持的文件类型 {suffix}(支持 .txt)")
