"""`python -m index add PATH...` (files or folders) / `list` / `show ID` / `delete ID`: manage the report index."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from index.batch_ingest import ingest_files
from index.components import Components
from index.ingest import ADDED, REPLACED, UNCHANGED
from index.readers import SUPPORTED
from index.report import ReportError
from index.report_file import ReadOptions, ocr_progress_on_stderr
from index.report_store import StoreError
from index.show import render_report
from index.vector_store import VectorStoreUnavailable

_OUTCOMES = {ADDED: "", REPLACED: "(替换了旧版本)", UNCHANGED: "(内容与已导入的版本相同)"}


def report_files(paths: list[str]) -> tuple[list[str], list[str]]:
    """Files to import: each path as given, a folder as the report files under it (recursively, sorted);
    and the folders that hold none."""
    files, empty = [], []
    for path in paths:
        folder = Path(path)
        if not folder.is_dir():
            files.append(path)
            continue
        found = sorted(str(p) for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED.split())
        files += found
        if not found:
            empty.append(path)
    return files, empty


def _add(components: Components, paths: list[str], report_id: str | None) -> int:
    """Files parsed and imported in batches (index.batch_ingest), with a progress bar on stderr when there
    are several; each file's outcome is written above the bar as its batch is stored."""
    files, empty = report_files(paths)
    for folder in empty:
        print(f"错误: {folder}: 文件夹中没有可导入的报告({SUPPORTED})", file=sys.stderr)
    failed = len(empty)
    options = ReadOptions.from_settings(components.settings, progress=ocr_progress_on_stderr)
    progress = tqdm(total=len(files), desc="导入报告", unit="份", file=sys.stderr, disable=len(files) < 2, leave=False)
    for _, result in ingest_files(components, files, options, report_id if len(files) == 1 else None):
        progress.update()
        if isinstance(result, ReportError):  # a file that cannot be read, or a report already imported by another name
            progress.write(f"错误: {result}", file=sys.stderr)
            failed += 1
            continue
        for warning in result.warnings:
            progress.write(f"警告: {warning}", file=sys.stderr)
        progress.write(f"已导入 {result.report_id}: {result.title} — {result.sections} 个章节, "
                       f"{result.rows} 个表格行, {result.chunks} 个检索片段{_OUTCOMES[result.outcome]}", file=sys.stdout)
        sys.stdout.flush()
    progress.close()
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
    add = commands.add_parser("add", help="导入报告文件或文件夹(含子文件夹;同一文件再次导入会替换旧版本)")
    add.add_argument("paths", nargs="+", help="报告文件或文件夹")
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
