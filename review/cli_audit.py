"""`python -m assistant audit REPORT_ID`: what staff should look at before a report is published."""
from __future__ import annotations

import argparse
import json

from assistant.service import QuestionError
from review.audit import Finding, audit_report
from review.findings import SEVERITY_NAMES


def register(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="发布前检查报告:正文与统计表、表内合计、导语目录")
    audit.add_argument("report", help="报告编号,见 python -m index list")
    audit.add_argument("--json", action="store_true", help="输出 JSON")
    audit.set_defaults(run=run)


def format_findings(report_id: str, findings: list[Finding]) -> str:
    if not findings:
        return f"{report_id}: 未发现需要核实的问题。"
    lines = [f"{report_id}: {len(findings)} 条发现"]
    for number, finding in enumerate(findings, start=1):
        lines.append(f"{number}. [{SEVERITY_NAMES[finding.severity]}] {finding.explanation}")
        for citation in finding.citations:
            where = "统计表" if citation.kind == "table_row" else "章节"
            lines.append(f"     {where} {citation.label}:“{citation.quote}”")
    return "\n".join(lines)


def run(args: argparse.Namespace, service_factory) -> int:
    report = service_factory().corpus.reports.get(args.report)
    if report is None:
        raise QuestionError(f"未知的报告编号: {args.report}")
    findings = audit_report(report)
    if args.json:
        print(json.dumps({"report": report.report_id, "findings": [f.to_json() for f in findings]},
                         ensure_ascii=False, indent=2))
    else:
        print(format_findings(report.report_id, findings))
    return 0
