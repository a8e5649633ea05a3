"""The narrative of a 2019+ report against its tables. The 总体情况 restates the tables in set phrases
("受理…申请859件", "予以公开及部分公开258件", "行政复议7件…均获维持"); each phrase names the count it restates,
so a figure is compared with that count only, and a disagreement says what each side counts where the words
or the cells show it (one applicant column, one item of a group, 上年结转 included or not, one office)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import row_citation, section_citation
from assistant.claims import agrees, number_text
from index.report import Report
from review.figure_match import Placed, narrative_figures
from review.findings import MISMATCH, NEEDS_REVIEW, Finding
from review.template_cells import (LAWSUIT, REVIEW, Amount, active_cell, add, group_items, group_total,
                                   review_cells, review_total, row_cells, row_total)

_GROUPS = {"予以公开": "(一)予以公开", "部分公开": "(二)部分公开", "不予公开": "(三)不予公开",
           "无法提供": "(四)无法提供", "不予处理": "(五)不予处理", "其他处理": "(六)其他处理"}
_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结")
_OUTCOME_WORDS = (("结果维持", r"维持$"), ("结果纠正", r"纠正$|纠错$"), ("其他结果", r"其他结果$"),
                  ("尚未审结", r"未审结$"))
_ALL_UPHELD = re.compile(r"均(?:获|被|予)?维持|全部(?:获|被)?维持")
_OFFICE = re.compile(r"[\u4e00-\u9fff]{1,12}(?:办公室|办公厅|本机关)")
_CASE = re.compile(r"复议|诉讼")


@dataclass(frozen=True)
class Phrase:
    """Words before (or, failing those, after) a figure, and the count of the tables they name."""

    pattern: re.Pattern
    name: str
    amount: Callable[[Report, Placed], Amount]


def _row(label: str) -> Callable[[Report, Placed], Amount]:
    return lambda report, _: row_total(row_cells(report, label))


def _group(*words: str) -> Callable[[Report, Placed], Amount]:
    return lambda report, _: add([group_total(report, _GROUPS[w]) for w in words])


def _case(case: str) -> Callable[[Report, Placed], Amount]:
    return lambda report, _: review_total(report, case)


def _outcome(outcome: str) -> Callable[[Report, Placed], Amount]:
    def amount(report: Report, placed: Placed) -> Amount:
        case = _case_of(placed)
        return review_total(report, case, outcome) if case else Amount(None)
    return amount


def _active(item: str, columns: tuple[str, ...]) -> Callable[[Report, Placed], Amount]:
    def amount(report: Report, _: Placed) -> Amount:
        cell = active_cell(report, item, columns)
        return Amount(cell.value if cell else None, [cell] if cell else [])
    return amount


_NEW_DOCS = ("本年新公开数量", "本年制发件数")
_BOTH = "予以公开与部分公开"
PHRASES = (
    Phrase(re.compile(r"上年(?:度)?结转"), "上年结转的申请", _row("二、")),
    Phrase(re.compile(r"(?:顺延|结转)(?:到|至)?下(?:一)?年"), "结转下年度继续办理的申请", _row("四、")),
    Phrase(re.compile(r"(?:受理|新收|收到)\S*申请"), "本年新收的申请", _row("一、")),
    Phrase(re.compile(r"(?:答复|办结)\S*申请|办理结果|(?:答复|办结)$"), "本年度办理结果总计", _row("(七)总计")),
    Phrase(re.compile(r"予以公开(?:及|和|与|、)部分公开"), _BOTH, _group("予以公开", "部分公开")),
    *(Phrase(re.compile(word), word, _group(word)) for word in _GROUPS),
    Phrase(re.compile(r"行政复议$|复议案件$"), "行政复议案件总计", _case(REVIEW)),
    Phrase(re.compile(r"(?:行政)?诉讼(?:案件)?$"), "行政诉讼案件总计", _case(LAWSUIT)),
    *(Phrase(re.compile(pattern), outcome, _outcome(outcome)) for outcome, pattern in _OUTCOME_WORDS),
    Phrase(re.compile(r"(?<!部门)(?<!部门行政)行政规范性文件$"), "行政规范性文件", _active("行政规范性文件", _NEW_DOCS)),
    Phrase(re.compile(r"(?<![门府])规章$"), "规章", _active("规章", _NEW_DOCS)),
)
_DOCS_IN_FORCE = (
    (re.compile(r"废止$"), "本年废止的行政规范性文件", _active("行政规范性文件", ("本年废止件数",))),
    (re.compile(r"现行有效$"), "现行有效的行政规范性文件", _active("行政规范性文件", ("现行有效件数", "对外公开总数量"))),
)
_PUBLISHED = re.compile(r"公开|制发|发布|印发")
_NOT_TABLE = re.compile(r"刊登|刊发|解读|公报")


def narrative_findings(report: Report) -> list[Finding]:
    findings = []
    for placed in narrative_figures(report):
        phrase = _phrase(placed)
        if phrase is None:
            continue
        name, amount = phrase
        finding = _compare(report, placed, name, amount(report, placed))
        if finding is not None:
            findings.append(finding)
        if name in _GROUPS or name == _BOTH:
            findings += _share(report, placed)
    return findings + _all_upheld(report)


def _share(report: Report, placed: Placed) -> list[Finding]:
    """"予以公开…258件,占33.9%": the share must be the count's share of all requests answered ((七)总计),
    to the precision printed (4.34% for 35 of 805 is read as cut, not rounded)."""
    match = re.search(re.escape(placed.figure.text) + r"[,\uff0c]?占(?:比)?(\d+(?:\.\d+)?)%", placed.sentence)
    base = row_total(row_cells(report, "(七)总计"))
    if match is None or not base.value:
        return []
    printed = match.group(1)
    step = 10 ** -len(printed.partition(".")[2])
    share = placed.figure.value / base.value * 100
    if abs(share - float(printed)) < step:
        return []
    implied = number_text(round(float(printed) * base.value / 100))
    return [Finding("narrative_vs_table", MISMATCH,
                    f"正文“{placed.heading}”写“{match.group()}”,而 {placed.figure.text}占答复总数 "
                    f"{number_text(base.value)} 件的 {share:.{max(len(printed.partition('.')[2]), 1)}f}%;"
                    f"{printed}% 约为 {implied} 件。",
                    [section_citation(report.report_id, placed.heading, placed.sentence, report),
                     *(row_citation(report.report_id, c) for c in base.cells)])]


def _phrase(placed: Placed) -> tuple[str, Callable] | None:
    figure = placed.figure
    if figure.unit != "件":
        return None
    before, after = figure.before.strip("()() "), figure.after
    for phrase in PHRASES:
        if phrase.pattern.search(before) and _fits(phrase, placed):
            return phrase.name, phrase.amount
    if "规范性文件" in placed.sentence:
        for pattern, name, amount in _DOCS_IN_FORCE:
            if pattern.search(before):
                return name, amount
    carried_over = PHRASES[1]  # "另有72件申请…顺延到下年度答复": the words come after the figure
    if carried_over.pattern.search(after):
        return carried_over.name, carried_over.amount
    return None


def _fits(phrase: Phrase, placed: Placed) -> bool:
    """Documents are the table's only where the sentence publishes them, not where a gazette prints them."""
    if phrase.name in ("规章", "行政规范性文件"):
        clause = placed.figure.clause
        return bool(_PUBLISHED.search(placed.sentence)) and not _NOT_TABLE.search(clause)
    if phrase.name in _OUTCOMES:
        return _case_of(placed) is not None
    return True


def _case_of(placed: Placed) -> str | None:
    """Whether an outcome ("其中结果维持72件") belongs to 行政复议 or 行政诉讼: the last one named before it."""
    text = placed.figure.context + placed.figure.before
    named = _CASE.findall(text)
    if not named:
        return None
    return REVIEW if named[-1] == "复议" else LAWSUIT


def _compare(report: Report, placed: Placed, name: str, amount: Amount) -> Finding | None:
    figure = placed.figure
    said = f"正文“{placed.heading}”写“{figure.clause}”"
    quote = section_citation(report.report_id, placed.heading, placed.sentence, report)
    cited = [quote, *(row_citation(report.report_id, c) for c in amount.cells)]
    if amount.value is None:
        if not amount.cells:
            return None
        return Finding("narrative_vs_table", NEEDS_REVIEW, f"{said},统计表中{name}却未填报(空白)。", cited)
    if agrees(figure, amount.value, "件"):
        return None
    note = f"({amount.note})" if amount.note else ""
    counts = _what_it_counts(report, placed, name, amount)
    return Finding("narrative_vs_table", MISMATCH,
                   f"{said},统计表中{name}为 {number_text(amount.value)} 件{note}。{counts}", cited)


def _what_it_counts(report: Report, placed: Placed, name: str, amount: Amount) -> str:
    """What the narrative's figure may count instead, where the cells or the words show it."""
    value = placed.figure.value
    same = [c for c in amount.cells if c.value == value]
    if same:
        return f"正文的 {number_text(value)} 件与“{same[0].citation_label()}”一格相同,可能只计了这一栏。"
    for group in _GROUPS.values():
        for label, item in group_items(report, group):
            if item.value == value and any(c in amount.cells for c in item.cells):
                return f"正文的 {number_text(value)} 件等于“{label}”一项,而{name}共有各项合计。"
    carried = row_total(row_cells(report, "二、")).value
    if carried and abs(abs(amount.value - value) - carried) < 1e-9 and "结转" not in name:
        included = "未含" if value < amount.value else "另加了"
        return f"两者相差上年结转的 {number_text(carried)} 件:正文{included}上年结转。"
    office = _OFFICE.search(placed.sentence)
    if office and office.group() not in report.unit:
        return f"正文说的是“{office.group()}”的数字,统计表是{report.unit}的全部。"
    return ""


def _all_upheld(report: Report) -> list[Finding]:
    """"均获维持" while the table has cases not yet decided, corrected or otherwise ended."""
    findings = []
    for heading, text in [(s.heading, s.text) for s in report.sections]:
        for sentence in re.split(r"(?<=[。;\uff1b])", text):
            if not _ALL_UPHELD.search(sentence):
                continue
            for case, word in ((REVIEW, "复议"), (LAWSUIT, "诉讼")):
                if word not in sentence:
                    continue
                other = [c for o in _OUTCOMES[1:] for c in review_cells(report, case, o) if c.value]
                if other:
                    listed = "、".join(f"“{c.citation_label()}”{c.value_text()}" for c in other)
                    findings.append(Finding(
                        "narrative_vs_table", MISMATCH, f"正文“{heading}”称{case}“均获维持”,统计表却有{listed}。",
                        [section_citation(report.report_id, heading, sentence.strip(), report),
                         *(row_citation(report.report_id, c) for c in other)]))
    return findings
