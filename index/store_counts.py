"""What is written beside each version's chunks and rows so that processes search the database instead of
rebuilding an index of every chunk: the jieba tokens of each chunk, the id of its distinct text and of each
row's signature, and the counts of ready chunks per token and per distinct text, kept in step with the
versions that are ready (a switch adds the new version's, a retirement takes the old one's away).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

from sqlalchemy import bindparam, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from index.cells import signature
from index.chunking import Chunk
from index.report import Report, TableRow
from index.store_schema import (chunks_table, indicators_table, reports_table, signatures_table, state_table,
                                terms_table, texts_table)
from index.tokens import TOKENIZER, tokenize

READY, PENDING, RETIRED = "ready", "pending", "retired"
MAX_TERM_CHARS = 64  # a longer token (a run of garbled characters) is no word anyone searches for
_DIGITS = re.compile(r"\d")


def counted_text(chunk: Chunk) -> str:
    """The text a chunk counts as for document frequencies: a table row's value masked, so the same row
    of a thousand reports is one distinct text (words without digits are found in it all the same)."""
    text = chunk.text
    if chunk.kind != "table_row":
        return text
    cut = text.rfind(": ")
    return text if cut < 0 else text[:cut] + _DIGITS.sub("0", text[cut:])


def chunk_tokens(chunk: Chunk) -> list[str]:
    return [t for t in tokenize(chunk.text) if len(t) <= MAX_TERM_CHARS]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _insert(db: Connection, table):
    return (postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert)(table)


def chunk_values(db: Connection, version: str, chunks: list[Chunk]) -> list[dict]:
    """Rows for the chunks table: each chunk with its tokens and the id of its distinct text."""
    tokens = [chunk_tokens(c) for c in chunks]
    text_ids = _ids(db, texts_table, [counted_text(c) for c in chunks], body=True)
    return [dict(chunk_id=c.chunk_id, report_id=c.report_id, version=version, kind=c.kind, heading=c.heading,
                 body=c.body, position=c.position, ordinal=n, tokens=" ".join(t), length=len(t), text_id=i)
            for n, (c, t, i) in enumerate(zip(chunks, tokens, text_ids))]


def signature_ids(db: Connection, rows: list[TableRow]) -> list[int]:
    return _ids(db, signatures_table, [json.dumps(signature(r), ensure_ascii=False) for r in rows], body=False)


def _ids(db: Connection, table, texts: list[str], body: bool) -> list[int]:
    """Ids of distinct texts (signature keys), added as they are first seen."""
    digests = [_digest(t) for t in texts]
    unique = dict(zip(digests, texts))
    if not unique:
        return []
    extra = dict(docs=0, seq=0) if body else {}
    db.execute(_insert(db, table).on_conflict_do_nothing(index_elements=["digest"]),
               [dict(digest=d, **({"body": t} if body else {"key": t}), **extra) for d, t in unique.items()])
    ids = dict(db.execute(select(table.c.digest, table.c.id).where(table.c.digest.in_(list(unique)))).all())
    return [ids[d] for d in digests]


def count_version(db: Connection, report_id: str, version: str, sign: int, seq: int) -> None:
    """Add (sign 1) or take away (-1) a version's chunks from the counts per token and per distinct text."""
    c = chunks_table.c
    rows = db.execute(select(c.tokens, c.text_id).where(c.report_id == report_id, c.version == version)).all()
    terms = Counter(t for tokens, _ in rows for t in set((tokens or "").split()))
    texts = Counter(text_id for _, text_id in rows)
    if terms and sign > 0:
        added = _insert(db, terms_table)
        db.execute(added.on_conflict_do_update(index_elements=["term"],
                                               set_={"docs": terms_table.c.docs + added.excluded.docs}),
                   [dict(term=t, docs=n) for t, n in terms.items()])
    elif terms:
        t = terms_table.c
        db.execute(update(terms_table).where(t.term == bindparam("gone")).values(docs=t.docs - bindparam("n")),
                   [dict(gone=term, n=n) for term, n in terms.items()])
        db.execute(delete(terms_table).where(t.term.in_(list(terms)), t.docs <= 0))
    if texts:
        x = texts_table.c
        db.execute(update(texts_table).where(x.id == bindparam("changed"))
                   .values(docs=x.docs + sign * bindparam("n"), seq=seq),
                   [dict(changed=text_id, n=n) for text_id, n in texts.items()])


def drop_unused_texts(db: Connection, text_ids: list[int]) -> None:
    """Distinct texts of a dropped version that were never counted (a version that never became ready)
    and that no other version holds. A text whose count fell to 0 keeps its row: processes following
    the index learn from it that the text went."""
    x, c = texts_table.c, chunks_table.c
    db.execute(delete(texts_table).where(x.id.in_(text_ids), x.seq == 0,
                                         ~exists(select(c.chunk_id).where(c.text_id == x.id))))


def restamp(db: Connection) -> None:
    """Tokens, text and signature ids and the counts made again for every stored version: an index written
    before they were stored, or whose tokens were cut by another tokenizer. Done when the store is opened,
    before the opening process follows it, so no process is following counts made otherwise."""
    r, c = reports_table.c, chunks_table.c
    db.execute(delete(terms_table))
    db.execute(update(texts_table).values(docs=0))
    seq = db.execute(select(state_table.c.changes)).scalar_one()
    for report_id, version, status in db.execute(select(r.report_id, r.version, r.status)).all():
        chunks = [Chunk(*row) for row in db.execute(
            select(c.chunk_id, c.report_id, c.kind, c.heading, c.body, c.position)
            .where(c.report_id == report_id, c.version == version).order_by(c.ordinal))]
        values = chunk_values(db, version, chunks)
        if values:
            db.execute(update(chunks_table).where(c.chunk_id == bindparam("chunk"))
                       .values(tokens=bindparam("t"), length=bindparam("n"), text_id=bindparam("text")),
                       [dict(chunk=v["chunk_id"], t=v["tokens"], n=v["length"], text=v["text_id"]) for v in values])
        _restamp_rows(db, report_id, version)
        db.execute(update(reports_table).where(r.report_id == report_id, r.version == version)
                   .values(chunk_count=len(values), token_count=sum(v["length"] for v in values)))
        if status == READY:
            count_version(db, report_id, version, 1, seq)
    db.execute(delete(texts_table).where(texts_table.c.docs <= 0,
                                         ~exists(select(c.chunk_id).where(c.text_id == texts_table.c.id))))
    db.execute(update(state_table).values(tokenizer=TOKENIZER))


def _restamp_rows(db: Connection, report_id: str, version: str) -> None:
    """Signature ids of a version's rows, and where a scanned report printed them (kept in its data)."""
    r, i = reports_table.c, indicators_table.c
    data = db.execute(select(r.data).where(r.report_id == report_id, r.version == version)).scalar_one()
    printed = Report.from_dict(json.loads(data)).table_rows
    rows = db.execute(select(i.position, i.table_name, i.label, i.parents, i.columns)
                      .where(i.report_id == report_id, i.version == version).order_by(i.position)).all()
    if not rows:
        return
    cells = [TableRow(label=label, unit="", value=None, raw="", parents=json.loads(parents),
                      columns=json.loads(columns), table=table) for _, table, label, parents, columns in rows]
    places = [printed[p] if p < len(printed) and signature(printed[p]) == signature(cell) else None
              for (p, *_), cell in zip(rows, cells)]
    db.execute(update(indicators_table).where(i.report_id == report_id, i.version == version,
                                              i.position == bindparam("at"))
               .values(signature=bindparam("sig"), page=bindparam("pg"), box=bindparam("bx")),
               [dict(at=p, sig=s, pg=place.page if place else None,
                     bx=json.dumps(place.box) if place and place.box is not None else None)
                for (p, *_), s, place in zip(rows, signature_ids(db, cells), places)])
