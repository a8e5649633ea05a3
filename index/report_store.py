"""Reports, their indicator rows and their chunks in SQLite: the structured half of the index.

Every report is stored by version (its content fingerprint). A new version is written beside the
old one as 'pending', its vectors are stored, and one transaction makes it 'ready' and the old one
'retired'; only then are the old rows and vectors removed. A re-import killed at any point leaves
the previous version searchable, and the next ingest removes whatever the killed one left.
"""
from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from index.chunking import Chunk
from index.report import Report, TableRow
from settings import Settings

_SQLITE_URL = "sqlite:///"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL,
    unit TEXT, year INTEGER, level TEXT, region TEXT, title TEXT, ingested_at REAL,
    PRIMARY KEY (report_id, version));
CREATE TABLE IF NOT EXISTS indicators (
    report_id TEXT NOT NULL, version TEXT NOT NULL, position INTEGER NOT NULL, table_name TEXT, label TEXT NOT NULL,
    parents TEXT NOT NULL, columns TEXT NOT NULL, unit TEXT, value REAL, raw TEXT, line INTEGER,
    PRIMARY KEY (report_id, version, position));
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, version TEXT NOT NULL, kind TEXT NOT NULL,
    heading TEXT NOT NULL, body TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_report ON chunks(report_id, version);
"""
# An index written before reports had versions: its rows become version '' (their vectors keep their ids).
_UNVERSIONED = """
ALTER TABLE reports RENAME TO reports_v1; ALTER TABLE indicators RENAME TO indicators_v1;
ALTER TABLE chunks RENAME TO chunks_v1; DROP INDEX IF EXISTS chunks_by_report;
""" + _SCHEMA + """
INSERT INTO reports SELECT report_id, '', status, data, unit, year, level, region, title, ingested_at FROM reports_v1;
INSERT INTO indicators SELECT report_id, '', position, table_name, label, parents, columns, unit, value, raw, line
    FROM indicators_v1;
INSERT INTO chunks SELECT chunk_id, report_id, '', kind, heading, body, position FROM chunks_v1;
DROP TABLE reports_v1; DROP TABLE indicators_v1; DROP TABLE chunks_v1;
"""
READY, PENDING, RETIRED = "ready", "pending", "retired"


@dataclass
class ReportSummary:
    report_id: str
    title: str
    unit: str
    year: int | None
    level: str
    region: str
    status: str
    sections: int
    rows: int
    chunks: int


class StoreError(RuntimeError):
    """The report database cannot be used: a bad URL, an unwritable folder, a full disk."""


def database_path(settings: Settings) -> Path:
    """GIA_DATABASE_URL in SQLAlchemy's SQLite form (sqlite:///relative, sqlite:////absolute), else the data folder."""
    url = settings.database_url.strip()
    if not url:
        return settings.db_path
    if not url.startswith(_SQLITE_URL) or len(url) == len(_SQLITE_URL):
        raise StoreError(f"不支持的数据库地址 {url}: 只支持 SQLite,例如 sqlite:////srv/gia/reports.sqlite3")
    return Path(url[len(_SQLITE_URL):])


class ReportStore:
    def __init__(self, path: Path):
        self._path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"无法创建数据目录 {path.parent}: {exc.strerror or exc}") from exc
        with self._connect() as db:
            columns = {row[1] for row in db.execute("PRAGMA table_info(reports)")}
            db.executescript(_UNVERSIONED if columns and "version" not in columns else _SCHEMA)

    @contextmanager
    def _connect(self):
        try:
            db = sqlite3.connect(self._path, timeout=30)
            try:
                with db:
                    yield db
            finally:
                db.close()
        except (sqlite3.DatabaseError, OSError) as exc:  # read-only folder, full disk, not a database
            raise StoreError(f"无法读写索引数据库 {self._path}: {exc}") from exc

    @contextmanager
    def writing(self):
        """One ingest at a time across processes; the lock dies with its process, so a killed
        ingest never blocks the next one."""
        try:
            handle = open(self._path.with_name(self._path.name + ".lock"), "a")
        except OSError as exc:
            raise StoreError(f"无法写入数据目录 {self._path.parent}: {exc.strerror or exc}") from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def write_pending(self, report: Report, version: str, chunks: list[Chunk]) -> None:
        """The new version beside the current one; not searchable until `switch`."""
        with self._connect() as db:
            self._drop(db, report.report_id, version)
            db.execute(
                "INSERT INTO reports VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)",
                (report.report_id, version, json.dumps(report.to_dict(), ensure_ascii=False), report.unit,
                 report.year, report.level, report.region, report.title, time.time()),
            )
            db.executemany(
                "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(report.report_id, version, n, r.table, r.label, json.dumps(r.parents, ensure_ascii=False),
                  json.dumps(r.columns, ensure_ascii=False), r.unit, r.value, r.raw, r.line)
                 for n, r in enumerate(report.table_rows)],
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(c.chunk_id, c.report_id, version, c.kind, c.heading, c.body, c.position) for c in chunks],
            )

    def switch(self, report_id: str, version: str) -> None:
        """One transaction: the new version becomes the searchable one, the old one is retired."""
        with self._connect() as db:
            db.execute("UPDATE reports SET status = 'retired' WHERE report_id = ? AND version != ? AND status = 'ready'",
                       (report_id, version))
            db.execute("UPDATE reports SET status = 'ready' WHERE report_id = ? AND version = ?", (report_id, version))

    def retire(self, report_id: str) -> bool:
        """Unsearchable at once; the rows and vectors go with the next `Ingestor.discard_stale`."""
        with self._connect() as db:
            return db.execute("UPDATE reports SET status = 'retired' WHERE report_id = ? AND status != 'retired'",
                              (report_id,)).rowcount > 0

    def drop_version(self, report_id: str, version: str) -> None:
        with self._connect() as db:
            self._drop(db, report_id, version)

    @staticmethod
    def _drop(db: sqlite3.Connection, report_id: str, version: str) -> None:
        for table in ("reports", "indicators", "chunks"):
            db.execute(f"DELETE FROM {table} WHERE report_id = ? AND version = ?", (report_id, version))

    def stale_versions(self) -> list[tuple[str, str, list[str]]]:
        """(report, version, chunk ids) of versions a killed ingest left pending and of retired ones."""
        with self._connect() as db:
            versions = db.execute("SELECT report_id, version FROM reports WHERE status != 'ready' "
                                  "UNION SELECT report_id, version FROM chunks "
                                  "EXCEPT SELECT report_id, version FROM reports WHERE status = 'ready'").fetchall()
            return [(rid, version, [r[0] for r in db.execute(
                "SELECT chunk_id FROM chunks WHERE report_id = ? AND version = ?", (rid, version))])
                for rid, version in versions]

    def ready_version(self, report_id: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT version FROM reports WHERE report_id = ? AND status = 'ready'",
                             (report_id,)).fetchone()
        return row[0] if row else None

    def with_version(self, version: str) -> list[str]:
        """Ready reports holding exactly this content, under whatever name."""
        with self._connect() as db:
            return [r[0] for r in db.execute(
                "SELECT report_id FROM reports WHERE version = ? AND status = 'ready'", (version,))]

    def pending_ids(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT report_id FROM reports WHERE status = 'pending'")]

    def ready_ids(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute(
                "SELECT report_id FROM reports WHERE status = 'ready' ORDER BY year, report_id")]

    def report(self, report_id: str) -> Report | None:
        with self._connect() as db:
            row = db.execute("SELECT data FROM reports WHERE report_id = ? AND status = 'ready'",
                             (report_id,)).fetchone()
        return Report.from_dict(json.loads(row[0])) if row else None

    def indicators(self, report_id: str) -> list[TableRow]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT i.table_name, i.label, i.parents, i.columns, i.unit, i.value, i.raw, i.line FROM indicators i "
                "JOIN reports r ON r.report_id = i.report_id AND r.version = i.version AND r.status = 'ready' "
                "WHERE i.report_id = ? ORDER BY i.position", (report_id,)).fetchall()
        return [TableRow(label=label, unit=unit or "", value=value, raw=raw or "", parents=json.loads(parents),
                         columns=json.loads(columns), table=table, line=line or 0)
                for table, label, parents, columns, unit, value, raw, line in rows]

    def chunks(self, report_ids: list[str] | None = None) -> list[Chunk]:
        query = ("SELECT c.chunk_id, c.report_id, c.kind, c.heading, c.body, c.position FROM chunks c "
                 "JOIN reports r ON r.report_id = c.report_id AND r.version = c.version WHERE r.status = 'ready'")
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY c.report_id, c.rowid").fetchall()
        wanted = set(report_ids) if report_ids is not None else None
        return [Chunk(*row) for row in rows if wanted is None or row[1] in wanted]

    def summaries(self) -> list[ReportSummary]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT r.report_id, r.title, r.unit, r.year, r.level, r.region, r.status, r.data, "
                "(SELECT COUNT(*) FROM indicators i WHERE i.report_id = r.report_id AND i.version = r.version), "
                "(SELECT COUNT(*) FROM chunks c WHERE c.report_id = r.report_id AND c.version = r.version) "
                "FROM reports r WHERE r.status = 'ready' OR (r.status = 'pending' AND r.report_id NOT IN "
                "(SELECT report_id FROM reports WHERE status = 'ready')) ORDER BY r.year, r.report_id").fetchall()
        return [ReportSummary(rid, title or "", unit or "", year, level or "", region or "", status,
                              len(json.loads(data)["sections"]), n_rows, n_chunks)
                for rid, title, unit, year, level, region, status, data, n_rows, n_chunks in rows]
