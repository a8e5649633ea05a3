"""The review of a batch: the checks across one unit's years, the spreadsheet staff work from, and the reviewer's
marks that outlive a re-run and a re-import."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import ROOT, run_cli
from index.ingest import parse_file
from review.across_years import previous_reports, year_findings
from review.batch import review_reports
from review.marks import MarkStore
from review.sheet import HEADERS, write_csv, write_xlsx

MULTI = ROOT / "tests" / "data" / "multi"
NEW_ROW = "| 3 | 1 | 0 | 0 | 0 | 0 | 4 |"


def next_year(tmp_path: Path, source: Path, year: int, *changes: tuple[str, str]) -> Path:
    """`source` as the same unit's report of `year`: its title's year moved on, and `changes` made."""
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace(str(year - 1), str(year))
    text = "\n".join(lines)
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / f"{source.stem.rsplit('-', 1)[0]}-{year}.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def two_years(tmp_path):
    last = parse_file(MULTI / "xizhu-2019.txt")
    now = parse_file(next_year(tmp_path, MULTI / "xizhu-2019.txt", 2020, (NEW_ROW, "| 60 | 1 | 0 | 0 | 0 | 0 | 64 |")))
    return last, now


def test_carry_over_and_tenfold_jumps(two_years):
    last, now = two_years
    assert (now.unit, now.year) == (last.unit, 2020)
    assert previous_reports([last, now]) == {now.report_id: last}
    found = year_findings(now, last)
    carried = [f for f in found if f.kind == "carry_over"]
    assert [f.citations[0].label for f in carried] == ["二、上年结转政府信息公开申请数量 / 自然人",
                                                     "二、上年结转政府信息公开申请数量 / 总计"]
    assert all(f.severity == "mismatch" and f.citations[1].report == last.report_id for f in carried)
    jumps = [f for f in found if f.kind == "year_jump"]
    assert {f.citations[0].label for f in jumps} == {"一、本年新收政府信息公开申请数量 / 自然人",
                                                     "一、本年新收政府信息公开申请数量 / 总计"}
    assert "20 倍" in jumps[0].explanation


def test_documents_in_force_follow_from_last_year(tmp_path):
    last = parse_file(MULTI / "qinglan-2021.txt")
    now = parse_file(next_year(tmp_path, MULTI / "qinglan-2021.txt", 2022,
                               ("行政规范性文件 | 5 | 2 | 37 |", "行政规范性文件 | 3 | 1 | 40 |")))
    found = [f for f in year_findings(now, last) if f.kind == "docs_in_force"]
    assert len(found) == 1 and found[0].severity == "needs_review" and "应为 39 件" in found[0].explanation
    consistent = parse_file(next_year(tmp_path, MULTI / "qinglan-2021.txt", 2022,
                                      ("行政规范性文件 | 5 | 2 | 37 |", "行政规范性文件 | 3 | 1 | 39 |")))
    assert not [f for f in year_findings(consistent, last) if f.kind == "docs_in_force"]


def test_spreadsheet_rows_summary_and_marks(tmp_path, two_years):
    marks = MarkStore(tmp_path / "data")
    items = review_reports(list(two_years), marks.marks())
    assert items and len({i.fingerprint for i in items}) == len(items)
    carried = next(i for i in items if i.finding.kind == "carry_over")
    marks.mark(carried.fingerprint, "dismissed", "上年报告已更正")
    again = review_reports([parse_file(MULTI / "xizhu-2019.txt"), two_years[1]], marks.marks())
    marked = [i for i in again if i.mark]
    assert [(i.fingerprint, i.mark.decision) for i in marked] == [(carried.fingerprint, "dismissed")]

    out = tmp_path / "review.xlsx"
    write_xlsx(again, out)
    book = load_workbook(out)
    sheet = book["发现"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == len(again) + 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet.column_dimensions["F"].width >= 40
    dismissed = next(r for r in rows[1:] if r[7] == carried.fingerprint)
    assert dismissed[:5] == ("西翥街道办事处", 2020, two_years[1].report_id, "不一致", "上年结转不符")
    assert dismissed[8:] == ("已排除", "上年报告已更正") and "二、上年结转" in dismissed[6]
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[0][:3] == ("单位", "年度", "报告") and "上年结转不符" in summary[0]
    assert [r[2] for r in summary[1:]] == [two_years[1].report_id]

    write_csv(again, tmp_path / "review.csv")
    with open(tmp_path / "review.csv", encoding="utf-8-sig", newline="") as source:
        assert [r[7] for r in csv.reader(source)][1:] == [i.fingerprint for i in again]


def test_review_command_writes_the_workbook_and_keeps_marks(tmp_path, cli_data_dir):
    out = tmp_path / "review.xlsx"
    result = run_cli(["-m", "assistant", "review", "--out", str(out)], cli_data_dir)
    assert result.returncode == 0, result.stderr
    assert "审查了 1 份报告" in result.stdout
    rows = list(load_workbook(out)["发现"].iter_rows(values_only=True))[1:]
    assert rows and all(r[2] == "xizhu-2018" for r in rows)
    fingerprint = rows[0][7]
    marked = run_cli(["-m", "assistant", "review", "--mark", fingerprint, "confirmed", "--note", "已通知单位"],
                     cli_data_dir)
    assert marked.returncode == 0, marked.stderr
    assert (cli_data_dir / "review.sqlite3").exists()
    again = run_cli(["-m", "assistant", "review", "xizhu-2018", "--out", str(out)], cli_data_dir)
    assert again.returncode == 0, again.stderr
    rows = list(load_workbook(out)["发现"].iter_rows(values_only=True))[1:]
    assert [(r[8], r[9]) for r in rows if r[7] == fingerprint] == [("已确认", "已通知单位")]
    unknown = run_cli(["-m", "assistant", "review", "no-such-report"], cli_data_dir)
    assert unknown.returncode == 2 and "未知的报告" in unknown.stderr


def test_compare_years_document(tmp_path, two_years):
    from docx import Document

    from review.compare_years import write_comparison

    last, now = two_years
    out = tmp_path / "compare.docx"
    write_comparison(last, now, out)
    doc = Document(out)
    assert len(doc.tables) == 3
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in doc.tables[1].rows}
    assert rows["一、本年新收政府信息公开申请数量 > 总计"] == ["4 件", "64 件", "+60"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "上年结转不符" in text and "一、总体情况" in text and "2019年与2020年" in text
