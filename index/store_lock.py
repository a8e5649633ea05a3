"""The lock that lets one ingest at a time write the index, whichever database holds it.

SQLite: a flock on a file beside the database. PostgreSQL: a session advisory lock held on a
connection of its own for the whole ingest, so processes on other machines wait for it too. Both die
with their process, so a killed ingest never blocks the next one.
"""
from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

INGEST_KEY = 0x6769_615F_696E_6773  # "gia_ings": any constant shared by every process on the database
SCHEMA_KEY = INGEST_KEY + 1


class LockError(RuntimeError):
    """The lock cannot be taken: an unwritable folder, a database server down."""


@contextmanager
def ingest_lock(engine: Engine, path: Path | None):
    if path is not None:
        with _file_lock(path.with_name(path.name + ".lock")):
            yield
        return
    with _advisory_lock(engine):
        yield


@contextmanager
def _file_lock(lock_path: Path):
    try:
        handle = open(lock_path, "a")
    except OSError as exc:
        raise LockError(f"无法写入数据目录 {lock_path.parent}: {exc.strerror or exc}") from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@contextmanager
def _advisory_lock(engine: Engine):
    where = engine.url.render_as_string(hide_password=True)
    try:
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": INGEST_KEY})
        except SQLAlchemyError:
            connection.close()
            raise
    except SQLAlchemyError as exc:
        raise LockError(f"无法读写索引数据库 {where}: {one_line(exc)}") from exc
    try:
        yield
    finally:
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": INGEST_KEY})
        except SQLAlchemyError:
            connection.invalidate()  # a lost connection has released the lock with its session
        connection.close()


def one_line(exc: BaseException) -> str:
    """The driver's own message (not SQLAlchemy's statement dump), on one line: the CLI prints one line per error."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def lock_schema(db: Connection) -> None:
    """Processes starting together on a new PostgreSQL database create its tables one at a time
    (until the transaction ends); SQLite's own write lock already does that."""
    if db.dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_KEY})
