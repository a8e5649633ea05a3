"""Ingest throughput, and an answering process's start-up, memory and warm latency, over many generated reports.

The corpus varies real reports (the 2018 legacy example, and the 2019-template reports in
tests/data/multi/): each copy gets another unit, year and table figures, one report per unit and year
(2,000 units for 10,000 reports, so a question naming a unit and year is answered, not asked back
which of ten reports it means). Reports are ingested without
vectors (answerable by keywords and indicator lookup at once), then their narrative is embedded: every
report's with --embed-all, else a sample whose rate is reported.

Then a new process answers, as an app process would: the time from its start to its first answer, its
resident memory after 100 warm answers (and its peak), and warm latency by kind of question. With --app, `app.py`
itself is started over the index too: the time from its start to its first answer through the web API, its resident
memory after 100 API answers, and their latency over HTTP. With
--chroma-port and --database-url the index lives in a Chroma server and PostgreSQL (scripts/chroma_server.sh,
scripts/postgres_server.sh; the database must be empty). --workdir keeps the index, so a second run over the
same reports skips the ingest. Figures depend on the machine and on what else runs on it.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/scale_bench.py [--reports 1000] [--embed-all] [--workdir DIR]
        [--embed-cache FILE] [--chroma-port PORT --database-url postgresql://...] [--app]
"""
from __future__ import annotations

import argparse
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
GENERIC = frozenset(("街道", "办事处", "街道办", "人民政府", "人民", "政府", "办公室", "委员会"))  # as assistant.corpus
WARM_ANSWERS = 100
_CELL = re.compile(r"(?<=\| )(\d+)(?= \|)")


def variant(base: tuple[Path, str, int], unit: str, year: int, rng: random.Random) -> str:
    """The base report as `unit` would have published it for `year`, with other table figures."""
    path, base_unit, base_year = base
    text = path.read_text(encoding="utf-8")
    short = base_unit.replace("办事处", "").replace("人民政府", "")
    text = text.replace(base_unit, unit).replace(short, unit)
    text = text.replace(f"{base_year + 1}年", f"{year + 1}年").replace(f"{base_year}年", f"{year}年")
    return _CELL.sub(lambda m: str(max(0, int(int(m.group(1)) * rng.uniform(0.3, 2.5)))), text)


def regions(count: int) -> list[str]:
    """REGIONS, then two-character place names of jieba's dictionary that no base report mentions and that
    jieba keeps whole in every unit's name, so a question naming a unit names it (and its 区/镇 twin) only."""
    import jieba

    from index.tokens import tokenize

    chosen = list(REGIONS)
    said = "".join(path.read_text(encoding="utf-8") for path, _, _ in (LEGACY, *MODERN))
    own = {kind: {t for t in tokenize(kind) if len(t) >= 2 and t not in GENERIC} for kind in KINDS}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as dictionary:
        places = [line.split()[0] for line in dictionary if line.split()[2:] == ["ns"]]
    for place in places:
        if len(chosen) >= count:
            break
        names = [place + kind for kind in KINDS]
        if (len(place) == 2 and place not in said and not any(place in kind for kind in KINDS)
                and all({t for t in tokenize(name) if len(t) >= 2 and t not in GENERIC} == {place} | own[kind]
                        for name, kind in zip(names, KINDS))
                and not any(other in name[1:] or place in other for other in chosen for name in names)):
            chosen.append(place)
    return chosen


def plan(count: int) -> list[tuple[str, str, int]]:
    """(file name, unit, year) of each generated report."""
    needed = max(len(REGIONS), math.ceil(count / len(YEARS) / len(KINDS)))
    units = [f"{region}{kind}" for region in regions(needed) for kind in KINDS]
    return [(f"r{n:05d}-{YEARS[n % len(YEARS)]}.txt", units[n // len(YEARS) % len(units)], YEARS[n % len(YEARS)])
            for n in range(count)]


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for name, unit, year in plan(count):
        base = LEGACY if year == 2018 else rng.choice(MODERN)
        (folder / name).write_text(variant(base, unit, year, rng), encoding="utf-8")
        paths.append(folder / name)
    return paths


def questions(made: list[tuple[str, str, int]], rng: random.Random, count: int) -> list[tuple[str, str]]:
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


def _memory_mb(field: str, pid: int | str = "self") -> int:
    """VmRSS (resident now) or VmHWM (resident at its peak) of a process (this one by default), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split(f"{field}:")[1].split()[0]) // 1024


def settings_for(args: argparse.Namespace, workdir: Path):
    from settings import Settings

    server = dict(chroma_host="127.0.0.1", chroma_port=args.chroma_port) if args.chroma_port else {}
    return Settings(data_dir=workdir / "data", database_url=args.database_url, **server)


def cache_embeddings(embeddings, path: Path) -> None:
    """Passage vectors kept in a file by text, so a run on the other stores over the same generated reports
    stores the vectors an earlier run embedded instead of embedding them again (its passages/s then measures
    the store, not the model: the embedding rate is the first run's)."""
    import sqlite3

    import numpy as np

    cache = sqlite3.connect(path)
    cache.execute("CREATE TABLE IF NOT EXISTS vectors (text TEXT PRIMARY KEY, vector BLOB)")
    embed = embeddings.embed_documents

    def embed_documents(texts: list[str]) -> list[list[float]]:
        held = {}
        for start in range(0, len(texts), 500):
            part = texts[start:start + 500]
            held.update(cache.execute(f"SELECT text, vector FROM vectors WHERE text IN ({','.join('?' * len(part))})",
                                      part).fetchall())
        missing = [t for t in texts if t not in held]
        if missing:
            fresh = embed(missing)
            cache.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                              [(t, np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(missing, fresh)])
            cache.commit()
            held.update({t: np.asarray(v, dtype=np.float32).tobytes() for t, v in zip(missing, fresh)})
        return [np.frombuffer(held[t], dtype=np.float32).tolist() for t in texts]

    embeddings.embed_documents = embed_documents


def ingest(args: argparse.Namespace, workdir: Path) -> None:
    """Generate and ingest the reports (unless the work folder's index holds them), then embed."""
    from index.components import Components
    from index.ingest import Ingestor, embedded
    from index.report_file import parse_file

    components = Components(settings_for(args, workdir))
    if args.embed_cache:
        cache_embeddings(components.embeddings, args.embed_cache)
    ids = components.reports.ready_ids()
    ingestor = Ingestor(components.reports, components.vectors)
    if len(ids) >= args.reports:
        print(f"index in {workdir} already holds {len(ids)} reports: ingest skipped")
    else:
        folder = workdir / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        paths = generate(folder, args.reports)
        started = time.perf_counter()
        ids, rows = [], 0
        for start in range(0, len(paths), BATCH):
            reports = [parse_file(path) for path in paths[start:start + BATCH]]
            ingestor.add_reports(reports, vectors=False)
            ids += [r.report_id for r in reports]
            rows += sum(len(r.table_rows) for r in reports)
        spent = time.perf_counter() - started
        print(f"ingest (parse, chunk, tokens and counts stored; searchable by keywords and lookup): {len(ids)} "
              f"reports, {rows} cells in {spent:.1f} s = {len(ids) / spent:.1f} reports/s")
    present = components.vectors.count()
    narrative = sum(1 for c in components.reports.chunks() if embedded(c))
    if present >= narrative or (present and not args.embed_all):
        print(f"narrative vectors: {present} of {narrative} already stored")
        return
    sample = ids if args.embed_all else random.Random(1).sample(ids, min(args.embed_sample, len(ids)))
    started = time.perf_counter()
    passages = ingestor.embed_missing(sample)
    spent = time.perf_counter() - started
    rate = passages / spent
    print(f"narrative vectors: {passages} passages of {len(sample)} reports in {spent:.1f} s = {rate:.1f} passages/s "
          f"({narrative / len(ids):.1f} narrative chunks per report"
          + ("" if args.embed_all else f"; all {len(ids)} reports would take {narrative / rate / 60:.1f} min") + ")")


def answer(args: argparse.Namespace, workdir: Path, spawned: float) -> None:
    """In a new process, as an app process: start, answer once, then warm answers by kind."""
    from assistant.build import build_service
    from index.components import Components

    components = Components(settings_for(args, workdir))
    components.embeddings.embed_query("预热")
    modelled, model_mb = time.time(), _memory_mb("VmRSS")
    service = build_service(components)
    built = time.time()
    made = plan(args.reports)
    rng = random.Random(3)
    _, first = questions(made, rng, 1)[0]
    service.ask(first)
    answered = time.time()
    print(f"answering process over {len(service.corpus.reports)} reports: first answer {answered - spawned:.1f} s "
          f"after the process started (interpreter, imports and the embedding model {modelled - spawned:.1f} s, "
          f"{model_mb} MB resident; the index {built - modelled:.1f} s; the first answer {answered - built:.1f} s)")
    embed_query, spent_embedding = components.embeddings.embed_query, [0.0]

    def timed_embed_query(text: str) -> list[float]:
        started = time.perf_counter()
        try:
            return embed_query(text)
        finally:
            spent_embedding[0] += time.perf_counter() - started

    components.embeddings.embed_query = timed_embed_query
    by_kind: dict[str, list[float]] = {}
    rest_by_kind: dict[str, list[float]] = {}
    embedded_ms = []
    asked = questions(made, rng, args.rounds)
    for number, (kind, question) in enumerate(asked, 1):
        spent_embedding[0] = 0.0
        started = time.perf_counter()
        service.ask(question)
        total = (time.perf_counter() - started) * 1000
        by_kind.setdefault(kind, []).append(total)
        rest_by_kind.setdefault(kind, []).append(total - spent_embedding[0] * 1000)
        embedded_ms.append(spent_embedding[0] * 1000)
        if number == WARM_ANSWERS:
            print(f"  resident memory after {WARM_ANSWERS} warm answers: {_memory_mb('VmRSS')} MB "
                  f"(peak {_memory_mb('VmHWM')} MB)")
    print("  warm latency by kind, and without embedding the question:")
    for kind, times in by_kind.items():
        rest = rest_by_kind[kind]
        print(f"  {kind:9s} p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms   "
              f"without: p50 {statistics.median(rest):7.1f} ms  p95 {percentile(rest, 0.95):7.1f} ms")
    every = [t for times in by_kind.values() for t in times]
    print(f"warm answer latency: p50 {statistics.median(every):.1f} ms, p95 {percentile(every, 0.95):.1f} ms "
          f"over {len(every)} answers; embedding the question: p50 {statistics.median(embedded_ms):.1f} ms, "
          f"p95 {percentile(embedded_ms, 0.95):.1f} ms")


def app(args: argparse.Namespace, workdir: Path) -> None:
    """`python app.py` over the index, asked through its web API as a visitor's browser or a client would."""
    from tests.web_helpers import AppProcess, ask

    env = {"GIA_DATABASE_URL": args.database_url} if args.database_url else {}
    if args.chroma_port:
        env.update(CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(args.chroma_port))
    process = AppProcess(workdir / "data", password=None, **env)
    process.log_path = workdir / "app.log"
    process.start()
    try:
        made, rng = plan(args.reports), random.Random(5)
        first = process.wait_answering(timeout=300)
        times = []
        for _, question in questions(made, rng, -(-WARM_ANSWERS // 7))[:WARM_ANSWERS]:
            started = time.perf_counter()
            ask(process.url, question)
            times.append((time.perf_counter() - started) * 1000)
        resident, peak = (_memory_mb(field, process.process.pid) for field in ("VmRSS", "VmHWM"))
        print(f"app.py over the index: first answer through the web API {first:.1f} s after it started; resident "
              f"memory after {len(times)} API answers {resident} MB (peak {peak} MB); their latency over HTTP: p50 "
              f"{statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms")
    finally:
        process.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--embed-sample", type=int, default=20, help="reports whose narrative is embedded and timed")
    parser.add_argument("--embed-all", action="store_true", help="embed every report's narrative (slow)")
    parser.add_argument("--rounds", type=int, default=15, help="question sets asked (7 questions each)")
    parser.add_argument("--workdir", type=Path, help="keep the index here (reused by the next run)")
    parser.add_argument("--embed-cache", type=Path, help="passage vectors by text, reused by the next run")
    parser.add_argument("--chroma-port", type=int, help="a Chroma server on 127.0.0.1")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database")
    parser.add_argument("--app", action="store_true", help="also start app.py over the index and ask it")
    parser.add_argument("--answer", type=float, help=argparse.SUPPRESS)  # the answering process: when it was spawned
    args = parser.parse_args()
    if args.answer is not None:
        answer(args, args.workdir, args.answer)
        return
    args.rounds = max(args.rounds, -(-WARM_ANSWERS // 7))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        ingest(args, workdir)
        command = [sys.executable, __file__, "--reports", str(args.reports), "--rounds", str(args.rounds),
                   "--workdir", str(workdir), "--database-url", args.database_url, "--answer", str(time.time())]
        if args.chroma_port:
            command += ["--chroma-port", str(args.chroma_port)]
        subprocess.run(command, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        if args.app:
            app(args, workdir)


if __name__ == "__main__":
    main()
