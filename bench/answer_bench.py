"""Retrieval quality and answer speed on one machine, in one run.

Prints hit@1 and MRR for BM25-only, dense-only and the hybrid over bench/questions.jsonl
(each question names a string its best chunk's heading or row label must contain), warm
answer latency p50/p95, ingest time per report, and peak memory.

    .venv/bin/python bench/answer_bench.py
"""
from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.query import prepare  # noqa: E402
from assistant.retrieval import chroma_filter  # noqa: E402
from assistant.service import AssistantService  # noqa: E402
from index.components import Components  # noqa: E402
from settings import Settings  # noqa: E402

EXAMPLE = ROOT / "data" / "reports" / "xizhu-2018.txt"
INGEST_ROUNDS = 3
LATENCY_ROUNDS = 5


def rank_of(chunks, gold: str) -> int | None:
    for rank, chunk in enumerate(chunks, start=1):
        if gold in chunk.heading:
            return rank
    return None


def summarize(name: str, ranks: list[int | None]) -> str:
    hit1 = sum(1 for r in ranks if r == 1) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    return f"{name:8s} hit@1={hit1:.2f} MRR={mrr:.3f}"


def main() -> None:
    questions = [json.loads(line) for line in (ROOT / "bench" / "questions.jsonl").read_text().splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        components = Components(Settings(data_dir=Path(tmp)))
        started = time.perf_counter()
        components.embeddings.embed_query("预热")
        print(f"model load: {time.perf_counter() - started:.1f} s")
        ingest = []
        for _ in range(INGEST_ROUNDS):
            started = time.perf_counter()
            components.ingestor.add_file(EXAMPLE)
            ingest.append(time.perf_counter() - started)
        print(f"ingest per report: median {statistics.median(ingest):.2f} s over {INGEST_ROUNDS} runs")

        service = AssistantService(components)
        ranks = {"bm25": [], "dense": [], "hybrid": []}
        for item in questions:
            query = prepare(item["question"], [], service.corpus, None)
            keyword = [service.corpus.chunks[n] for n, _ in service.corpus.bm25.top(query.terms, 30)]
            vector = components.embeddings.embed_query(query.text)
            dense = [service.corpus.chunks[service.corpus.chunk_number[d.metadata["chunk_id"]]]
                     for d, _ in components.vectors.search(vector, 30, chroma_filter(query.report_ids))]
            hybrid = [h.chunk for h in service.retriever.search(query.text, query.terms, query.report_ids)]
            for name, chunks in (("bm25", keyword), ("dense", dense), ("hybrid", hybrid)):
                ranks[name].append(rank_of(chunks, item["gold"]))
        print(f"retrieval over {len(questions)} questions:")
        for name, found in ranks.items():
            print("  " + summarize(name, found))

        service.ask("预热")
        latencies = []
        for _ in range(LATENCY_ROUNDS):
            for item in questions:
                started = time.perf_counter()
                service.ask(item["question"])
                latencies.append((time.perf_counter() - started) * 1000)
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(f"warm answer latency: p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms "
              f"over {len(latencies)} answers")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
