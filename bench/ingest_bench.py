"""Ingest speed through the path `index add` takes (index.batch_ingest.ingest_files), beyond the model load:
the real reports in ../shared/reports, then generated ones (bench/scale_bench.py's `generate`).

Each run goes into a fresh index. Besides reports/s it prints where the time went: parsing each real file on
its own (in this process), and for each run the seconds spent embedding, storing (SQLite and Chroma) and
waiting for the parsing worker. Figures depend on the machine and on what else runs on it (the load average
is printed).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/ingest_bench.py [--real DIR] [--reports 1000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
# Everything else is imported in main(): the parsing worker imports this script again, and should not
# import the stores and the model with it.


class Timed:
    """Seconds spent in one method of an object, and what it returned, while it runs in place."""

    def __init__(self, owner: object, name: str):
        self.seconds, self.results, method = 0.0, [], getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            self.results.append(method(*args, **kwargs))
            self.seconds += time.perf_counter() - started
            return self.results[-1]

        setattr(owner, name, timed)


def run(label: str, files: list[str], data_dir: Path, embeddings) -> None:
    from index.batch_ingest import ingest_files
    from index.components import Components
    from index.report_file import ReadOptions
    from settings import Settings

    components = Components(Settings(data_dir=data_dir))
    components.__dict__["embeddings"] = embeddings
    ingestor = components.ingestor
    embedding, storing = Timed(embeddings, "embed_documents"), Timed(ingestor, "add_reports")
    vectors = Timed(ingestor.vectors, "add_chunks")
    started = time.perf_counter()
    outcomes = list(ingest_files(components, files, ReadOptions.from_settings(components.settings)))
    spent = time.perf_counter() - started
    imported = sum(1 for _, outcome in outcomes if not isinstance(outcome, Exception))
    passages = sum(vectors.results)
    print(f"{label}: {imported}/{len(files)} reports in {spent:.1f} s = {imported / spent:.2f} reports/s")
    print(f"  embedding {embedding.seconds:.1f} s ({passages} narrative passages, {passages / imported:.1f} a report, "
          f"{passages / embedding.seconds:.0f} passages/s); storing {storing.seconds - embedding.seconds:.1f} s "
          f"(SQLite and Chroma, {len(storing.results)} batches); waiting for the parsing worker "
          f"{spent - storing.seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "reports")
    parser.add_argument("--reports", type=int, default=1000, help="generated reports (0: the real ones only)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    from index.__main__ import report_files
    from index.embeddings import load_embeddings
    from index.report_file import parse_file
    from scale_bench import generate
    from index.tokens import load_dictionary
    from settings import Settings

    started = time.perf_counter()
    embeddings = load_embeddings(Settings())
    embeddings.embed_query("预热")
    load_dictionary()
    print(f"model load (embedding model and jieba's dictionary, which `index add` loads while the first files "
          f"are parsed): {time.perf_counter() - started:.1f} s (not counted below)")

    real, _ = report_files([str(args.real)])
    for path in real:
        started = time.perf_counter()
        report = parse_file(path)
        print(f"  parse {Path(path).name}: {time.perf_counter() - started:.2f} s "
              f"({len(report.sections)} sections, {len(report.table_rows)} table rows)")
    with tempfile.TemporaryDirectory() as tmp:
        run(f"real reports ({args.real})", real, Path(tmp) / "real", embeddings)
        if args.reports:
            folder = Path(tmp) / "generated"
            folder.mkdir()
            generate(folder, args.reports)
            run("generated reports", report_files([str(folder)])[0], Path(tmp) / "generated-index", embeddings)


if __name__ == "__main__":
    main()
