"""Reports, their indicator rows and their chunks in SQLite or PostgreSQL: the structured half of the index.

Every report is stored by version (its content fingerprint). A new version is written beside the
old one as 'pending', its vectors are stored, and one transaction makes it 'ready' and the old one
'retired'; only then are the old rows and vectors removed. A re-import killed at any point leaves
the previous version searchable, and the next ingest removes whatever the killed one left.

One code path (SQLAlchemy Core) serves both databases; only the ingest lock and the migration of an
old SQLite index differ. Every switch and delete bumps a change counter in the same transaction and
logs which report changed, so app processes sharing the database follow each other's ingests.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (Column, Float, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text, and_, create_engine,
                        delete, except_, func, insert, inspect, select, union, update)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from index.chunking import Chunk
from index.report import Report, TableRow
from index.store_lock import LockError, ingest_lock, lock_schema, one_line
from settings import Settings

_SQLITE_URL = "sqlite:///"
_POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://")
READY, PENDING, RETIRED = "ready", "pending", "retired"
KEPT_CHANGES = 10_000  # a process further behind than this many changes reloads every report

metadata = MetaData()
reports_table = Table(
    "reports", metadata,
    Column("report_id", Text, nullable=False), Column("version", Text, nullable=False),
    Column("status", Text, nullable=False), Column("data", Text, nullable=False),
    Column("unit", Text), Column("year", Integer), Column("level", Text), Column("region", Text),
    Column("title", Text), Column("ingested_at", Float),
    PrimaryKeyConstraint("report_id", "version"))
indicators_table = Table(
    "indicators", metadata,
    Column("report_id", Text, nullable=False), Column("version", Text, nullable=False),
    Column("position", Integer, nullable=False), Column("table_name", Text), Column("label", Text, nullable=False),
    Column("parents", Text, nullable=False), Column("columns", Text, nullable=False), Column("unit", Text),
    Column("value", Float), Column("raw", Text), Column("line", Integer),
    PrimaryKeyConstraint("report_id", "version", "position"))
chunks_table = Table(
    "chunks", metadata,
    Column("chunk_id", Text, primary_key=True), Column("report_id", Text, nullable=False),
    Column("version", Text, nullable=False), Column("kind", Text, nullable=False),
    Column("heading", Text, nullable=False), Column("body", Text, nullable=False),
    Column("position", Integer, nullable=False), Column("ordinal", Integer),
    Index("chunks_by_report", "report_id", "version"))
# One row: how many switches and deletes the index has seen. Readers poll it; `changes` says which reports.
state_table = Table("index_state", metadata, Column("id", Integer, primary_key=True),
                    Column("changes", Integer, nullable=False))
changes_table = Table("changes", metadata, Column("seq", Integer, primary_key=True, autoincrement=False),
                      Column("report_id", Text, nullable=False), Column("changed_at", Float, nullable=False))

# An SQLite index written before reports had versions: its rows become version '' (their vectors keep their ids).
_UNVERSIONED_RENAME = ("ALTER TABLE reports RENAME TO reports_v1", "ALTER TABLE indicators RENAME TO indicators_v1",
                       "ALTER TABLE chunks RENAME TO chunks_v1", "DROP INDEX IF EXISTS chunks_by_report")
_UNVERSIONED_COPY = (
    "INSERT INTO reports SELECT report_id, '', status, data, unit, year, level, region, title, ingested_at "
    "FROM reports_v1",
    "INSERT INTO indicators SELECT report_id, '', position, table_name, label, parents, columns, unit, value, raw, "
    "line FROM indicators_v1",
    "INSERT INTO chunks SELECT chunk_id, report_id, '', kind, heading, body, position, rowid FROM chunks_v1",
    "DROP TABLE reports_v1", "DROP TABLE indicators_v1", "DROP TABLE chunks_v1")
# An SQLite index written before chunks kept their order in a column: their row ids held it.
_UNORDERED = ("ALTER TABLE chunks ADD COLUMN ordinal INTEGER", "UPDATE chunks SET ordinal = rowid")


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
    """The report database cannot be used: a bad URL, an unwritable folder, a full disk, a server down."""


def database_path(settings: Settings) -> Path | str:
    """Where the report store lives: GIA_DATABASE_URL in SQLAlchemy's SQLite form (sqlite:///relative,
    sqlite:////absolute) as a path, a PostgreSQL URL as it is, else the data folder's reports.sqlite3."""
    url = settings.database_url.strip()
    if not url:
        return settings.db_path
    if url.startswith(_POSTGRES_SCHEMES) and len(url) > url.index("://") + 3:
        return url
    if not url.startswith(_SQLITE_URL) or len(url) == len(_SQLITE_URL):
        raise StoreError(f"不支持的数据库地址 {url}: 只支持 SQLite 和 PostgreSQL,"
                         f"例如 sqlite:////srv/gia/reports.sqlite3 或 postgresql://gia@127.0.0.1/gia")
    return Path(url[len(_SQLITE_URL):])


def _engine(location: Path | str) -> Engine:
    """SQLite opens a connection per operation (as the sqlite3 module did: nothing held between calls);
    PostgreSQL keeps a small pool, each connection checked before use so a restarted server is reconnected."""
    if isinstance(location, Path):
        return create_engine(f"{_SQLITE_URL}{location}", poolclass=NullPool, connect_args={"timeout": 30})
    try:
        return create_engine(make_url(location).set(drivername="postgresql+psycopg"), pool_pre_ping=True)
    except ArgumentError as exc:
        raise StoreError(f"不支持的数据库地址 {location}: {exc}") from exc


class ReportStore:
    def __init__(self, location: Path | str):
        self._path = location if isinstance(location, Path) else None
        if self._path is not None:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建数据目录 {self._path.parent}: {exc.strerror or exc}") from exc
        self._engine = _engine(location)
        self._where = str(location) if self._path else make_url(location).render_as_string(hide_password=True)
        with self._connect() as db:
            lock_schema(db)
            self._create_schema(db)

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        """Return the pooled connections: a PostgreSQL server counts them."""
        self._engine.dispose()

    def _create_schema(self, db: Connection) -> None:
        tables = inspect(db).get_table_names()
        if "reports" in tables:
            columns = {c["name"] for c in inspect(db).get_columns("reports")}
            if "version" not in columns:
                for statement in _UNVERSIONED_RENAME:
                    db.exec_driver_sql(statement)
                metadata.create_all(db)
                for statement in _UNVERSIONED_COPY:
                    db.exec_driver_sql(statement)
            elif "ordinal" not in {c["name"] for c in inspect(db).get_columns("chunks")}:
                for statement in _UNORDERED:
                    db.exec_driver_sql(statement)
        metadata.create_all(db)
        if db.execute(select(state_table.c.id)).first() is None:
            db.execute(insert(state_table).values(id=1, changes=0))

    @contextmanager
    def _connect(self):
        """One transaction; any database failure becomes a StoreError naming the database."""
        try:
            with self._engine.begin() as db:
                yield db
        except (SQLAlchemyError, OSError) as exc:  # read-only folder, full disk, not a database, server down
            raise StoreError(f"无法读写索引数据库 {self._where}: {one_line(exc)}") from exc

    @contextmanager
    def writing(self):
        """One ingest at a time across processes and machines; the lock dies with its process (a flock
        beside an SQLite file, an advisory lock on PostgreSQL), so a killed ingest never blocks the next."""
        try:
            with ingest_lock(self._engine, self._path):
                yield
        except LockError as exc:
            raise StoreError(str(exc)) from exc

    def write_pending(self, report: Report, version: str, chunks: list[Chunk]) -> None:
        """The new version beside the current one; not searchable until `switch`."""
        with self._connect() as db:
            self._drop(db, report.report_id, version)
            db.execute(insert(reports_table).values(
                report_id=report.report_id, version=version, status=PENDING,
                data=json.dumps(report.to_dict(), ensure_ascii=False), unit=report.unit, year=report.year,
                level=report.level, region=report.region, title=report.title, ingested_at=time.time()))
            if report.table_rows:
                db.execute(insert(indicators_table), [
                    dict(report_id=report.report_id, version=version, position=n, table_name=r.table, label=r.label,
                         parents=json.dumps(r.parents, ensure_ascii=False),
                         columns=json.dumps(r.columns, ensure_ascii=False), unit=r.unit, value=r.value, raw=r.raw,
                         line=r.line)
                    for n, r in enumerate(report.table_rows)])
            if chunks:
                db.execute(insert(chunks_table), [
                    dict(chunk_id=c.chunk_id, report_id=c.report_id, version=version, kind=c.kind, heading=c.heading,
                         body=c.body, position=c.position, ordinal=n) for n, c in enumerate(chunks)])

    def switch(self, report_id: str, version: str) -> None:
        """One transaction: the new version becomes the searchable one, the old one is retired."""
        r = reports_table.c
        with self._connect() as db:
            db.execute(update(reports_table).where(r.report_id == report_id, r.version != version, r.status == READY)
                       .values(status=RETIRED))
            db.execute(update(reports_table).where(r.report_id == report_id, r.version == version)
                       .values(status=READY))
            self._changed(db, report_id)

    def retire(self, report_id: str) -> bool:
        """Unsearchable at once; the rows and vectors go with the next `Ingestor.discard_stale`."""
        r = reports_table.c
        with self._connect() as db:
            gone = db.execute(update(reports_table).where(r.report_id == report_id, r.status != RETIRED)
                              .values(status=RETIRED)).rowcount > 0
            if gone:
                self._changed(db, report_id)
            return gone

    @staticmethod
    def _changed(db: Connection, report_id: str) -> None:
        """Bump the counter (its row lock orders concurrent writers) and log the report under the new count."""
        db.execute(update(state_table).where(state_table.c.id == 1).values(changes=state_table.c.changes + 1))
        seq = db.execute(select(state_table.c.changes).where(state_table.c.id == 1)).scalar_one()
        db.execute(insert(changes_table).values(seq=seq, report_id=report_id, changed_at=time.time()))
        db.execute(delete(changes_table).where(changes_table.c.seq <= seq - KEPT_CHANGES))

    def change_count(self) -> int:
        """Switches and deletes so far: one row read, cheap enough to ask before every question."""
        with self._connect() as db:
            return db.execute(select(state_table.c.changes).where(state_table.c.id == 1)).scalar_one()

    def changes_since(self, seen: int) -> tuple[int, set[str] | None]:
        """(the count now, the reports switched or deleted after `seen`); None when the log no longer
        reaches back that far and everything must be reloaded."""
        c = changes_table.c
        with self._connect() as db:
            now = db.execute(select(state_table.c.changes).where(state_table.c.id == 1)).scalar_one()
            rows = db.execute(select(c.seq, c.report_id).where(c.seq > seen)).all()
        if now - seen > len({seq for seq, _ in rows}):
            return now, None
        return now, {rid for _, rid in rows}

    def drop_version(self, report_id: str, version: str) -> None:
        with self._connect() as db:
            self._drop(db, report_id, version)

    @staticmethod
    def _drop(db: Connection, report_id: str, version: str) -> None:
        for table in (reports_table, indicators_table, chunks_table):
            db.execute(delete(table).where(table.c.report_id == report_id, table.c.version == version))

    def stale_versions(self) -> list[tuple[str, str, list[str]]]:
        """(report, version, chunk ids) of versions a killed ingest left pending and of retired ones."""
        r, c = reports_table.c, chunks_table.c
        written = union(select(r.report_id, r.version).where(r.status != READY),
                        select(c.report_id, c.version)).subquery()
        candidates = except_(select(written.c.report_id, written.c.version),
                             select(r.report_id, r.version).where(r.status == READY))
        with self._connect() as db:
            versions = db.execute(candidates).all()
            return [(rid, version, list(db.execute(select(c.chunk_id).where(c.report_id == rid, c.version == version))
                                        .scalars()))
                    for rid, version in versions]

    def ready_version(self, report_id: str) -> str | None:
        r = reports_table.c
        with self._connect() as db:
            return db.execute(select(r.version).where(r.report_id == report_id, r.status == READY)).scalar()

    def with_version(self, version: str) -> list[str]:
        """Ready reports holding exactly this content, under whatever name."""
        r = reports_table.c
        with self._connect() as db:
            return list(db.execute(select(r.report_id).where(r.version == version, r.status == READY)).scalars())

    def pending_ids(self) -> list[str]:
        r = reports_table.c
        with self._connect() as db:
            return list(db.execute(select(r.report_id).where(r.status == PENDING).distinct()).scalars())

    def ready_ids(self) -> list[str]:
        r = reports_table.c
        with self._connect() as db:
            return list(db.execute(select(r.report_id).where(r.status == READY)
                                   .order_by(r.year.asc().nulls_first(), r.report_id)).scalars())

    def report(self, report_id: str) -> Report | None:
        r = reports_table.c
        with self._connect() as db:
            data = db.execute(select(r.data).where(r.report_id == report_id, r.status == READY)).scalar()
        return Report.from_dict(json.loads(data)) if data is not None else None

    def indicators(self, report_id: str) -> list[TableRow]:
        i, r = indicators_table.c, reports_table.c
        query = (select(i.table_name, i.label, i.parents, i.columns, i.unit, i.value, i.raw, i.line)
                 .join_from(indicators_table, reports_table,
                            and_(r.report_id == i.report_id, r.version == i.version, r.status == READY))
                 .where(i.report_id == report_id).order_by(i.position))
        with self._connect() as db:
            rows = db.execute(query).all()
        return [TableRow(label=label, unit=unit or "", value=value, raw=raw or "", parents=json.loads(parents),
                         columns=json.loads(columns), table=table, line=line or 0)
                for table, label, parents, columns, unit, value, raw, line in rows]

    def chunks(self, report_ids: list[str] | None = None) -> list[Chunk]:
        """Ready chunks in report order and, within a report, in the order they were written; only
        the named reports' when given (read from the database, not filtered afterwards)."""
        c, r = chunks_table.c, reports_table.c
        query = (select(c.chunk_id, c.report_id, c.kind, c.heading, c.body, c.position)
                 .join_from(chunks_table, reports_table, and_(r.report_id == c.report_id, r.version == c.version))
                 .where(r.status == READY).order_by(c.report_id, c.ordinal))
        if report_ids is not None:
            query = query.where(c.report_id.in_(report_ids))
        with self._connect() as db:
            return [Chunk(*row) for row in db.execute(query)]

    def summaries(self) -> list[ReportSummary]:
        r, i, c = reports_table.c, indicators_table.c, chunks_table.c
        n_rows = (select(func.count()).select_from(indicators_table)
                  .where(i.report_id == r.report_id, i.version == r.version).scalar_subquery())
        n_chunks = (select(func.count()).select_from(chunks_table)
                    .where(c.report_id == r.report_id, c.version == r.version).scalar_subquery())
        other = reports_table.alias("other")
        ready = select(other.c.report_id).where(other.c.status == READY)
        query = (select(r.report_id, r.title, r.unit, r.year, r.level, r.region, r.status, r.data, n_rows, n_chunks)
                 .where((r.status == READY) | ((r.status == PENDING) & r.report_id.not_in(ready)))
                 .order_by(r.year.asc().nulls_first(), r.report_id))
        with self._connect() as db:
            rows = db.execute(query).all()
        return [ReportSummary(rid, title or "", unit or "", year, level or "", region or "", status,
                              len(json.loads(data)["sections"]), rows_, chunks_)
                for rid, title, unit, year, level, region, status, data, rows_, chunks_ in rows]
