"""`python -m assistant compare-years UNIT --out report.docx`: a unit's latest two indexed years side by side
(or the two given with --years), read from the report store alone."""
from __future__ import annotations

import argparse
from pathlib import Path

from assistant.service import QuestionError
from index.components import Components
from review.compare_years import unit_reports, write_comparison


def register(commands: argparse._SubParsersAction) -> None:
    compare = commands.add_parser("compare-years", help="同一单位两个年度的报告对照,输出 Word 文档")
    compare.add_argument("unit", help="单位名称,如 西翥街道办事处")
    compare.add_argument("--out", type=Path, default=Path("compare-years.docx"), help="Word 文件")
    compare.add_argument("--years", nargs=2, type=int, metavar=("YEAR1", "YEAR2"), help="要对照的两个年度")
    compare.set_defaults(run=run)


def run(args: argparse.Namespace, service_factory) -> int:
    store = Components().reports
    reports = unit_reports([store.report(rid) for rid in store.ready_ids()], args.unit)
    if args.years:
        reports = [r for r in reports if r.year in args.years]
    if len(reports) < 2:
        raise QuestionError(f"索引中“{args.unit}”的报告不足两个年度,无法对照。")
    last, now = reports[-2:]
    write_comparison(last, now, args.out)
    print(f"{now.unit} {last.year}年与{now.year}年对照已写入 {args.out}")
    return 0
