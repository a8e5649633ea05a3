"""`python -m index add/list` through real subprocesses: re-adding replaces, bad files leave the index intact."""
from __future__ import annotations

from conftest import EXAMPLE, run_cli


def _counts(data_dir):
    listing = run_cli(["-m", "index", "list"], data_dir)
    assert listing.returncode == 0, listing.stderr
    rows = [line.split("\t") for line in listing.stdout.strip().splitlines()[1:]]
    return {r[0]: r for r in rows}


def test_add_twice_replaces_and_list_counts(cli_data_dir, components):
    before = _counts(cli_data_dir)["xizhu-2018"]
    again = run_cli(["-m", "index", "add", str(EXAMPLE)], cli_data_dir)
    assert again.returncode == 0 and "已导入 xizhu-2018" in again.stdout
    after = _counts(cli_data_dir)["xizhu-2018"]
    assert after == before
    assert after[1:5] == ["西翥街道办事处", "街道", "西翥街道", "2018"]
    assert after[5:8] == ["14", "65", "86"] and after[8] == "可检索"


def test_bad_file_is_named_and_the_index_is_intact(cli_data_dir, tmp_path):
    before = _counts(cli_data_dir)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run_cli(["-m", "index", "add", str(empty)], cli_data_dir)
    assert result.returncode == 1
    assert str(empty) in result.stderr and "文件为空" in result.stderr
    assert "Traceback" not in result.stderr
    assert _counts(cli_data_dir) == before


def test_vector_store_has_no_duplicates_after_re_add(fresh_components):
    fresh_components.ingestor.add_file(EXAMPLE)
    first = fresh_components.vectors.count("xizhu-2018")
    fresh_components.ingestor.add_file(EXAMPLE)
    assert fresh_components.vectors.count("xizhu-2018") == first == 28  # the narrative; table rows by lookup
    assert len(fresh_components.reports.chunks()) == 86
    assert len(fresh_components.reports.indicators("xizhu-2018")) == 65


def test_show_prints_what_was_parsed(cli_data_dir, components):
    shown = run_cli(["-m", "index", "show", "xizhu-2018"], cli_data_dir)
    assert shown.returncode == 0, shown.stderr
    assert "单位: 西翥街道办事处" in shown.stdout and "年度: 2018" in shown.stdout
    assert "一、总体公开情况说明" in shown.stdout
    assert "一、主动公开情况 > (二)通过不同渠道和方式公开政府信息的情况 > 3.政务微博公开政府信息数 | 条 | 690" in shown.stdout
    assert "未填报" in shown.stdout
    missing = run_cli(["-m", "index", "show", "no-such-report"], cli_data_dir)
    assert missing.returncode == 1 and "没有编号为 no-such-report 的报告" in missing.stderr
