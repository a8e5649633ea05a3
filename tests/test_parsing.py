"""The old-format parser on the real example report and on broken inputs."""
from __future__ import annotations

import pytest

from conftest import EXAMPLE
from index.ingest import parse_file
from index.numbers import chinese_to_number, parse_number
from index.report import ReportError


@pytest.fixture(scope="module")
def report():
    return parse_file(EXAMPLE)


def row(report, label_start):
    matches = [r for r in report.table_rows if r.label.startswith(label_start)]
    assert len(matches) == 1, [r.label for r in matches]
    return matches[0]


def test_title_unit_year(report):
    assert report.report_id == "xizhu-2018"
    assert report.unit == "西翥街道办事处"
    assert report.year == 2018
    assert report.level == "街道"
    assert report.intro.startswith("根据《中华人民共和国政府信息公开条例》")


def test_fourteen_numbered_sections_in_order(report):
    numbers = [s.number for s in report.sections]
    assert numbers == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"]
    assert report.sections[0].heading == "一、总体公开情况说明"
    assert report.sections[9].title == "信息公开相关举报、复议和诉讼情况"
    assert "(二)整改措施:" in report.sections[5].text
    assert report.sections[13].text == ""  # the attachment caption belongs to the table


def test_table_rows_values_and_blanks(report):
    assert len(report.table_rows) == 65
    weibo = row(report, "3.政务微博")
    assert (weibo.unit, weibo.value) == ("条", 690)
    assert weibo.parents == ["一、主动公开情况", "(二)通过不同渠道和方式公开政府信息的情况"]
    assert row(report, "四、行政复议数量").value == 1
    assert row(report, "五、行政诉讼数量").value == 2
    assert row(report, "(三)接受培训人员数").unit == "人次"
    received = row(report, "(一)收到申请数")
    assert received.value is None and received.is_blank and received.value_text() == "未填报"
    assert row(report, "七、依申请公开信息收取的费用").unit == "万元"
    blank = [r for r in report.table_rows if r.unit and r.value is None]
    filled = [r for r in report.table_rows if r.value is not None]
    assert len(filled) == 14 and len(blank) == 44


def test_subset_rows_hang_under_the_row_above(report):
    assert row(report, "其中:主要负责同志参加新闻发布会").parents[-1] == "1.参加或举办新闻发布会总次数"
    secrets = row(report, "涉及商业秘密")
    assert secrets.parents[-1] == "4.不同意公开答复数"


def test_signoff(report):
    assert report.signoff == {"填报单位": "西翥街道办事处", "单位负责人": "张忠泽", "审核人": "李银霞",
                              "填报人": "王亚平", "联系电话": "68406611", "填报日期": "2019年1月21日"}
    assert report.warnings == []


def test_gbk_file_reads_like_utf8(tmp_path, report):
    gbk = tmp_path / "xizhu-2018.txt"
    gbk.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    again = parse_file(gbk)
    assert again.table_rows == report.table_rows and again.sections == report.sections


@pytest.mark.parametrize("content, message", [
    (b"", "文件为空"),
    (b"   \n\n", "文件为空"),
    (b"\x00\x01\x02binary\x00", "二进制"),
    ("这是一段和年度报告无关的文字。\n再来一行。".encode(), "不是可识别"),
])
def test_bad_files_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReportError) as error:
        parse_file(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(ReportError, match="无法读取"):
        parse_file(tmp_path / "nope.txt")


def test_garbled_cell_is_a_warning_not_a_zero(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("3.政务微博公开政府信息数 | 条 | 690 |",
                                                        "3.政务微博公开政府信息数 | 条 | 6９0条?? |")
    path = tmp_path / "garbled.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    weibo = [r for r in parsed.table_rows if r.label.startswith("3.政务微博")][0]
    assert weibo.value is None
    assert any("无法识别的数值" in w and "garbled.txt:" in w for w in parsed.warnings)


def test_report_without_table_warns(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").split("附表")[0]
    path = tmp_path / "notable.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    assert parsed.table_rows == [] and len(parsed.sections) == 14
    assert any("未找到统计表" in w for w in parsed.warnings)


@pytest.mark.parametrize("text, value", [("两", 2), ("十五", 15), ("一百二十", 120), ("三千零五", 3005),
                                         ("二〇一八", 2018), ("一万二千", 12000)])
def test_chinese_numerals(text, value):
    assert chinese_to_number(text) == value


def test_parse_number():
    assert parse_number("1,234") == 1234 and parse_number("0.5") == 0.5
    assert parse_number("") is None and parse_number("——") is None and parse_number("abc") is None
