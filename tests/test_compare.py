"""Comparisons come from indicators: a small table with one cited cell per report, figures set side
by side (never added or subtracted across reports), blank cells kept out of rankings."""
from __future__ import annotations

import pytest

from tests.test_scoping import data_dir, multi, service  # noqa: F401  (module fixtures shared)


def table_lines(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()
            if line.startswith("|") and not line.startswith("|---")][1:]


def test_one_unit_two_years(service):
    answer = service.ask("西翥街道2018年和2019年的行政复议数量对比")
    assert answer.found
    assert table_lines(answer.text) == [["西翥街道办事处2018年", "四、行政复议数量", "1 件"],
                                        ["西翥街道办事处2019年", "案件数量 / 行政复议 / 总计", "2 件"]]
    assert [(c.report, c.label) for c in answer.citations] == [
        ("xizhu-2018", "四、行政复议数量"), ("xizhu-2019", "案件数量 / 行政复议 / 总计")]
    assert all(c.row is not None and c.row.value_text() in answer.text for c in answer.citations)
    assert "西翥街道办事处2019年(2 件)多于西翥街道办事处2018年(1 件)" in answer.text
    assert "3 件" not in answer.text


@pytest.mark.parametrize("word, first, last", [("最多", "昆明市教育局2021年", "青岚区人民政府2021年"),
                                                ("最少", "青岚区人民政府2021年", "昆明市教育局2021年")])
def test_which_unit_ranks(service, word, first, last):
    answer = service.ask(f"哪个单位2021年收到的申请{word}")
    rows = table_lines(answer.text)
    assert [r[0] for r in rows] == [first, last]
    assert {r[1] for r in rows} == {"一、本年新收政府信息公开申请数量 / 总计"}
    assert f"{word}的是{first}" in answer.text
    assert [c.report for c in answer.citations] == [
        "kunming-education-2021" if first.startswith("昆明") else "qinglan-2021",
        "qinglan-2021" if first.startswith("昆明") else "kunming-education-2021"]


def test_blank_cell_is_shown_and_left_out_of_the_comparison(service):
    answer = service.ask("2021年本机关不掌握相关政府信息的科研机构申请对比")
    rows = {r[0]: r[2] for r in table_lines(answer.text)}
    assert rows == {"青岚区人民政府2021年": "未填报", "昆明市教育局2021年": "0 件"}
    assert "1 份报告该项未填报,不计入比较" in answer.text
    assert "多于" not in answer.text and "少于" not in answer.text


def test_comparison_of_something_no_table_has(service):
    answer = service.ask("西翥街道2018年和2019年修路公里数对比")
    assert not answer.found and not answer.citations
