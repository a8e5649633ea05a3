"""`python -m assistant check`: verify a claim against a report, sentence by sentence, or JSON lines from stdin."""
from __future__ import annotations

import argparse

from assistant.answer import Answer
from assistant.cli_ask import format_answer
from assistant.jsonl import LineError, process_lines, require_text
from review.fact_check import ClaimCheck, FactChecker

VERDICT_NAMES = {"supported": "属实", "contradicted": "与报告不符", "not_found": "报告中未找到依据"}


def register(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="核对说法是否与年度报告一致")
    check.add_argument("claim", nargs="?", help="要核对的句子或段落;用 --jsonl 时从标准输入逐行读取")
    check.add_argument("--jsonl", action="store_true", help='标准输入每行 {"claim": …, "report": …}')
    check.add_argument("--report", help="只对照这个报告编号")
    check.set_defaults(run=run)


def format_check(check: ClaimCheck) -> str:
    verdict = f"【{VERDICT_NAMES[check.verdict]}】{check.claim}\n{check.explanation}"
    if check.parts:
        verdict += "".join(f"\n  · 【{VERDICT_NAMES[part.verdict]}】{part.claim}" for part in check.parts)
    return format_answer(Answer(text=verdict, found=check.verdict != "not_found", citations=check.citations))


def run(args: argparse.Namespace, service_factory) -> int:
    checker = FactChecker(service_factory())
    if not args.jsonl:
        if not args.claim:
            raise SystemExit("请给出要核对的说法,或使用 --jsonl")
        print("\n".join(format_check(check) for check in checker.check_text(args.claim, args.report)))
        return 0

    def handle(item: dict) -> dict:
        claim = require_text(item, "claim")
        report = item.get("report") or args.report
        if report is not None and not isinstance(report, str):
            raise LineError('"report" 应是报告编号字符串')
        result = checker.check_paragraph(claim, report).to_json()
        return {key: result[key] for key in ("verdict", "explanation", "citations")}

    process_lines(handle, {"verdict": "not_found", "explanation": "", "citations": []})
    return 0
