"""Trends: one indicator over the years of one unit's reports ("西翥街道近几年收到的申请数量有什么变化").

A small table, 年度 | 数值 | 出处, one cited cell (or cited parts of a group total) per year, and a one-line
summary of the change between the first and the last year that filled the cell in. A blank year is shown
as 未填报 and left out of the change: it is not 0. The same figures go with the answer as a series for a chart,
where a blank or unreadable year is a gap.
"""
from __future__ import annotations

import re

from assistant.answer import Answer, Series, row_citation
from assistant.claims import number_text
from assistant.corpus import Corpus
from assistant.lookup import RowMatch
from assistant.query import Query
from assistant.report_figures import ReportFigure, figures_per_report

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+\.)")
_TOTAL = "总计"
_TREND = re.compile(r"历年|近几年|近年|这几年|逐年|每年|各年|趋势|变化|增减|走势|over the years|trend", re.I)


def is_trend(query: Query, corpus: Corpus) -> bool:
    """A comparison over two or more years of one unit's reports."""
    reports = [corpus.reports[rid] for rid in query.report_ids]
    return (query.compare and bool(_TREND.search(query.text))
            and len({r.unit for r in reports}) == 1
            and len({r.year for r in reports if r.year}) >= 2)


def trend_answer(query: Query, corpus: Corpus, rows: list[RowMatch]) -> Answer:
    figures = sorted(figures_per_report(rows, query.text), key=lambda f: corpus.reports[f.report_id].year or 0)
    unit = corpus.reports[query.report_ids[0]].unit
    if not figures:
        return Answer(text=f"报告中未提及相关内容。{unit}各年报告的统计表中没有找到这一指标。", found=False,
                      question=query.text)
    lines = ["| 年度 | 数值 | 出处 |", "|---|---|---|"]
    lines += [f"| {corpus.reports[f.report_id].year}年 | {f.value_text()} | {f.label} |" for f in figures]
    notes = [_change(figures, corpus)]
    for reason in ("未填报", "无法识别"):
        years = [f"{corpus.reports[f.report_id].year}年" for f in figures if f.is_blank and _gap(f) == reason]
        if years:
            notes.append(f"{'、'.join(years)}该项{reason},不计为 0,不计入变化。")
    absent = sorted(corpus.reports[rid].year or 0 for rid in query.report_ids
                    if rid not in {f.report_id for f in figures})
    if absent:
        notes.append(f"{'、'.join(f'{y}年' for y in absent)}的统计表中没有找到这一指标。")
    return Answer(text=f"{unit}各年报告统计表:\n" + "\n".join(lines) + "\n" + "".join(notes), found=True,
                  citations=[row_citation(f.report_id, row) for f in figures for row in f.rows], question=query.text,
                  series=_series(figures, absent, corpus))


def _series(figures: list[ReportFigure], absent: list[int], corpus: Corpus) -> Series | None:
    """The figures by year (a report without a year has no place on it); none when no year has a number, or
    the years count in different units."""
    figures = [f for f in figures if corpus.reports[f.report_id].year]
    filled = [f for f in figures if not f.is_blank]
    if not filled or len({f.unit for f in filled}) > 1:
        return None
    points = [(corpus.reports[f.report_id].year, f.value, _gap(f) if f.is_blank else f.value_text()) for f in figures]
    points += [(year, None, "无此项") for year in absent if year]
    return Series(min((_name(f) for f in figures), key=len), filled[0].unit, sorted(points, key=lambda p: p[0]))


def _gap(figure: ReportFigure) -> str:
    """Why a year has no number: a cell printed but unreadable, or left blank."""
    return "无法识别" if figure.is_unreadable else "未填报"


def _name(figure: ReportFigure) -> str:
    """"四、行政复议数量" → "行政复议数量"; "一、本年新收政府信息公开申请数量 / 总计" → "本年新收政府信息公开申请数量";
    a group total is named by its group."""
    if len(figure.rows) > 1:
        return figure.label.partition(" 合计")[0]
    row = figure.rows[0]
    return " / ".join(_NUMBERING.sub("", part) for part in [row.label, *row.columns] if part != _TOTAL)


def _change(figures: list[ReportFigure], corpus: Corpus) -> str:
    filled = [f for f in figures if not f.is_blank]
    if len(filled) < 2:
        return "填报了这一项的年度不足两个,看不出变化。"
    first, last = filled[0], filled[-1]
    y1, y2 = corpus.reports[first.report_id].year, corpus.reports[last.report_id].year
    if first.unit != last.unit:
        return f"{y1}年为 {first.value_text()},{y2}年为 {last.value_text()},单位不同,不作相减。"
    gap = last.value - first.value
    if not gap:
        return f"{y1}年到{y2}年没有变化,均为 {last.value_text()}。"
    return (f"从{y1}年的 {first.value_text()}到{y2}年的 {last.value_text()},"
            f"{'增加' if gap > 0 else '减少'}了 {number_text(abs(gap))} {last.unit}。")
