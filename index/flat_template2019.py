"""The 2019/2021 template's three tables in run-together text, read by their labels.

表二 is a run of small tables ("第二十条第(一)项 信息内容 本年制发件数… 规章000"), 表三 numbered
rows under the 申请人情况 header, 表四 one row of 15 numbers under its header words. 表三's
总计 column and 一+二 = (七)总计+四, and 表四's 总计 per group, settle digits that ran together.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from index.flat_scan import (CN, DIGITS, FIRST_DIGIT, MAX_LABEL, OWN_NUMBER, SPACE, Scanned, digits_after,
                             label_depth, label_pieces, numbering, skip, spaced_word)
from index.flat_split import Context, Flat, Row, Sum, read_table, resolve, row_cells, table_line, total_rule
from index.layout import squeeze
from index.parse_template2019 import REQUESTS, REVIEWS

_REQUEST_WORDS = (r"\(本列数据的勾稽关系为[^)]*\)", "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构",
                  "社会公益组织", "法律服务机构", "其他", "总计")
_REQUEST_HEADER = re.compile(rf"(?:(?:{'|'.join(_REQUEST_WORDS)})\s*)+(?=一\s*、\s*本年新收)")
_REVIEW_WORDS = ("未经复议直接起诉", "复议后起诉", "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结",
                 "总计")
_REVIEW_HEADER = re.compile(rf"(?:(?:{'|'.join(_REVIEW_WORDS)})\s*){{5,}}(?=\d)")
_ITEM = re.compile(rf"第\s*二\s*十\s*条\s*第\s*\(\s*[{CN}]+\s*\)\s*项")
_INFO = re.compile(rf"\s*{spaced_word('信息内容')}")
_ACTIVE_COLUMNS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "本年新制作数量",
                   "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "本年增减", "处理决定数量",
                   "采购项目数量", "采购总金额")
_ACTIVE_COLUMN = re.compile(rf"\s*(?:{'|'.join(sorted(_ACTIVE_COLUMNS, key=len, reverse=True))})"
                            r"(?:\s*\(\s*(?:单位\s*[::]\s*)?(?:万元|元|件|个|项|次|条)\s*\))?")
_ACTIVE_ROWS = ("行政规范性文件", "规范性文件", "规章", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
                "行政事业性收费", "政府集中采购")
_ACTIVE_ROW = re.compile(rf"\s*({'|'.join(_ACTIVE_ROWS)})")
REQUEST_COLUMNS = len(REQUESTS.template_columns)
REVIEW_COLUMNS = len(REVIEWS.template_columns)


def template_header(paths: tuple[tuple[str, ...], ...], labels: int) -> list[str]:
    """Header rows as a merged header reads: each column's path downwards, the last name repeated."""
    depth = max(len(p) for p in paths)
    return [table_line([""] * labels + [p[min(level, len(p) - 1)] for p in paths]) for level in range(depth)]


def _scan_requests(text: str, position: int) -> tuple[list[Scanned], int]:
    """Numbered rows from 一、本年新收 to 四、结转下年度继续办理; each label runs to its digits."""
    rows: list[Scanned] = []
    last = 0
    while not rows or "结转下年度" not in rows[-1].labels[-1]:
        start = skip(text, position, SPACE)
        digit = FIRST_DIGIT.search(text, skip(text, start, OWN_NUMBER))
        stop = digit.start() if digit else len(text)
        labels = label_pieces(text[start:stop]) if stop - start <= MAX_LABEL * 2 else None
        if not labels or any(label_depth(label) is None or "复议" in label for label in labels):
            break
        last = numbering(labels, last)
        raw, position, broken = digits_after(text, stop, last)
        rows.append(Scanned(labels, "", raw, stop, broken))
    return rows, position


def _request_rows(scanned: list[Scanned], line_of: Callable[[int], int]) -> list[Row]:
    """Rows with their label paths; a label without figures heads the rows below it when they are
    deeper, and is otherwise a row left blank."""
    pieces = [(label, item, i == len(item.labels) - 1) for item in scanned for i, label in enumerate(item.labels)]
    stack: list[tuple[int, str]] = []
    rows: list[Row] = []
    for position, (label, item, own) in enumerate(pieces):
        depth = label_depth(label) or 0
        while stack and stack[-1][0] >= depth:
            stack.pop()
        stack.append((depth, label))
        raw = item.raw if own else ""
        following = pieces[position + 1][0] if position + 1 < len(pieces) else ""
        if raw or (label_depth(following) or 0) <= depth:
            rows.append(Row([lbl for _, lbl in stack], "", raw, line_of(item.offset), REQUEST_COLUMNS,
                             reason=item.broken if own else ""))
    read_table(rows, total_rule([(list(range(REQUEST_COLUMNS - 1)), REQUEST_COLUMNS - 1)], REQUEST_COLUMNS))
    return rows


def request_rules(rows: list[Row]) -> list[Sum]:
    """一 + 二 = 三(七)总计 + 四, and (七)总计 = the sum of the outcomes above it."""
    def first(test: Callable[[Row], bool]) -> Row | None:
        return next((r for r in rows if test(r)), None)

    new = first(lambda r: r.label.startswith("一、"))
    carried = first(lambda r: r.label.startswith("二、"))
    done = first(lambda r: r.label.startswith("(七)") or (len(r.path) == 2 and "总计" in r.label))
    carried_on = first(lambda r: r.label.startswith("四、"))
    outcomes = [r for r in rows if r.path[0].startswith("三、") and r is not done]
    rules = []
    if new and carried and done and carried_on:
        rules.append(Sum([new, carried], [done, carried_on]))
    if done and outcomes:
        rules.append(Sum([done], outcomes))
    return rules


def request_table(text: str, position: int, context: Context) -> Flat | None:
    for header in _REQUEST_HEADER.finditer(text, position):
        words = header.group(0)
        if "自然人" not in words or "总计" not in words:
            continue
        scanned, end = _scan_requests(text, header.end())
        if not scanned:
            continue
        rows = _request_rows(scanned, context.line_of)
        resolve(rows, request_rules(rows), None)
        lines = template_header(REQUESTS.template_columns, 3)
        for row in rows:
            labels = row.path + [row.path[-1]] * (3 - len(row.path))
            lines.append(table_line([*labels[:3], *row_cells(row, context.warnings, context.source)]))
        return Flat(header.start(), end, lines)
    return None


def review_table(text: str, position: int, context: Context) -> Flat | None:
    """表四: the header words, then one row of 15 numbers; each group's 总计 = its four outcomes."""
    for header in _REVIEW_HEADER.finditer(text, position):
        if "复议后起诉" not in header.group(0) and "未经复议直接起诉" not in header.group(0):
            continue
        digits = DIGITS.match(text, header.end())
        row = Row(["政府信息公开行政复议、行政诉讼情况"], "", digits.group(1), context.line_of(header.end()),
                   REVIEW_COLUMNS)
        groups = [([g, g + 1, g + 2, g + 3], g + 4) for g in range(0, REVIEW_COLUMNS, 5)]
        read_table([row], total_rule(groups, REVIEW_COLUMNS))
        lines = [*template_header(REVIEWS.template_columns, 0),
                 table_line(row_cells(row, context.warnings, context.source))]
        return Flat(header.start(), digits.end(), lines)
    return None


@dataclass
class _ActiveItem:
    """One small table of 表二: its item of 第二十条, its columns and its rows."""

    item: str
    columns: list[str]
    rows: list[Row]

    def lines(self, warnings: list[str], source: str) -> list[str]:
        return [table_line([self.item] * (len(self.columns) + 1)), table_line(["信息内容", *self.columns]),
                *(table_line([row.label, *row_cells(row, warnings, source)]) for row in self.rows)]


def _active_item(text: str, position: int, line_of: Callable[[int], int]) -> tuple[_ActiveItem, int] | None:
    """"第二十条第(一)项", "信息内容" and its columns, then the rows named by the template."""
    item = _ITEM.match(text, position)
    info = _INFO.match(text, item.end()) if item else None
    if not info:
        return None
    read = _ActiveItem(squeeze(item.group(0)), [], [])
    end = info.end()
    while column := _ACTIVE_COLUMN.match(text, end):
        read.columns.append(squeeze(column.group(0)))
        end = column.end()
    while read.columns and (label := _ACTIVE_ROW.match(text, end)):
        digits = DIGITS.match(text, label.end())
        end = digits.end() if digits else label.end()
        read.rows.append(Row([read.item, label.group(1)], "", digits.group(1) if digits else "",
                              line_of(label.start(1)), len(read.columns)))
    return (read, end) if read.rows else None


def active_table(text: str, position: int, context: Context) -> Flat | None:
    for anchor in _ITEM.finditer(text, position):
        items: list[_ActiveItem] = []
        end = anchor.start()
        while found := _active_item(text, skip(text, end, SPACE), context.line_of):
            items.append(found[0])
            end = found[1]
        if items:
            read_table([row for item in items for row in item.rows], None)
            lines = [line for item in items for line in item.lines(context.warnings, context.source)]
            return Flat(anchor.start(), end, lines)
    return None
