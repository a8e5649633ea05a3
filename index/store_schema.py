"""The report database's tables, and bringing an index written by an earlier version up to them.

Besides reports, indicator rows and chunks, the database holds what keyword search and the coverage
weights need, so that no process rebuilds it from every chunk at start: each chunk's jieba tokens, the
number of ready chunks holding each token (`terms`) and each distinct text (`texts`), and the distinct
indicator cells (`signatures`: table, row path, column path) that every indicator row points to.
"""
from __future__ import annotations

from sqlalchemy import (Column, Float, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text, insert, inspect,
                        select)
from sqlalchemy.engine import Connection

from index.tokens import TOKENIZER

metadata = MetaData()
reports_table = Table(
    "reports", metadata,
    Column("report_id", Text, nullable=False), Column("version", Text, nullable=False),
    Column("status", Text, nullable=False), Column("data", Text, nullable=False),
    Column("unit", Text), Column("year", Integer), Column("level", Text), Column("region", Text),
    Column("title", Text), Column("ingested_at", Float),
    Column("chunk_count", Integer), Column("token_count", Integer),  # BM25's corpus size and average length
    PrimaryKeyConstraint("report_id", "version"), Index("reports_by_version", "version"))
indicators_table = Table(
    "indicators", metadata,
    Column("report_id", Text, nullable=False), Column("version", Text, nullable=False),
    Column("position", Integer, nullable=False), Column("table_name", Text), Column("label", Text, nullable=False),
    Column("parents", Text, nullable=False), Column("columns", Text, nullable=False), Column("unit", Text),
    Column("value", Float), Column("raw", Text), Column("line", Integer),
    Column("signature", Integer), Column("page", Integer), Column("box", Text),
    PrimaryKeyConstraint("report_id", "version", "position"),
    Index("indicators_by_signature", "signature", "report_id"))
chunks_table = Table(
    "chunks", metadata,
    Column("chunk_id", Text, primary_key=True), Column("report_id", Text, nullable=False),
    Column("version", Text, nullable=False), Column("kind", Text, nullable=False),
    Column("heading", Text, nullable=False), Column("body", Text, nullable=False),
    Column("position", Integer, nullable=False), Column("ordinal", Integer),
    Column("tokens", Text), Column("length", Integer), Column("text_id", Integer),  # space-joined jieba tokens
    Index("chunks_by_report", "report_id", "version"), Index("chunks_by_text", "text_id"))
# One row: how many switches and deletes the index has seen (readers poll it; `changes` says which reports),
# and the tokenizer the stored tokens were cut with.
state_table = Table("index_state", metadata, Column("id", Integer, primary_key=True),
                    Column("changes", Integer, nullable=False), Column("tokenizer", Text))
changes_table = Table("changes", metadata, Column("seq", Integer, primary_key=True, autoincrement=False),
                      Column("report_id", Text, nullable=False), Column("changed_at", Float, nullable=False))
signatures_table = Table("signatures", metadata, Column("id", Integer, primary_key=True),
                         Column("digest", Text, nullable=False, unique=True), Column("key", Text, nullable=False))
# Distinct chunk texts (a table row's value masked: the same template row in a thousand reports is one text),
# with how many ready chunks have each; `seq` is the change that last altered `docs`, so processes follow it.
texts_table = Table("texts", metadata, Column("id", Integer, primary_key=True),
                    Column("digest", Text, nullable=False, unique=True), Column("body", Text, nullable=False),
                    Column("docs", Integer, nullable=False), Column("seq", Integer, nullable=False),
                    Index("texts_by_seq", "seq"))
terms_table = Table("terms", metadata, Column("term", Text, primary_key=True), Column("docs", Integer, nullable=False))

# An SQLite index written before reports had versions: its rows become version '' (their vectors keep their ids).
_UNVERSIONED_RENAME = ("ALTER TABLE reports RENAME TO reports_v1", "ALTER TABLE indicators RENAME TO indicators_v1",
                       "ALTER TABLE chunks RENAME TO chunks_v1", "DROP INDEX IF EXISTS chunks_by_report")
_UNVERSIONED_COPY = (
    "INSERT INTO reports (report_id, version, status, data, unit, year, level, region, title, ingested_at) "
    "SELECT report_id, '', status, data, unit, year, level, region, title, ingested_at FROM reports_v1",
    "INSERT INTO indicators (report_id, version, position, table_name, label, parents, columns, unit, value, raw, "
    "line) SELECT report_id, '', position, table_name, label, parents, columns, unit, value, raw, line "
    "FROM indicators_v1",
    "INSERT INTO chunks (chunk_id, report_id, version, kind, heading, body, position, ordinal) "
    "SELECT chunk_id, report_id, '', kind, heading, body, position, rowid FROM chunks_v1",
    "DROP TABLE reports_v1", "DROP TABLE indicators_v1", "DROP TABLE chunks_v1")
# An SQLite index written before chunks kept their order in a column: their row ids held it.
_UNORDERED = "UPDATE chunks SET ordinal = rowid"


def create_schema(db: Connection) -> None:
    """Tables and indexes as this version writes them; an older index gets the columns it lacks (filled by
    `index.store_counts.restamp`, which a missing tokenizer stamp calls for)."""
    tables = inspect(db).get_table_names()
    if "reports" in tables and "version" not in _columns(db, "reports"):
        for statement in _UNVERSIONED_RENAME:
            db.exec_driver_sql(statement)
        metadata.create_all(db)
        for statement in _UNVERSIONED_COPY:
            db.exec_driver_sql(statement)
    unordered = "chunks" in tables and "ordinal" not in _columns(db, "chunks")
    for table in metadata.sorted_tables:
        if table.name in tables:
            _add_missing_columns(db, table)
    if unordered:
        db.exec_driver_sql(_UNORDERED)
    metadata.create_all(db)
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(db, checkfirst=True)
    if db.execute(select(state_table.c.id)).first() is None:  # a new index is cut by this tokenizer from the start
        db.execute(insert(state_table).values(id=1, changes=0, tokenizer=None if "reports" in tables else TOKENIZER))


def _columns(db: Connection, table: str) -> set[str]:
    return {c["name"] for c in inspect(db).get_columns(table)}


def _add_missing_columns(db: Connection, table: Table) -> None:
    have = _columns(db, table.name)
    for column in table.columns:
        if column.name not in have:
            kind = column.type.compile(dialect=db.dialect)
            db.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
