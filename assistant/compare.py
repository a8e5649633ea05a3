"""Comparisons across reports: one indicator read from each report in scope, shown as a small
table with a citation per cell. Figures are set side by side, never added or subtracted across
reports, and a blank cell stays 未填报 and out of any ranking."""
from __future__ import annotations

import re

from assistant.answer import Answer, row_citation
from assistant.corpus import Corpus
from assistant.lookup import RowMatch
from assistant.query import Query

MAX_TABLE_ROWS = 10
_MOST = re.compile(r"最多|最高|排名|排行|哪个单位|哪个部门|哪家|哪一年|哪年")
_FEWEST = re.compile(r"最少|最低")


def compare_answer(query: Query, corpus: Corpus, rows: list[RowMatch]) -> Answer:
    best: dict[str, RowMatch] = {}
    for match in rows:
        best.setdefault(match.report_id, match)
    if not best:
        return Answer(text="报告中未提及相关内容。所比较的报告统计表中没有找到这一指标。", found=False, question=query.text)
    fewest = bool(_FEWEST.search(query.text))
    ranking = fewest or bool(_MOST.search(query.text))
    matches = list(best.values())
    if ranking:
        filled = sorted((m for m in matches if not m.row.is_blank), key=lambda m: m.row.value, reverse=not fewest)
        matches = filled + [m for m in matches if m.row.is_blank]
    else:
        matches.sort(key=lambda m: (corpus.reports[m.report_id].year or 0, corpus.report_name(m.report_id)))
    shown = matches[:MAX_TABLE_ROWS]
    lines = ["| 报告 | 指标 | 数值 |", "|---|---|---|"]
    lines += [f"| {corpus.report_name(m.report_id)} | {m.row.citation_label()} | {m.row.value_text()} |"
              for m in shown]
    notes = [_summary(matches, ranking, fewest, corpus)]
    if len(matches) > len(shown):
        notes.append(f"共 {len(matches)} 份报告有这一指标,表中列出前 {len(shown)} 份。")
    absent = [rid for rid in query.report_ids if rid not in best]
    if absent:
        names = "、".join(corpus.report_name(rid) for rid in absent[:MAX_TABLE_ROWS])
        notes.append(f"{names}{'等' if len(absent) > MAX_TABLE_ROWS else ''}的统计表中没有找到这一指标。")
    return Answer(text="\n".join(lines) + "\n" + "".join(n for n in notes if n), found=True,
                  citations=[row_citation(m.report_id, m.row) for m in shown], question=query.text)


def _summary(matches: list[RowMatch], ranking: bool, fewest: bool, corpus: Corpus) -> str:
    filled = [m for m in matches if not m.row.is_blank]
    blank = len(matches) - len(filled)
    note = f"{blank} 份报告该项未填报,不计入比较。" if blank else ""
    if not filled:
        return "各报告该项均未填报。"
    if ranking:
        top = [m for m in filled if m.row.value == filled[0].row.value]
        names = "、".join(corpus.report_name(m.report_id) for m in top)
        return f"{'最少' if fewest else '最多'}的是{names}:{filled[0].row.value_text()}。" + note
    if len(filled) == 2:
        a, b = filled
        relation = "多于" if b.row.value > a.row.value else "少于" if b.row.value < a.row.value else "等于"
        return (f"{corpus.report_name(b.report_id)}({b.row.value_text()}){relation}"
                f"{corpus.report_name(a.report_id)}({a.row.value_text()})。" + note)
    return note
