"""The 2019+ template's own arithmetic, checked right after an import.

表三 prints its rule in its corner ("第一项加第二项之和,等于第三项加第四项之和"); its 总计
column is the sum of the applicant columns; 表四's 总计 is 维持 + 纠正 + 其他 + 尚未审结. A
table that breaks a rule was usually misread (or misprinted), so a person should look.
Blank cells take no part: a rule with a blank term is "cannot be checked", never "holds".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from index.parse_template2019 import REQUEST_TABLE, REVIEW_TABLE
from index.report import Report, TableRow

NEW, CARRIED, DONE, NEXT = "一、", "二、", "(七)总计", "四、"
_APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结")
_FIRST_RULE = (NEW, CARRIED, DONE, NEXT)
BALANCE = "一 + 二 = 三(七)总计 + 四"  # the rule 表三 prints in its corner


@dataclass
class RuleCheck:
    rule: str
    holds: bool | None  # None: a blank or missing cell, the rule cannot be checked
    detail: str
    total: list[TableRow] = field(default_factory=list)  # the cells on the rule's left side, for citing
    parts: list[TableRow] = field(default_factory=list)  # and on its right side


def _find(rows: list[TableRow], label_start: str, column: str) -> TableRow | None:
    return next((r for r in rows if r.label.startswith(label_start) and r.columns and r.columns[-1] == column), None)


def _check(rule: str, left: list[TableRow | None], right: list[TableRow | None]) -> RuleCheck:
    cells = [*left, *right]
    if any(c is None for c in cells):
        return RuleCheck(rule, None, "表中缺少相关单元格")
    a, b = sum(c.value or 0 for c in left), sum(c.value or 0 for c in right)
    if any(c.value is None for c in cells):
        return RuleCheck(rule, None, f"有单元格未填报(空白按 0 计为 {a:g} 对 {b:g})", list(left), list(right))
    return RuleCheck(rule, abs(a - b) < 1e-6, f"{a:g} 对 {b:g}", list(left), list(right))


def check_request_table(report: Report) -> list[RuleCheck]:
    rows = [r for r in report.table_rows if r.table == REQUEST_TABLE]
    if not rows:
        return []
    checks = []
    for column in (*_APPLICANTS, "总计"):
        checks.append(_check(f"{column}: {BALANCE}",
                             [_find(rows, NEW, column), _find(rows, CARRIED, column)],
                             [_find(rows, DONE, column), _find(rows, NEXT, column)]))
    # Every row's 总计 is the sum of its applicant columns: the four rows of the rule above, then each
    # 办理结果 item, so that a blank or wrong 总计 of "(一)予以公开" is caught as well.
    items = [r.label for r in rows if r.columns and r.columns[-1] == "总计" and not r.label.startswith(_FIRST_RULE)]
    for label in (NEW, CARRIED, DONE, NEXT, *items):
        total = _find(rows, label, "总计")
        name = total.label if total else label
        checks.append(_check(f"{name}: 总计 = 各类申请人之和", [total],
                             [_find(rows, label, column) for column in _APPLICANTS]))
    return checks


def check_review_table(report: Report) -> list[RuleCheck]:
    rows = [r for r in report.table_rows if r.table == REVIEW_TABLE]
    groups = sorted({tuple(r.columns[:-1]) for r in rows if r.columns})
    checks = []
    for group in groups:
        cells = {r.columns[-1]: r for r in rows if tuple(r.columns[:-1]) == group}
        checks.append(_check(f"{'/'.join(group)}: 总计 = 维持 + 纠正 + 其他 + 尚未审结", [cells.get("总计")],
                             [cells.get(o) for o in _OUTCOMES]))
    return checks


def check_tables(report: Report) -> list[RuleCheck]:
    return check_request_table(report) + check_review_table(report)
