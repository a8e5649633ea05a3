"""`python -m assistant ask|check|audit`: the command-line contract other tools depend on."""
from __future__ import annotations

import argparse
import logging
import sys

from assistant import cli_ask, cli_audit, cli_check
from assistant.build import build_service
from assistant.service import QuestionError

COMMANDS = (cli_ask, cli_check, cli_audit)


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
