"""Bad report files through the real `python -m index add`: each gets a clear error or warning naming it,
the readable ones are imported, and the report already in the index is untouched."""
from __future__ import annotations

import pytest

from conftest import EXAMPLE, EXAMPLE_ID, components_with, run_cli, settings_for
from index.ingest import ReadOptions, embedded, parse_file
from index.readers import read_lines
from index.report import ReportError

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def _garbled() -> str:
    """Cells as they come out of a bad conversion: mojibake, a spreadsheet error, a row without its label."""
    text = EXAMPLE_TEXT
    for good, bad in [("3.政务微博公开政府信息数 | 条 | 690 |", "3.政务微博公开政府信息数 | 条 | 6锟斤拷0 |"),
                      ("1.参加或举办新闻发布会总次数 | 次 | 15 |", "1.参加或举办新闻发布会总次数 | 次 | #REF! |"),
                      ("其中:主要负责同志参加新闻发布会次数 | 次 | 2 |", " | 次 | 2 | ??? |")]:
        assert good in text
        text = text.replace(good, bad, 1)
    return text


def _write_files(folder):
    files = {
        "empty-2018.txt": b"",
        "binary-2018.txt": bytes(range(256)) * 64,
        "gbk-2018.txt": EXAMPLE_TEXT.replace("填报日期:2019年1月21日", "填报日期:2019年1月22日").encode("gbk"),
        "big5-2018.txt": EXAMPLE_TEXT.encode("big5", errors="replace"),
        "notable-2018.txt": "\n".join(line for line in EXAMPLE_TEXT.splitlines() if "|" not in line).encode(),
        "garbled-2018.txt": _garbled().encode(),
    }
    paths = {name: folder / name for name in files}
    for name, data in files.items():
        paths[name].write_bytes(data)
    big = paths["big-2018.txt"] = folder / "big-2018.txt"
    with open(big, "wb") as out:  # 50 MB of real report text
        block = EXAMPLE_TEXT.encode() * 64
        while out.tell() < 50 * 2**20:
            out.write(block)
    return paths


def test_bad_reports_get_clear_messages_and_the_index_keeps_the_rest(tmp_path, memo_embeddings):
    data_dir = tmp_path / "data"
    components = components_with(settings_for(data_dir), memo_embeddings)
    components.ingestor.add_file(EXAMPLE)
    paths = _write_files(tmp_path)
    size_mb = paths["big-2018.txt"].stat().st_size / 2**20

    result = run_cli(["-m", "index", "add", *map(str, paths.values())], data_dir)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = {line for line in result.stderr.splitlines() if line.startswith("错误")}
    assert errors == {
        f"错误: {paths['empty-2018.txt']}: 文件为空",
        f"错误: {paths['binary-2018.txt']}: 不是文本文件(含二进制内容)",
        f"错误: {paths['big5-2018.txt']}: 文件编码似乎是 Big5,请另存为 UTF-8 或 GBK 后再导入",
        f"错误: {paths['big-2018.txt']}: 文件太大({size_mb:.1f} MB),超过上限 20 MB(GIA_MAX_REPORT_MB)",
    }
    garbled = paths["garbled-2018.txt"]
    warnings = {line for line in result.stderr.splitlines() if line.startswith("警告")}
    assert f"警告: {paths['notable-2018.txt']}: 未找到统计表,只导入了正文" in warnings
    assert f"警告: {garbled}:50: 无法识别的数值 '6锟斤拷0'(3.政务微博公开政府信息数),未导入数值" in warnings
    assert f"警告: {garbled}:56: 无法识别的数值 '#REF!'(1.参加或举办新闻发布会总次数),未导入数值" in warnings
    assert any(w.startswith(f"警告: {garbled}:57: 表格行缺少指标名称") for w in warnings)
    assert sorted(line.split(":")[0] for line in result.stdout.splitlines()) == [
        "已导入 garbled-2018", "已导入 gbk-2018", "已导入 notable-2018"]

    reports = components.reports
    assert reports.pending_ids() == []
    assert sorted(reports.ready_ids()) == ["garbled-2018", "gbk-2018", "notable-2018", EXAMPLE_ID]
    example = [(row.label, row.value) for row in reports.indicators(EXAMPLE_ID)]
    assert len(example) == 65 and len(reports.chunks([EXAMPLE_ID])) == 86
    assert [(row.label, row.value) for row in reports.indicators("gbk-2018")] == example
    assert reports.indicators("notable-2018") == [] and reports.report("notable-2018").sections
    weibo = [row for row in reports.indicators("garbled-2018") if row.label == "3.政务微博公开政府信息数"]
    assert [(row.value, row.raw) for row in weibo] == [(None, "6锟斤拷0")]
    assert len(reports.indicators("garbled-2018")) == 64
    assert components.vectors.count() == sum(1 for chunk in reports.chunks() if embedded(chunk))


def test_the_size_limit_is_a_setting(tmp_path):
    report = tmp_path / "report-2018.txt"
    report.write_text(EXAMPLE_TEXT + " " * 2**20)
    with pytest.raises(ReportError, match=r"文件太大\(1\.0 MB\),超过上限 1 MB"):
        parse_file(report, options=ReadOptions(max_mb=1))
    assert parse_file(report, options=ReadOptions(max_mb=2)).table_rows


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_unicode_with_a_byte_order_mark_reads_like_utf8(tmp_path, encoding):
    """Notepad saves "Unicode" as UTF-16 with a BOM; without the BOM handling its zero bytes look binary."""
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(EXAMPLE_TEXT.encode(encoding))
    assert read_lines(path) == read_lines(EXAMPLE)


def test_a_byte_order_mark_over_broken_content_is_named(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("一、总体情况".encode("utf-16") + b"\x00\xd8")
    with pytest.raises(ReportError, match="标明是 UTF-16 编码,但内容无法按它解码"):
        read_lines(path)
