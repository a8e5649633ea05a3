"""`python -m assistant ask`: answer one question, or JSON lines from stdin."""
from __future__ import annotations

import argparse

from assistant.answer import Answer
from assistant.jsonl import LineError, process_lines, require_text
from assistant.service import AssistantService


def register(commands: argparse._SubParsersAction) -> None:
    ask = commands.add_parser("ask", help="回答关于年度报告的问题")
    ask.add_argument("question", nargs="?", help="问题;用 --jsonl 时从标准输入逐行读取")
    ask.add_argument("--jsonl", action="store_true", help='标准输入每行 {"question": …, "history": […], "report": …}')
    ask.add_argument("--report", help="只在这个报告编号中查找")
    ask.set_defaults(run=run)


def format_answer(answer: Answer) -> str:
    lines = [answer.text, ""]
    if answer.citations:
        lines.append("来源:")
        for number, citation in enumerate(answer.citations, start=1):
            where = "统计表" if citation.kind == "table_row" else "章节"
            page = f"({citation.where()})" if citation.scanned else ""
            lines.append(f"  [{number}] {where} {citation.label}({citation.report}){page}")
            lines.append(f"      “{citation.quote}”")
    return "\n".join(lines)


def _history(item: dict) -> list[tuple[str, str]]:
    history = item.get("history") or []
    if not isinstance(history, list) or not all(isinstance(t, (list, tuple)) and len(t) == 2 for t in history):
        raise LineError('"history" 应是 [[问题, 回答], …]')
    return [(str(q), str(a)) for q, a in history]


def run(args: argparse.Namespace, service_factory) -> int:
    service: AssistantService = service_factory()
    if not args.jsonl:
        if not args.question:
            raise SystemExit("请给出问题,或使用 --jsonl")
        print(format_answer(service.ask(args.question, report=args.report)))
        return 0

    def handle(item: dict) -> dict:
        question = require_text(item, "question")
        report = item.get("report") or args.report
        return service.ask(question, _history(item), report).to_json()

    process_lines(handle, {"answer": "", "found": False, "citations": []})
    return 0
