"""The audit of 2019+ template reports: the tables' own rules, blank cells, the narrative's set phrases against the
tables, the template version a year calls for and the six sections. The published Shanghai 2019 report has real
errors; the Huaian 2024 report is consistent and must raise none."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from index.ingest import parse_file
from review.audit import audit_report

REAL = ROOT / "tests" / "data" / "real"
QINGLAN = ROOT / "tests" / "data" / "multi" / "qinglan-2021.txt"


@pytest.fixture(scope="module")
def shanghai():
    return audit_report(parse_file(REAL / "shanghai-bgt-2019.html"))


def explanations(findings, kind):
    return [f.explanation for f in findings if f.kind == kind]


def test_consistent_published_report_has_no_findings():
    assert audit_report(parse_file(REAL / "huaian-2024.pdf")) == []


def test_blank_total_whose_parts_are_filled(shanghai):
    blank = [f for f in shanghai if f.kind == "blank_cell" and f.severity == "mismatch"]
    first = next(f for f in blank if f.citations[0].label == "(一)予以公开 / 总计")
    assert "272" in first.explanation and len(first.citations) == 5
    assert len(blank) == 11
    zeros = [f for f in shanghai if f.kind == "blank_cell" and f.severity == "needs_review"]
    assert len(zeros) == 2 and "没有发生的填 0" in zeros[0].explanation


def test_narrative_counts_that_differ_say_what_each_counts(shanghai):
    said = explanations(shanghai, "narrative_vs_table")
    published = next(e for e in said if "予以公开及部分公开258件" in e)
    assert "275" in published and "(一)予以公开 / 自然人" in published
    unheld = next(e for e in said if "无法提供265件" in e)
    assert "337" in unheld and "1.本机关不掌握相关政府信息" in unheld
    assert any("其他处理0件" in e and "未填报" in e for e in said)
    share = [e for e in said if "%" in e]
    assert len(share) == 1 and "33.9%" in share[0] and "32.0%" in share[0]  # 35件,占4.34% is cut, not wrong
    assert not any(word in e for e in said for word in ("859件", "805件", "规章13件", "不予处理158件"))


def test_all_upheld_while_cases_are_pending(shanghai):
    upheld = [f for f in shanghai if "均获维持" in f.explanation]
    assert [f.severity for f in upheld] == ["mismatch", "mismatch"]
    assert "行政复议 / 尚未审结" in upheld[0].explanation and "2 件" in upheld[0].explanation
    assert upheld[0].citations[0].kind == "section"


def write(tmp_path: Path, text: str, name: str = "qinglan-2021.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return audit_report(parse_file(path))


def test_balance_rule_and_a_narrative_count(tmp_path):
    text = QINGLAN.read_text(encoding="utf-8")
    assert write(tmp_path, text) == [f for f in audit_report(parse_file(QINGLAN))]
    broken = text.replace("上年结转3件", "上年结转4件")
    found = [f for f in write(tmp_path, broken) if f.kind == "narrative_vs_table"]
    assert len(found) == 1 and "上年结转4件" in found[0].explanation and "3 件" in found[0].explanation
    wrong = text.replace("| 4 | 0 | 0 | 1 | 0 | 0 | 5 |", "| 5 | 0 | 0 | 1 | 0 | 0 | 6 |")
    rules = explanations(write(tmp_path, wrong), "table_rule")
    assert rules and all("一 + 二 = 三(七)总计 + 四" in e for e in rules)


def test_wrong_template_version_for_the_year(tmp_path):
    text = QINGLAN.read_text(encoding="utf-8").replace("本年制发件数 | 本年废止件数 | 现行有效件数",
                                                      "本年新制作数量 | 本年新公开数量 | 对外公开总数量")
    found = explanations(write(tmp_path, text), "template_version")
    assert len(found) == 1 and "本年制发件数" in found[0] and "2021年度" in found[0]


def test_sections_missing_out_of_order_and_the_fee_statement(tmp_path):
    text = QINGLAN.read_text(encoding="utf-8").replace("本年度未收取信息处理费。", "无。")
    found = explanations(write(tmp_path, text), "sections")
    assert len(found) == 1 and "信息处理费" in found[0]
    lines = QINGLAN.read_text(encoding="utf-8").splitlines()
    five, six = lines.index("五、存在的主要问题及改进情况"), lines.index("六、其他需要报告的事项")
    problems, other = lines[five:six], lines[six:six + 2]
    lines[five:six + 2] = ["五、其他需要报告的事项", other[1], "六、" + problems[0][2:], *problems[1:]]
    moved = explanations(write(tmp_path, "\n".join(lines)), "sections")
    assert len(moved) == 1 and "顺序" in moved[0]


def test_a_count_that_differs_says_what_it_counts(tmp_path):
    text = QINGLAN.read_text(encoding="utf-8")
    without_carried = write(tmp_path, text.replace("办结65件", "办结62件"))
    said = explanations(without_carried, "narrative_vs_table")
    assert len(said) == 1 and "65 件" in said[0] and "上年结转" in said[0]
    office = text.replace("全年新收政府信息公开申请67件", "区政府办公室全年新收政府信息公开申请12件")
    said = explanations(write(tmp_path, office), "narrative_vs_table")
    assert len(said) == 1 and "67 件" in said[0] and "“区政府办公室”的数字" in said[0]
