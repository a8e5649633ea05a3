"""Reports, their indicator rows and their chunks in SQLite or PostgreSQL: the structured half of the index.

Every report is stored by version (its content fingerprint). A new version is written beside the
old one as 'pending', its vectors are stored, and one transaction makes it 'ready' and the old one
'retired'; only then are the old rows and vectors removed. A re-import killed at any point leaves
the previous version searchable, and the next ingest removes whatever the killed one left.

One code path (SQLAlchemy Core) serves both databases; only the ingest lock, the dialect's upsert and the
migration of an old SQLite index differ. Every switch and delete bumps a change counter in the same transaction and
logs which report changed, so app processes sharing the database follow each other's ingests.

Processes answer from the database, not from a copy of every report: a light catalogue of the ready
reports, each chunk's stored tokens and the counts beside them for keyword search (index.store_counts),
indicator cells by signature, and a report's full text when an answer needs it.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, case, create_engine, delete, func, insert, not_, or_, select, update
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from index.cells import Cell, Signature
from index.chunking import Chunk
from index.report import Report, TableRow
from index.store_counts import (PENDING, READY, RETIRED, chunk_values, count_version, drop_unused_texts, restamp,
                                signature_ids)
from index.store_lock import LockError, ingest_lock, lock_schema, one_line
from index.store_schema import (changes_table, chunks_table, create_schema, indicators_table, reports_table,
                                signatures_table, state_table, terms_table, texts_table)
from index.tokens import TOKENIZER
from settings import Settings

_SQLITE_URL = "sqlite:///"
_POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://")
KEPT_CHANGES = 10_000  # a process further behind than this many changes reloads every report


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


@dataclass(frozen=True)
class ReportEntry:
    """What scoping and naming need of a ready report, read without its text."""

    report_id: str
    version: str
    title: str
    unit: str
    year: int | None
    level: str
    region: str
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
            create_schema(db)
            stamped = self._tokenizer(db) == TOKENIZER
        if not stamped:
            with self.writing(), self._connect() as db:
                if self._tokenizer(db) != TOKENIZER:
                    restamp(db)

    @staticmethod
    def _tokenizer(db: Connection) -> str | None:
        return db.execute(select(state_table.c.tokenizer).where(state_table.c.id == 1)).scalar()

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        """Return the pooled connections: a PostgreSQL server counts them."""
        self._engine.dispose()

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
        """The new version beside the current one, its chunks with their tokens; not searchable until `switch`."""
        with self._connect() as db:
            self._drop(db, report.report_id, version)
            values = chunk_values(db, version, chunks)
            db.execute(insert(reports_table).values(
                report_id=report.report_id, version=version, status=PENDING,
                data=json.dumps(report.to_dict(), ensure_ascii=False), unit=report.unit, year=report.year,
                level=report.level, region=report.region, title=report.title, ingested_at=time.time(),
                chunk_count=len(values), token_count=sum(v["length"] for v in values)))
            if report.table_rows:
                db.execute(insert(indicators_table), [
                    dict(report_id=report.report_id, version=version, position=n, table_name=r.table, label=r.label,
                         parents=json.dumps(r.parents, ensure_ascii=False),
                         columns=json.dumps(r.columns, ensure_ascii=False), unit=r.unit, value=r.value, raw=r.raw,
                         line=r.line, signature=signature, page=r.page,
                         box=json.dumps(r.box) if r.box is not None else None)
                    for n, (r, signature) in enumerate(zip(report.table_rows, signature_ids(db, report.table_rows)))])
            if values:
                db.execute(insert(chunks_table), values)

    def switch(self, report_id: str, version: str) -> None:
        """One transaction: the new version becomes the searchable one, the old one is retired, and the
        counts beside the chunks follow."""
        r = reports_table.c
        with self._connect() as db:
            seq = self._changed(db, report_id)
            old = db.execute(select(r.version).where(r.report_id == report_id, r.status == READY)).scalar()
            db.execute(update(reports_table).where(r.report_id == report_id, r.version != version, r.status == READY)
                       .values(status=RETIRED))
            db.execute(update(reports_table).where(r.report_id == report_id, r.version == version)
                       .values(status=READY))
            if old != version:
                if old is not None:
                    count_version(db, report_id, old, -1, seq)
                count_version(db, report_id, version, 1, seq)

    def retire(self, report_id: str) -> bool:
        """Unsearchable at once; the rows and vectors go with the next `Ingestor.discard_stale`."""
        r = reports_table.c
        with self._connect() as db:
            live = select(func.count()).where(r.report_id == report_id, r.status != RETIRED)
            if not db.execute(live).scalar_one():
                return False
            seq = self._changed(db, report_id)
            old = db.execute(select(r.version).where(r.report_id == report_id, r.status == READY)).scalar()
            db.execute(update(reports_table).where(r.report_id == report_id, r.status != RETIRED)
                       .values(status=RETIRED))
            if old is not None:
                count_version(db, report_id, old, -1, seq)
            return True

    @staticmethod
    def _changed(db: Connection, report_id: str) -> int:
        """Bump the counter (its row lock orders concurrent writers) and log the report under the new count."""
        db.execute(update(state_table).where(state_table.c.id == 1).values(changes=state_table.c.changes + 1))
        seq = db.execute(select(state_table.c.changes).where(state_table.c.id == 1)).scalar_one()
        db.execute(insert(changes_table).values(seq=seq, report_id=report_id, changed_at=time.time()))
        db.execute(delete(changes_table).where(changes_table.c.seq <= seq - KEPT_CHANGES))
        return seq

    def change_count(self) -> int:
        """Switches and deletes so far: one row read, cheap enough to ask before every question."""
        with self._connect() as db:
            return db.execute(select(state_table.c.changes).where(state_table.c.id == 1)).scalar_one()

    def changes_since(self, seen: int) -> tuple[int, set[str] | None]:
        """(the count now, the reports switched or deleted after `seen`); None when the log no longer
        reaches back that far (or the index was restamped) and everything must be reloaded."""
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
        c = chunks_table.c
        text_ids = list(db.execute(select(c.text_id).where(c.report_id == report_id, c.version == version)
                                   .distinct()).scalars())
        for table in (reports_table, indicators_table, chunks_table):
            db.execute(delete(table).where(table.c.report_id == report_id, table.c.version == version))
        if text_ids:
            drop_unused_texts(db, text_ids)

    def stale_versions(self) -> list[tuple[str, str, list[str]]]:
        """(report, version, chunk ids) of versions a killed ingest left pending and of retired ones. A version's
        report row and chunks are written in one transaction, so its report row finds it: no look at every chunk."""
        r, c = reports_table.c, chunks_table.c
        with self._connect() as db:
            versions = db.execute(select(r.report_id, r.version).where(r.status != READY)).all()
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

    def catalogue(self, report_ids: list[str] | None = None) -> list[ReportEntry]:
        """The ready reports (the named ones when given) in year order, without their text."""
        r = reports_table.c
        query = (select(r.report_id, r.version, r.title, r.unit, r.year, r.level, r.region, r.chunk_count)
                 .where(r.status == READY).order_by(r.year.asc().nulls_first(), r.report_id))
        if report_ids is not None:
            query = query.where(r.report_id.in_(report_ids))
        with self._connect() as db:
            return [ReportEntry(rid, version, title or "", unit or "", year, level or "", region or "", chunks or 0)
                    for rid, version, title, unit, year, level, region, chunks in db.execute(query)]

    def report(self, report_id: str) -> Report | None:
        r = reports_table.c
        with self._connect() as db:
            data = db.execute(select(r.data).where(r.report_id == report_id, r.status == READY)).scalar()
        return Report.from_dict(json.loads(data)) if data is not None else None

    def indicators(self, report_id: str) -> list[TableRow]:
        i = indicators_table.c
        with self._connect() as db:
            return [cell.row for cell in self._cells(db, i.report_id == report_id)]

    def cells(self, signatures: list[int], report_ids: list[str] | None = None) -> list[Cell]:
        """The ready reports' cells of these signatures (of the named reports only, when given)."""
        i = indicators_table.c
        where = [i.signature.in_(signatures)] + ([i.report_id.in_(report_ids)] if report_ids is not None else [])
        with self._connect() as db:
            return self._cells(db, *where)

    def best_cells(self, scores: dict[int, float], unit_fit: dict[str, float], other_unit: float,
                   report_ids: list[str] | None = None) -> list[tuple[Cell, float]]:
        """Each ready report's best cell among these signatures with its score, ranked in the database: the
        signature's score plus its unit's fit (`unit_fit` by unit, `other_unit` for any other unit, 0 without
        a unit), then by position. A group heading (no unit, no value) is no indicator and never chosen."""
        i, r = indicators_table.c, reports_table.c
        no_unit = or_(i.unit.is_(None), i.unit == "")
        fit = case((no_unit, 0.0), *((i.unit == unit, bonus) for unit, bonus in unit_fit.items()), else_=other_unit)
        score = case(scores, value=i.signature) + fit
        ranked = (select(*_CELL_COLUMNS, score.label("score"),
                         func.row_number().over(partition_by=i.report_id,
                                                order_by=(score.desc(), i.position)).label("rank"))
                  .join_from(indicators_table, reports_table,
                             and_(r.report_id == i.report_id, r.version == i.version, r.status == READY))
                  .where(i.signature.in_(list(scores)), not_(and_(no_unit, i.value.is_(None)))))
        if report_ids is not None:
            ranked = ranked.where(i.report_id.in_(report_ids))
        ranked = ranked.subquery()
        query = select(*(ranked.c[c.name] for c in _CELL_COLUMNS), ranked.c.score).where(ranked.c.rank == 1)
        with self._connect() as db:
            return [(_cell(row[:-1]), row[-1]) for row in db.execute(query)]

    @staticmethod
    def _cells(db: Connection, *where) -> list[Cell]:
        i, r = indicators_table.c, reports_table.c
        query = (select(*_CELL_COLUMNS)
                 .join_from(indicators_table, reports_table,
                            and_(r.report_id == i.report_id, r.version == i.version, r.status == READY))
                 .where(*where).order_by(i.report_id, i.position))
        return [_cell(row) for row in db.execute(query)]

    def signatures_of(self, report_ids: list[str]) -> set[int]:
        """The signatures of these ready reports' cells."""
        i, r = indicators_table.c, reports_table.c
        query = (select(i.signature).distinct()
                 .join_from(indicators_table, reports_table,
                            and_(r.report_id == i.report_id, r.version == i.version, r.status == READY))
                 .where(i.report_id.in_(report_ids)))
        with self._connect() as db:
            return set(db.execute(query).scalars())

    def signatures_since(self, last_id: int) -> list[tuple[int, Signature]]:
        """Distinct cells first stored after `last_id` (signatures are only ever added)."""
        s = signatures_table.c
        with self._connect() as db:
            rows = db.execute(select(s.id, s.key).where(s.id > last_id).order_by(s.id)).all()
        return [(sid, _signature(key)) for sid, key in rows]

    def chunks(self, report_ids: list[str] | None = None) -> list[Chunk]:
        """Ready chunks in report order and, within a report, in the order they were written; only
        the named reports' when given (read from the database, not filtered afterwards)."""
        return [chunk for chunk, _ in self.tokenized_chunks(report_ids)]

    def tokenized_chunks(self, report_ids: list[str] | None = None) -> list[tuple[Chunk, list[str]]]:
        """Ready chunks as `chunks` gives them, each with its stored jieba tokens."""
        c, r = chunks_table.c, reports_table.c
        query = (select(c.chunk_id, c.report_id, c.kind, c.heading, c.body, c.position, c.tokens)
                 .join_from(chunks_table, reports_table, and_(r.report_id == c.report_id, r.version == c.version))
                 .where(r.status == READY).order_by(c.report_id, c.ordinal))
        if report_ids is not None:
            query = query.where(c.report_id.in_(report_ids))
        with self._connect() as db:
            return [(Chunk(*row[:6]), row[6].split() if row[6] else []) for row in db.execute(query)]

    def totals(self) -> tuple[int, int]:
        """(ready chunks, their tokens): BM25's corpus size and average length."""
        r = reports_table.c
        with self._connect() as db:
            chunks, tokens = db.execute(select(func.coalesce(func.sum(r.chunk_count), 0),
                                               func.coalesce(func.sum(r.token_count), 0))
                                        .where(r.status == READY)).one()
        return int(chunks), int(tokens)

    def term_docs(self, terms: list[str]) -> dict[str, int]:
        """Ready chunks holding each token (absent: none)."""
        t = terms_table.c
        with self._connect() as db:
            return dict(db.execute(select(t.term, t.docs).where(t.term.in_(list(set(terms))))).all())

    def texts_since(self, seen: int) -> list[tuple[int, str, int]]:
        """(id, text, ready chunks with it) of the distinct texts whose count changed after change `seen`;
        with a negative `seen`, every distinct text that some ready chunk has."""
        x = texts_table.c
        query = select(x.id, x.body, x.docs).where(x.docs > 0 if seen < 0 else x.seq > seen)
        with self._connect() as db:
            return [tuple(row) for row in db.execute(query)]

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


_CELL_COLUMNS = tuple(indicators_table.c[name] for name in (
    "report_id", "position", "signature", "table_name", "label", "parents", "columns", "unit", "value", "raw", "line",
    "page", "box"))


def _cell(row) -> Cell:
    rid, position, sig, table, label, parents, columns, unit, value, raw, line, page, box = row
    return Cell(rid, position, sig, TableRow(label=label, unit=unit or "", value=value, raw=raw or "",
                                             parents=json.loads(parents), columns=json.loads(columns), table=table,
                                             line=line or 0, page=page, box=json.loads(box) if box else None))


def _signature(key: str) -> Signature:
    table, parents, label, columns = json.loads(key)
    return table, tuple(parents), label, tuple(columns)
