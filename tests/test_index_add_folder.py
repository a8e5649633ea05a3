"""`python -m index add FOLDER`: every report file under it, sorted, recursively, with a progress bar; a folder
without one is named."""
from __future__ import annotations

from conftest import EXAMPLE, copy_example, run_cli
from index.__main__ import report_files


def test_a_folder_stands_for_the_report_files_under_it(tmp_path):
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    first = copy_example(tmp_path / "b" / "deeper", "z-2018.txt")
    second = copy_example(tmp_path / "b", "a-2018.TXT")
    (tmp_path / "b" / "notes.md").write_text("not a report")
    (tmp_path / "empty").mkdir()
    files, empty = report_files([str(tmp_path / "b"), str(EXAMPLE), str(tmp_path / "empty")])
    assert files == [str(second), str(first), str(EXAMPLE)]
    assert empty == [str(tmp_path / "empty")]


def test_a_folder_without_reports_is_named_and_nothing_is_imported(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_cli(["-m", "index", "add", str(tmp_path / "empty")], tmp_path / "data")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"错误: {tmp_path / 'empty'}: 文件夹中没有可导入的报告"
                                     f"(.txt .html .htm .pdf .docx .png .jpg .jpeg)")


def test_a_folder_is_imported_in_file_order_with_a_progress_bar(tmp_path):
    (tmp_path / "reports" / "deeper").mkdir(parents=True)
    for folder, name in [("", "a-2018.txt"), ("", "b-2018.txt"), ("deeper", "c-2018.txt")]:
        copy_example(tmp_path / "reports" / folder, name)
    result = run_cli(["-m", "index", "add", str(tmp_path / "reports")], tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["已导入 a-2018", "已导入 b-2018",
                                                                            "已导入 c-2018"]
    assert "导入报告" in result.stderr and "3/3" in result.stderr
