"""Chunks never cross a section boundary, always carry their heading; table rows carry parents, unit, value."""
from __future__ import annotations

from conftest import EXAMPLE
from index.chunking import MAX_CHUNK_CHARS, chunk_report
from index.ingest import parse_file


def test_section_chunks_stay_inside_their_section():
    report = parse_file(EXAMPLE)
    chunks = chunk_report(report)
    by_heading = {s.heading: s.text for s in report.sections}
    section_chunks = [c for c in chunks if c.kind == "section" and c.heading in by_heading]
    assert {c.heading for c in section_chunks} == set(by_heading)
    for chunk in section_chunks:
        assert chunk.text.startswith(chunk.heading)
        assert chunk.body in by_heading[chunk.heading]
    long_sentence = max(len(s) for s in report.sections[0].text.split("。"))
    assert all(len(c.body) <= max(MAX_CHUNK_CHARS, long_sentence + 1) for c in section_chunks)


def test_every_indicator_row_is_a_chunk_with_its_context():
    report = parse_file(EXAMPLE)
    rows = [c for c in chunk_report(report) if c.kind == "table_row"]
    assert len(rows) == len([r for r in report.table_rows if r.unit or r.value is not None])
    weibo = next(c for c in rows if "政务微博" in c.heading)
    assert "(二)通过不同渠道和方式公开政府信息的情况" in weibo.body and weibo.body.endswith("690 条")
    blank = next(c for c in rows if c.heading == "1.当面申请数")
    assert blank.body.endswith("未填报")


def test_chunk_ids_are_stable():
    first = [c.chunk_id for c in chunk_report(parse_file(EXAMPLE))]
    assert first == [c.chunk_id for c in chunk_report(parse_file(EXAMPLE))]
    assert len(first) == len(set(first))
