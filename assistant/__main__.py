"""`python -m assistant ask|check|audit|review|compare-years`: the command-line contract other tools depend on.

The staff commands live in the `review` package; they are registered here so that one entry point serves both."""
from __future__ import annotations

import argparse
import logging
import sys

from assistant import cli_ask
from assistant.build import build_service
from assistant.service import QuestionError
from review import cli_audit, cli_check, cli_compare, cli_review

COMMANDS = (cli_ask, cli_check, cli_audit, cli_review, cli_compare)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m assistant", description="政府信息公开年度报告问答助手")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args, build_service)
    except QuestionError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
