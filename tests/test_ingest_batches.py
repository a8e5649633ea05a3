"""The one ingest path on real stores and the real model: reports added in batches, a refusal per report
without failing the rest, only the narrative embedded and only once, files parsed in a worker process."""
from __future__ import annotations

import pytest
from langchain_core.embeddings import Embeddings

from conftest import EXAMPLE, EXAMPLE_ID, components_with, copy_example, free_port, server_settings, settings_for
from index.batch_ingest import ingest_files
from index.chunking import chunk_report
from index.ingest import ADDED, REPLACED, UNCHANGED, DuplicateReport, IngestResult, embedded
from index.report import ReportError
from index.report_file import ReadOptions, parse_file
from index.vector_store import VectorStoreUnavailable

NARRATIVE = 28  # the example's narrative chunks; its other 58 chunks are table rows, found by lookup


class CountingEmbeddings(Embeddings):
    """The real model's vectors, counting the passages it was given."""

    def __init__(self, model: Embeddings):
        self.model, self.passages = model, 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.passages += len(texts)
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


def test_a_batch_refuses_twins_one_by_one_and_imports_the_rest(tmp_path, memo_embeddings):
    built = components_with(settings_for(tmp_path / "data"), memo_embeddings)
    built.ingestor.add_file(EXAMPLE)
    other = parse_file(copy_example(tmp_path, "other-2018.txt"))
    twin_of_indexed = parse_file(EXAMPLE, "copy-2018")
    twin_in_batch = parse_file(copy_example(tmp_path, "other-2018.txt"), "again-2018")
    changed = parse_file(copy_example(tmp_path, "other-2018.txt"))
    changed.title += "(修订)"  # another version of other-2018

    outcomes = built.ingestor.add_reports([twin_of_indexed, other, twin_in_batch, changed])
    assert [type(o) for o in outcomes] == [DuplicateReport, IngestResult, DuplicateReport, IngestResult]
    assert str(outcomes[0]).endswith(f"与已导入的报告 {EXAMPLE_ID} 内容相同,未重复导入")
    assert str(outcomes[2]).endswith("与已导入的报告 other-2018 内容相同,未重复导入")
    assert [outcomes[1].outcome, outcomes[3].outcome] == [ADDED, REPLACED]  # a name twice in one go: the later wins

    reports = built.reports
    assert sorted(reports.ready_ids()) == ["other-2018", EXAMPLE_ID] and reports.pending_ids() == []
    assert reports.report("other-2018").title.endswith("(修订)")
    assert built.vectors.count("other-2018") == built.vectors.count(EXAMPLE_ID) == NARRATIVE


def test_only_the_narrative_is_embedded_and_a_vector_the_store_holds_is_not_made_again(tmp_path, embeddings):
    counting = CountingEmbeddings(embeddings)
    settings = settings_for(tmp_path / "data")
    built = components_with(settings, counting)
    report = parse_file(EXAMPLE)
    assert sum(1 for chunk in chunk_report(report) if embedded(chunk)) == NARRATIVE < len(chunk_report(report))

    assert built.ingestor.add_reports([report])[0].outcome == ADDED
    assert counting.passages == NARRATIVE and built.vectors.count() == NARRATIVE
    assert built.ingestor.add_reports([report])[0].outcome == UNCHANGED
    assert counting.passages == NARRATIVE  # nothing embedded again

    moved = components_with(settings_for(tmp_path / "elsewhere", database_url=f"sqlite:///{settings.db_path}"),
                            counting)  # the same reports, a new vector store
    assert moved.ingestor.add_reports([report])[0].outcome == UNCHANGED
    assert counting.passages == 2 * NARRATIVE and moved.vectors.count() == NARRATIVE


def test_a_vector_store_that_is_down_fails_the_batch_before_anything_is_written(tmp_path, memo_embeddings):
    built = components_with(server_settings(tmp_path / "data", free_port()), memo_embeddings)
    with pytest.raises(VectorStoreUnavailable):
        built.ingestor.add_reports([parse_file(EXAMPLE), parse_file(copy_example(tmp_path, "other-2018.txt"))])
    assert built.reports.summaries() == []


def test_files_come_back_in_order_with_what_became_of_each_across_batches(tmp_path, memo_embeddings):
    built = components_with(settings_for(tmp_path / "data"), memo_embeddings)
    empty = tmp_path / "empty-2018.txt"
    empty.write_text("")
    twin = tmp_path / "twin-2018.txt"
    twin.write_bytes(EXAMPLE.read_bytes())
    files = [str(EXAMPLE), str(empty), str(copy_example(tmp_path, "b-2018.txt")), str(twin),
             str(copy_example(tmp_path, "c-2018.txt"))]

    outcomes = list(ingest_files(built, files, ReadOptions(), batch=2))
    assert [path for path, _ in outcomes] == files
    kinds = [type(outcome) for _, outcome in outcomes]
    assert kinds == [IngestResult, ReportError, IngestResult, DuplicateReport, IngestResult]
    assert str(outcomes[1][1]) == f"{empty}: 文件为空"
    assert sorted(built.reports.ready_ids()) == ["b-2018", "c-2018", EXAMPLE_ID]
    assert built.vectors.count() == 3 * NARRATIVE
