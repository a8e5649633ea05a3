"""`python -m assistant review [REPORT_ID ...] --out review.xlsx`: the 政务公开办's review of a year's batch, and
`review --mark FINGERPRINT confirmed|dismissed --note "…"` to record a reviewer's decision on one finding.
It reads the report store only: no embedding model is loaded to review reports."""
from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from assistant.service import QuestionError
from index.components import Components
from review.batch import review_reports
from review.findings import SEVERITY_NAMES
from review.marks import DECISION_NAMES, DECISIONS, MarkStore
from review.sheet import write_csv, write_xlsx

DEFAULT_OUT = Path("review.xlsx")
_FINGERPRINT = re.compile(r"^[0-9a-f]{12}$")


def register(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser("review", help="审查一批报告(默认全部),输出 Excel 或 CSV;或记录复核结论")
    review.add_argument("reports", nargs="*", help="报告编号,见 python -m index list;不给则审查全部")
    review.add_argument("--out", type=Path, help=f"Excel 文件(默认 {DEFAULT_OUT},只给 --csv 时不写)")
    review.add_argument("--csv", type=Path, help="同样的行写成 CSV")
    review.add_argument("--mark", nargs=2, metavar=("FINGERPRINT", "|".join(DECISIONS)), help="记录一条发现的复核结论")
    review.add_argument("--note", default="", help="复核说明(与 --mark 一起用)")
    review.set_defaults(run=run)


def run(args: argparse.Namespace, service_factory) -> int:
    components = Components()
    marks = MarkStore(components.settings.data_dir)
    if args.mark:
        return _mark(marks, *args.mark, args.note)
    store = components.reports
    if not store.ready_ids():
        components.ensure_example_index()
    every = {rid: store.report(rid) for rid in store.ready_ids()}
    unknown = [rid for rid in args.reports if rid not in every]
    if unknown:
        raise QuestionError(f"未知的报告编号: {', '.join(unknown)}")
    chosen = [every[rid] for rid in args.reports] or list(every.values())
    chosen.sort(key=lambda r: (r.unit, r.year or 0, r.report_id))
    items = review_reports(chosen, marks.marks(), every.values())
    written = []
    if args.out or not args.csv:
        write_xlsx(items, args.out or DEFAULT_OUT)
        written.append(str(args.out or DEFAULT_OUT))
    if args.csv:
        write_csv(items, args.csv)
        written.append(str(args.csv))
    counts = Counter(item.finding.severity for item in items)
    by_severity = ",".join(f"{name} {counts[key]}" for key, name in SEVERITY_NAMES.items())
    print(f"审查了 {len(chosen)} 份报告,发现 {len(items)} 条({by_severity}),已写入 {'、'.join(written)}")
    return 0


def _mark(marks: MarkStore, fingerprint: str, decision: str, note: str) -> int:
    if not _FINGERPRINT.match(fingerprint):
        raise QuestionError(f"指纹应是审查表“指纹”一栏的 12 位编码: {fingerprint}")
    if decision not in DECISIONS:
        raise QuestionError(f"复核结论应为 {' 或 '.join(DECISIONS)}: {decision}")
    marks.mark(fingerprint, decision, note)
    print(f"{fingerprint}: {DECISION_NAMES[decision]}" + (f"({note})" if note else ""))
    return 0
