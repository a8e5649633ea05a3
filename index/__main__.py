"""`python -m index add PATH...` / `list` / `show ID` / `delete ID`: manage the report index."""
from __future__ import annotations

import argparse
import sys

from index.components import Components
from index.ingest import ADDED, REPLACED, UNCHANGED, DuplicateReport, ReadOptions, parse_file
from index.report import ReportError
from index.report_store import StoreError
from index.show import render_report
from index.vector_store import VectorStoreUnavailable

_OUTCOMES = {ADDED: "", REPLACED: "(替换了旧版本)", UNCHANGED: "(内容与已导入的版本相同)"}


def _ocr_progress(done: int, total: int) -> None:
    """OCR takes seconds a page: a scanned report shows how far it has got."""
    print(f"\r文字识别: 第 {done}/{total} 页", end="\n" if done == total else "", file=sys.stderr, flush=True)


def _add(components: Components, paths: list[str], report_id: str | None) -> int:
    failed = 0
    parsed = []
    options = ReadOptions.from_settings(components.settings, progress=_ocr_progress)
    for path in paths:
        try:
            parsed.append(parse_file(path, report_id if len(paths) == 1 else None, options))
        except ReportError as exc:
            print(f"错误: {exc}", file=sys.stderr)
            failed += 1
    for report in parsed:
        try:
            result = components.ingestor.add_report(report)
        except DuplicateReport as exc:
            print(f"错误: {exc}", file=sys.stderr)
            failed += 1
            continue
        for warning in result.warnings:
            print(f"警告: {warning}", file=sys.stderr)
        print(f"已导入 {result.report_id}: {result.title} — {result.sections} 个章节, "
              f"{result.rows} 个表格行, {result.chunks} 个检索片段{_OUTCOMES[result.outcome]}", flush=True)
    return 1 if failed else 0


def _list(components: Components) -> int:
    summaries = components.reports.summaries()
    if not summaries:
        print("索引中还没有报告。用 `python -m index add 文件` 导入。")
        return 0
    print("编号\t单位\t层级\t地区\t年度\t章节\t表格行\t片段\t状态")
    for s in summaries:
        print(f"{s.report_id}\t{s.unit}\t{s.level or '-'}\t{s.region or '-'}\t{s.year or '-'}\t"
              f"{s.sections}\t{s.rows}\t{s.chunks}\t{'可检索' if s.status == 'ready' else '未完成'}")
    return 0


def _show(components: Components, report_id: str) -> int:
    report = components.reports.report(report_id)
    if report is None:
        print(f"错误: 没有编号为 {report_id} 的报告", file=sys.stderr)
        return 1
    print(render_report(report))
    return 0


def _delete(components: Components, report_id: str) -> int:
    if components.ingestor.delete(report_id):
        print(f"已删除 {report_id}")
        return 0
    print(f"错误: 没有编号为 {report_id} 的报告", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index", description="管理政府信息公开年度报告索引")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="导入报告文件(同一文件再次导入会替换旧版本)")
    add.add_argument("paths", nargs="+")
    add.add_argument("--id", help="报告编号(只导入一个文件时可用;默认取文件名)")
    commands.add_parser("list", help="列出已导入的报告")
    show = commands.add_parser("show", help="显示一个报告解析出的内容:元数据、章节、表格、警告、勾稽关系")
    show.add_argument("report_id")
    delete = commands.add_parser("delete", help="删除一个报告")
    delete.add_argument("report_id")
    args = parser.parse_args(argv)
    components = Components()
    try:
        if args.command == "add":
            return _add(components, args.paths, args.id)
        if args.command == "list":
            return _list(components)
        if args.command == "show":
            return _show(components, args.report_id)
        return _delete(components, args.report_id)
    except (StoreError, VectorStoreUnavailable) as exc:  # the index itself, not one file: stop here
        print(f"错误: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
