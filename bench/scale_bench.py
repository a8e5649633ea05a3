"""Ingest throughput and warm answer latency over a generated corpus of many reports.

The corpus varies real reports (the 2018 legacy example, and the 2019-template reports in
tests/data/multi/): each copy gets another unit, year and table figures. Reports are ingested
with index.batch_ingest: searchable by keywords and indicator lookup as soon as they are
stored, their narrative embedded in batches (all of it with --embed-all, else a sample whose
rate is reported). Figures depend on the machine and on what else runs on it.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/scale_bench.py [--reports 1000] [--embed-all]
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.service import AssistantService  # noqa: E402
from index.batch_ingest import BatchIngestor, embedded  # noqa: E402
from index.chunking import chunk_report  # noqa: E402
from index.components import Components  # noqa: E402
from index.ingest import parse_file  # noqa: E402
from settings import Settings  # noqa: E402

LEGACY = (ROOT / "data" / "reports" / "xizhu-2018.txt", "西翥街道办事处", 2018)
MODERN = [(ROOT / "tests" / "data" / "multi" / name, unit, year) for name, unit, year in (
    ("xizhu-2019.txt", "西翥街道办事处", 2019), ("qinglan-2021.txt", "青岚区人民政府", 2021),
    ("kunming-education-2021.txt", "昆明市教育局", 2021))]
REGIONS = ("青岚", "云溪", "松茂", "翠湖", "金马", "龙泉", "白沙", "凤鸣", "碧江", "石林", "长坡", "月湖", "雁塔",
           "清源", "桃源", "南屏", "北岭", "东川", "西山", "玉泉")
KINDS = ("区人民政府", "区教育局", "区卫生健康局", "区民政局", "区财政局", "区人力资源和社会保障局",
         "区市场监督管理局", "街道办事处", "镇人民政府", "区自然资源局")
YEARS = range(2018, 2023)
BATCH = 50
_CELL = re.compile(r"(?<=\| )(\d+)(?= \|)")


def variant(base: tuple[Path, str, int], unit: str, year: int, rng: random.Random) -> str:
    """The base report as `unit` would have published it for `year`, with other table figures."""
    path, base_unit, base_year = base
    text = path.read_text(encoding="utf-8")
    short = base_unit.replace("办事处", "").replace("人民政府", "")
    text = text.replace(base_unit, unit).replace(short, unit)
    text = text.replace(f"{base_year + 1}年", f"{year + 1}年").replace(f"{base_year}年", f"{year}年")
    return _CELL.sub(lambda m: str(max(0, int(int(m.group(1)) * rng.uniform(0.3, 2.5)))), text)


def generate(folder: Path, count: int, seed: int = 7) -> list[tuple[Path, str, int]]:
    rng = random.Random(seed)
    units = [f"{region}{kind}" for region in REGIONS for kind in KINDS]
    made = []
    for n in range(count):
        unit, year = units[n // len(YEARS) % len(units)], YEARS[n % len(YEARS)]
        base = LEGACY if year == 2018 else rng.choice(MODERN)
        path = folder / f"r{n:04d}-{year}.txt"
        path.write_text(variant(base, unit, year, rng), encoding="utf-8")
        made.append((path, unit, year))
    return made


def questions(made: list[tuple[Path, str, int]], rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(kind, question): scoped lookups and narrative questions, comparisons, rankings, unscoped."""
    out = []
    for _ in range(count):
        _, unit, year = rng.choice(made)
        modern = year if year > 2018 else 2020
        out += [
            ("lookup", f"{unit}{year}年行政复议有多少件?"),
            ("lookup", f"{modern}年{unit}法人或其他组织中商业企业申请了多少件?"),
            ("lookup", f"{unit}{modern}年本年新收申请总数是多少?"),
            ("narrative", f"{unit}{year}年存在的主要问题有哪些?"),
            ("compare", f"{unit}2018年和2019年的行政复议数量对比"),
            ("ranking", f"哪个单位{modern}年收到的申请最多"),
            ("unscoped", "行政诉讼有几起?"),
        ]
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--embed-sample", type=int, default=20, help="reports whose narrative is embedded and timed")
    parser.add_argument("--embed-all", action="store_true", help="embed every report's narrative (slow)")
    parser.add_argument("--rounds", type=int, default=15, help="question sets asked (7 questions each)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        made = generate(folder, args.reports)
        components = Components(Settings(data_dir=Path(tmp) / "data"))
        components.embeddings.embed_query("预热")
        batch = BatchIngestor(components.reports, components.vectors)

        started = time.perf_counter()
        ids, rows = [], 0
        for start in range(0, len(made), BATCH):
            reports = [parse_file(path) for path, _, _ in made[start:start + BATCH]]
            batch.add_reports(reports, vectors=False)
            ids += [r.report_id for r in reports]
            rows += sum(len(r.table_rows) for r in reports)
        ingest = time.perf_counter() - started
        print(f"ingest (parse, chunk, store; searchable by keywords and lookup): {len(ids)} reports, {rows} cells "
              f"in {ingest:.1f} s = {len(ids) / ingest:.1f} reports/s")

        sample = ids if args.embed_all else random.Random(1).sample(ids, min(args.embed_sample, len(ids)))
        started = time.perf_counter()
        passages = batch.embed_missing(sample)
        spent = time.perf_counter() - started
        per_report = sum(1 for rid in ids for c in chunk_report(components.reports.report(rid)) if embedded(c)) / len(ids)
        print(f"narrative vectors: {passages} passages of {len(sample)} reports in {spent:.1f} s = "
              f"{passages / spent:.1f} passages/s, {len(sample) / spent:.2f} reports/s "
              f"({per_report:.1f} narrative chunks per report; all {len(ids)} reports would take "
              f"{len(ids) * per_report / (passages / spent) / 60:.1f} min in the background)")
        print(f"full ingest with vectors: {1 / (1 / (len(ids) / ingest) + spent / len(sample)):.2f} reports/s")

        started = time.perf_counter()
        service = AssistantService(components)
        print(f"index load (corpus, BM25, cells of {len(service.corpus.reports)} reports): "
              f"{time.perf_counter() - started:.1f} s")
        rng = random.Random(3)
        for _, question in questions(made, rng, 2):
            service.ask(question)  # warm-up
        by_kind: dict[str, list[float]] = {}
        embed_query, spent_embedding = components.embeddings.embed_query, [0.0]

        def timed_embed_query(text: str) -> list[float]:
            started = time.perf_counter()
            try:
                return embed_query(text)
            finally:
                spent_embedding[0] += time.perf_counter() - started

        components.embeddings.embed_query = timed_embed_query
        embedded_ms, rest = [], []
        for kind, question in questions(made, rng, args.rounds):
            spent_embedding[0] = 0.0
            started = time.perf_counter()
            service.ask(question)
            total = (time.perf_counter() - started) * 1000
            by_kind.setdefault(kind, []).append(total)
            embedded_ms.append(spent_embedding[0] * 1000)
            rest.append(total - spent_embedding[0] * 1000)
        every = [t for times in by_kind.values() for t in times]
        for kind, times in by_kind.items():
            print(f"  {kind:9s} p50 {statistics.median(times):6.1f} ms  p95 {percentile(times, 0.95):6.1f} ms")
        print(f"warm answer latency over {len(ids)} reports: p50 {statistics.median(every):.1f} ms, "
              f"p95 {percentile(every, 0.95):.1f} ms over {len(every)} answers")
        print(f"  of which embedding the question (dense half of retrieval): p50 {statistics.median(embedded_ms):.1f} ms, "
              f"p95 {percentile(embedded_ms, 0.95):.1f} ms; the rest: p50 {statistics.median(rest):.1f} ms, "
              f"p95 {percentile(rest, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
