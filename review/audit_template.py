"""The 2019+ template's own rules: its arithmetic (index.table_rules), cells it needs filled, the version of the
template the report's year calls for, and the six sections in their order (with the 信息处理费 statement from 2021)."""
from __future__ import annotations

import re

from assistant.answer import row_citation, section_citation
from assistant.claims import number_text
from index.parse_narrative import INTRO_HEADING
from index.parse_template2019 import ACTIVE_TABLE, REQUEST_TABLE, REVIEW_TABLE
from index.report import Report, TableRow
from index.table_rules import BALANCE, RuleCheck, check_tables
from review.findings import MISMATCH, NEEDS_REVIEW, Finding

FIRST_VERSION = ("本年新制作数量", "本年新公开数量", "对外公开总数量")  # 2019 first version: reports of 2019–2020
SECOND_VERSION = ("本年制发件数", "本年废止件数", "现行有效件数")  # 国办公开办函〔2021〕30号: reports of 2021 on
SECOND_VERSION_FROM = 2021
# The six sections as the template orders them, each recognised by words its heading must have.
SECTIONS = (
    ("一、总体情况", ("总体情况",)),
    ("二、主动公开政府信息情况", ("主动公开",)),
    ("三、收到和处理政府信息公开申请情况", ("申请",)),
    ("四、政府信息公开行政复议、行政诉讼情况", ("复议", "诉讼")),
    ("五、存在的主要问题及改进情况", ("问题",)),
    ("六、其他需要报告的事项", ("其他需要报告",)),
)
_FEE = re.compile(r"信息处理费")
MAX_LISTED = 6  # blank cells named in one finding's explanation


def template_findings(report: Report) -> list[Finding]:
    checks = check_tables(report)
    blank_totals = {id(check.total[0]) for check in checks if check.holds is None and _blank_total(check)}
    return [*_rule_findings(report, checks), *_blank_cells(report, blank_totals), *_version(report),
            *_sections(report)]


def _cite(report: Report, cells: list[TableRow]) -> list:
    return [row_citation(report.report_id, c) for c in cells]


def _rule_findings(report: Report, checks: list[RuleCheck]) -> list[Finding]:
    """表三's balance that fails, and a total left blank while the cells it totals are filled. A filled 总计
    that is not the sum of its parts is reported by audit_table, as for every wide table."""
    findings = []
    for check in checks:
        if check.holds is False and check.rule.endswith(BALANCE):
            findings.append(Finding("table_rule", MISMATCH, f"统计表不符合勾稽关系“{check.rule}”:{check.detail}。",
                                    _cite(report, check.total + check.parts)))
        elif check.holds is None and _blank_total(check):
            total, parts = check.total[0], [c for c in check.parts if c.value is not None]
            summed = number_text(sum(c.value for c in parts))
            findings.append(Finding("blank_cell", MISMATCH,
                                    f"统计表“{total.citation_label()}”未填报,而它所合计的各栏合计 {summed} {total.unit}。",
                                    _cite(report, [total, *parts])))
    return findings


def _blank_total(check: RuleCheck) -> bool:
    return (len(check.total) == 1 and check.total[0] is not None and check.total[0].value is None
            and any(c is not None and c.value for c in check.parts))


def blank_template_cells(report: Report) -> list[TableRow]:
    """Cells of 表三 and 表四 left blank: the template asks for a number in each (0 where nothing happened)."""
    return [r for r in report.table_rows if r.table in (REQUEST_TABLE, REVIEW_TABLE) and r.columns
            and r.value is None and not r.is_unreadable]


def _blank_cells(report: Report, reported: set[int]) -> list[Finding]:
    """The blank cells not already reported as a blank total, one finding per table."""
    findings = []
    for table in (REQUEST_TABLE, REVIEW_TABLE):
        blank = [c for c in blank_template_cells(report) if c.table == table and id(c) not in reported]
        if not blank:
            continue
        named = "、".join(f"“{c.citation_label()}”" for c in blank[:MAX_LISTED])
        more = f"等 {len(blank)} 格" if len(blank) > MAX_LISTED else ""
        findings.append(Finding("blank_cell", NEEDS_REVIEW,
                                f"统计表《{table}》{named}{more}未填报;模板要求每格填写数字,没有发生的填 0。",
                                _cite(report, blank)))
    return findings


def _version(report: Report) -> list[Finding]:
    """A 2021+ report on the first version's 表二 columns, or a 2019–2020 report on the second version's."""
    if report.year is None:
        return []
    cells = [r for r in report.table_rows if r.table == ACTIVE_TABLE and r.columns]
    columns = {r.columns[-1] for r in cells}
    wanted, wrong = ((SECOND_VERSION, FIRST_VERSION) if report.year >= SECOND_VERSION_FROM
                     else (FIRST_VERSION, SECOND_VERSION))
    used = [c for c in wrong if c in columns]
    if not used:
        return []
    shown = [next(r for r in cells if r.columns[-1] == c) for c in used]
    return [Finding("template_version", MISMATCH,
                    f"{report.year}年度报告的《{ACTIVE_TABLE}》用了“{'、'.join(used)}”栏,"
                    f"该年度应使用“{'、'.join(wanted)}”栏的模板。", _cite(report, shown))]


def _sections(report: Report) -> list[Finding]:
    """The six sections present and in the template's order; from 2021, 六 states the 信息处理费 charged."""
    numbered = [s for s in report.sections if s.number]
    places = []
    findings = []
    for expected, words in SECTIONS:
        place = next((n for n, s in enumerate(numbered) if all(w in s.title for w in words)), None)
        if place is None:
            findings.append(Finding("sections", MISMATCH, f"报告缺少模板规定的“{expected}”一节。",
                                    [section_citation(report.report_id, INTRO_HEADING, report.title, report)]))
        else:
            places.append((place, expected))
    out_of_order = [(p, e) for (p, e), (q, _) in zip(places[1:], places) if p < q]
    for place, expected in out_of_order:
        heading = numbered[place].heading
        findings.append(Finding("sections", NEEDS_REVIEW, f"“{heading}”的位置与模板顺序(“{expected}”)不一致。",
                                [section_citation(report.report_id, heading, heading, report)]))
    other = next((numbered[p] for p, e in places if e.startswith("六")), None)
    if other is not None and report.year and report.year >= SECOND_VERSION_FROM and not _FEE.search(other.text):
        quote = other.text.strip() or other.heading
        findings.append(Finding("sections", NEEDS_REVIEW,
                                f"“{other.heading}”没有说明本年度收取信息处理费的情况(2021年起的报告须写明)。",
                                [section_citation(report.report_id, other.heading, quote, report)]))
    return findings
