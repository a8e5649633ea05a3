"""Where an uploaded report file may be written: allowed types, a size limit, a name that stays in its folder."""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

from index.ingest import IngestResult, Ingestor, parse_file
from index.readers import SUPPORTED

ALLOWED_SUFFIXES = tuple(SUPPORTED.split())
INCOMING = "incoming"  # under the uploads folder: files being imported
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class UploadError(ValueError):
    """An upload refused before it is parsed; the message is shown to staff as is."""


def safe_name(name: str) -> str:
    """The last path component only, without control characters or leading dots:
    '../../etc/passwd.txt' becomes 'passwd.txt'."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    base = _UNSAFE.sub("-", base).lstrip(".-")
    if not Path(base).stem:
        raise UploadError("文件名无效,请改用普通文件名后再上传。")
    return base


def store_upload(source: Path, original_name: str, folder: Path, max_mb: int, received_in: Path) -> Path:
    """Copies an upload into `folder` under a safe name and returns the new path. Only a file the browser
    uploaded (one in `received_in`, where Gradio keeps uploads) is taken: an API call naming a server path
    ("/usr/lib/python3.11/LICENSE.txt") must not import that file."""
    if not Path(source).resolve().is_relative_to(Path(received_in).resolve()):
        raise UploadError("只能导入本次上传的文件。")
    name = safe_name(original_name)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadError(f"不支持的文件类型“{suffix or '无扩展名'}”,只接受 {' '.join(ALLOWED_SUFFIXES)}。")
    size = Path(source).stat().st_size
    if size > max_mb * 1024 * 1024:
        raise UploadError(f"文件太大({size / 1024 / 1024:.1f} MB),上限为 {max_mb} MB。")
    if size == 0:
        raise UploadError("文件是空的。")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / name).resolve()
    if target.parent != folder:
        raise UploadError("文件名无效,请改用普通文件名后再上传。")
    shutil.copyfile(source, target)
    return target


def import_upload(ingestor: Ingestor, source: Path, original_name: str, folder: Path, max_mb: int,
                  received_in: Path) -> IngestResult:
    """The upload is read from a folder of its own and moved beside the other originals only once it is
    imported: a refused file is not left in `folder`, and never replaces the original of a report there."""
    incoming = store_upload(source, original_name, folder / INCOMING, max_mb, received_in)
    try:
        report = parse_file(incoming, options=ingestor.options)
        final = folder.resolve() / incoming.name
        report.source = str(final)
        result = ingestor.add_report(report)
        os.replace(incoming, final)
        return result
    finally:
        incoming.unlink(missing_ok=True)
