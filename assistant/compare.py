"""Comparisons across reports: one indicator read from each report in scope, shown as a small
table with a citation per cell. Figures are set side by side and never added across reports; the
difference of two is stated from their two cited cells. A blank cell stays 未填报, out of any ranking
and of any difference."""
from __future__ import annotations

import re

from assistant.answer import Answer, row_citation
from assistant.claims import number_text
from assistant.corpus import Corpus
from assistant.lookup import RowMatch, lookup_rows
from assistant.query import Query
from assistant.report_figures import ReportFigure, figures_per_report

MAX_TABLE_ROWS = 10
_MOST = re.compile(r"最多|最高|排名|排行|哪个单位|哪个部门|哪家|哪一年|哪年|更多|谁|"
                   r"哪(?:个|一个|些)(?:街道|单位|部门|区|县|镇|乡|市|局|机关|政府)")
_FEWEST = re.compile(r"最少|最低|更少")


def compare_answer(query: Query, corpus: Corpus, rows: list[RowMatch]) -> Answer:
    best = {f.report_id: f for f in figures_per_report(rows, query.text)}
    if not best:
        return Answer(text="报告中未提及相关内容。所比较的报告统计表中没有找到这一指标。", found=False, question=query.text)
    fewest = bool(_FEWEST.search(query.text))
    ranking = fewest or bool(_MOST.search(query.text))
    matches = list(best.values())
    if ranking:
        filled = sorted((m for m in matches if not m.is_blank), key=lambda m: m.value, reverse=not fewest)
        matches = filled + [m for m in matches if m.is_blank]
    else:
        matches.sort(key=lambda m: (corpus.reports[m.report_id].year or 0, corpus.report_name(m.report_id)))
    shown = matches[:MAX_TABLE_ROWS]
    lines = ["| 报告 | 指标 | 数值 |", "|---|---|---|"]
    lines += [f"| {corpus.report_name(m.report_id)} | {m.label} | {m.value_text()} |"
              for m in shown]
    notes = [_summary(matches, ranking, fewest, corpus)]
    if len(matches) > len(shown):
        notes.append(f"共 {len(matches)} 份报告有这一指标,表中列出前 {len(shown)} 份。")
    absent = [rid for rid in query.report_ids if rid not in best]
    if absent:
        names = "、".join(corpus.report_name(rid) for rid in absent[:MAX_TABLE_ROWS])
        notes.append(f"{names}{'等' if len(absent) > MAX_TABLE_ROWS else ''}的统计表中没有找到这一指标。")
    return Answer(text="\n".join(lines) + "\n" + "".join(n for n in notes if n), found=True,
                  citations=[row_citation(m.report_id, row) for m in shown for row in m.rows], question=query.text)


def _summary(matches: list[ReportFigure], ranking: bool, fewest: bool, corpus: Corpus) -> str:
    filled = [m for m in matches if not m.is_blank]
    blank = len(matches) - len(filled)
    note = f"{blank} 份报告该项未填报,不计入比较。" if blank else ""
    if not filled:
        return "各报告该项均未填报。"
    if ranking:
        top = [m for m in filled if m.value == filled[0].value]
        names = "、".join(corpus.report_name(m.report_id) for m in top)
        lead = f"{'最少' if fewest else '最多'}的是{names}:{filled[0].value_text()}。"
        return lead + (_difference(*reversed(filled), corpus) if len(filled) == 2 else "") + note
    if len(filled) == 2:
        return _difference(*filled, corpus) + note
    return note


def _difference(a: ReportFigure, b: ReportFigure, corpus: Corpus) -> str:
    """"B(2 件)多于A(1 件),多 1 件": the difference of the two cited cells, in their own unit;
    cells in different units are set side by side only."""
    first, second = corpus.report_name(a.report_id), corpus.report_name(b.report_id)
    relation = "多于" if b.value > a.value else "少于" if b.value < a.value else "等于"
    said = f"{second}({b.value_text()}){relation}{first}({a.value_text()})"
    if a.unit != b.unit:
        return f"{second}为 {b.value_text()},{first}为 {a.value_text()},单位不同,不作相减。"
    gap = b.value - a.value
    if not gap:
        return said + "。"
    return f"{said},{'多' if gap > 0 else '少'} {number_text(abs(gap))} {b.unit}。"


def sum_answer(query: Query, corpus: Corpus) -> Answer:
    """"复议和诉讼一共多少件": in each report, each measure's own cited figure, and their sum only where every
    one is filled in the same unit; a measure a report's table lacks is said to be missing, never taken as 0."""
    figures = [{f.report_id: f for f in figures_per_report(lookup_rows(addend, corpus, []), addend.text)}
               for addend in query.addends]
    if not any(figures):
        return Answer(text="报告中未提及相关内容。报告统计表中没有找到这些指标。", found=False, question=query.text)
    order = sorted(query.report_ids, key=lambda rid: (corpus.reports[rid].year or 0, rid))
    lines = [_sum_line(query, corpus, rid, [found.get(rid) for found in figures]) for rid in order]
    citations = [row_citation(rid, row) for rid in order for found in figures if rid in found
                 for row in found[rid].rows]
    return Answer(text="各报告统计表分别为:\n" + "\n".join(lines), found=True, citations=citations,
                  question=query.text)


def _sum_line(query: Query, corpus: Corpus, report_id: str, figures: list[ReportFigure | None]) -> str:
    """One report's figures for the measures added, and their sum or why there is none."""
    said = [f"“{f.label}”为 {f.value_text()}" if f is not None else f"统计表中没有找到“{item}”这一项"
            for item, f in zip(_items(query), figures)]
    if any(f is None for f in figures):
        total = "缺少一项,不能相加。" if any(f is not None for f in figures) else ""
    elif any(f.is_blank for f in figures):
        total = "有一项" + ("无法识别" if any(f.is_unreadable for f in figures) else "未填报") + ",不能相加得出合计。"
    elif len({f.unit for f in figures}) > 1:
        total = "单位不同,不作相加。"
    else:
        added = " + ".join(number_text(f.value) for f in figures)
        total = f"合计 {number_text(sum(f.value for f in figures))} {figures[0].unit}({added})。"
    return f"- {corpus.report_name(report_id)}:{';'.join(said)}。{total}"


def _items(query: Query) -> list[str]:
    """What each added measure is called in the question: "复议多少件", "诉讼多少件" → 复议, 诉讼."""
    texts = [addend.text for addend in query.addends]
    shared = 0
    while shared < min(map(len, texts)) - 1 and len({t[len(t) - shared - 1] for t in texts}) == 1:
        shared += 1
    return [t[:len(t) - shared] for t in texts]
