"""Unit, level, region and year as real reports print them, and narrative that lost its line breaks."""
from __future__ import annotations

import pytest

from index.metadata import classify_unit, parse_title
from index.parsing import parse_report

BODY = ["一、总体情况", "2023年,我区持续推进政务公开。", "二、主动公开政府信息情况", "全年主动公开信息1200条。"]


def parse(lines: list[str]):
    return parse_report(lines, "r.txt", "r")


@pytest.mark.parametrize("title, unit, year", [
    ("青岚区人民政府2023年政府信息公开工作年度报告", "青岚区人民政府", 2023),
    ("2023年青岚区人民政府政府信息公开工作年度报告", "青岚区人民政府", 2023),
    ("2023年青岚区人民政府信息公开工作年度报告", "青岚区人民政府", 2023),
    ("青岚区2023年度政府信息公开工作年度报告", "青岚区", 2023),
    ("青岚县人民政府关于2023年政府信息公开工作年度报告", "青岚县人民政府", 2023),
    ("二〇二三年青岚镇政府信息公开工作年度报告", "青岚镇", 2023),
    ("青岚区 2023 年政府信息公开工作年度报告", "青岚区", 2023),
])
def test_title_forms(title, unit, year):
    assert parse_title(title) == (unit, year)


@pytest.mark.parametrize("unit, level, region", [
    ("青岚区人民政府", "区县", "青岚区"),
    ("淮安市人民政府", "市", "淮安市"),
    ("云南省人民政府", "省", "云南省"),
    ("西翥街道办事处", "街道", "西翥街道"),
    ("沙朗镇人民政府", "乡镇", "沙朗镇"),
    ("昆明市教育局", "部门", "昆明市"),
    ("上海市人民政府办公厅", "部门", "上海市"),
    ("平潭综合实验区", "区县", "平潭综合实验区"),
])
def test_levels(unit, level, region):
    assert classify_unit(unit) == (level, region)


def test_title_split_over_lines_with_a_spaced_year():
    report = parse(["青岚区人民政府", "2023 年政府信息公开工作年度报告", *BODY])
    assert (report.title, report.unit, report.year, report.level) == (
        "青岚区人民政府2023年政府信息公开工作年度报告", "青岚区人民政府", 2023, "区县")
    assert [s.heading for s in report.sections] == ["一、总体情况", "二、主动公开政府信息情况"]


def test_letterhead_above_the_title_is_not_the_unit():
    report = parse(["青岚区人民政府文件", "青政办〔2024〕3号", "青岚区人民政府", "2023年政府信息公开工作年度报告", *BODY])
    assert (report.unit, report.year) == ("青岚区人民政府", 2023)


def test_page_header_lines_are_dropped_and_the_body_title_wins():
    report = parse(["标题: 青岚县人民政府2023年政府信息公开工作年度报告", "发布时间: 2024-01-20 09:00",
                    "原文链接: https://example.gov.cn/a.htm", "当前位置: 首页 > 政务公开 > 年报",
                    "青岚县人民政府2023年政府信息公开工作年度报告", *BODY, "附件下载"])
    assert (report.unit, report.year, report.level) == ("青岚县人民政府", 2023, "区县")
    assert "附件下载" not in report.sections[-1].text and "原文链接" not in report.intro


def test_the_page_header_title_stands_in_when_the_body_has_none():
    report = parse(["标题: 青岚县人民政府2023年政府信息公开工作年度报告", "发布时间: 2024-01-20", *BODY])
    assert (report.unit, report.year) == ("青岚县人民政府", 2023)


def test_unit_and_year_from_the_first_paragraph_when_the_title_lacks_them():
    report = parse(["政府信息公开工作年度报告",
                    "本报告由青岚区人民政府办公室根据《中华人民共和国政府信息公开条例》编制。"
                    "报告所列统计期限自 2023 年 1 月 1 日至 2023 年 12 月 31 日。", *BODY])
    assert (report.unit, report.year, report.region) == ("青岚区人民政府", 2023, "青岚区")


def test_one_line_page_text_is_cut_at_headings_and_sub_items():
    text = ("青岚区2015年度政府信息公开工作年度报告 根据《条例》要求编制本报告。本报告所列数据的统计期限自2015年1月1日起。"
            "一、 概述2015年,我区不断深化公开内容,取得了一定成效。主要做法如下:(一)加强组织领导一是高度重视。二是健全组织。"
            + "各单位明确专人报送信息。" * 20 +
            "二、主动公开政府信息情况(一)主动公开政府信息的数量2015年主动公开政府信息2949条。(二)主动公开的形式门户网站。"
            "三、政府信息依申请公开工作情况 2015年全区未收到政府信息公开申请。")
    report = parse([text])
    assert (report.unit, report.year) == ("青岚区", 2015)
    assert report.intro.startswith("根据《条例》要求编制本报告")
    assert [s.heading for s in report.sections] == ["一、概述", "二、主动公开政府信息情况", "三、政府信息依申请公开工作情况"]
    assert report.sections[0].text.startswith("2015年,我区不断深化公开内容")
    assert report.sections[1].text.split("\n")[:2] == ["(一)主动公开政府信息的数量2015年主动公开政府信息2949条。",
                                                       "(二)主动公开的形式门户网站。"]
    assert report.sections[2].text == "2015年全区未收到政府信息公开申请。"
