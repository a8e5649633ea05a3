"""Statistics tables as pdftotext gives them: one table spread over many lines.

`pdftotext` without -layout prints a table one cell to a line, header words wrapped ("商业企" /
"业") and the labels of merged cells wherever the page drew them, often after their numbers.
With -layout each row's numbers stand on one line, but labels wrap onto the lines around it and
"三、本年度办理结果" runs down one character a line. Labels cannot be trusted there; the template
can: 表三 has a fixed list of rows and 表四 one row of 15 numbers. So a stretch of table text is
read by the template when its numbers fill every cell, or when it has one line of numbers per
template row whose words agree with that row, and each full row's 总计 holds. Otherwise its lines
are joined and read by their labels (index.flat_template2019; the legacy 统计表 always so, by
index.flat_legacy), which must account for the whole stretch; and otherwise the table is not imported, with one warning, and its text is dropped so
that its words do not become the narrative's headings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from index.flat_legacy import legacy_table
from index.flat_split import Context, Flat, Row, row_cells, table_line
from index.flat_template2019 import (REQUEST_COLUMNS, REVIEW_COLUMNS, active_table, request_table, review_table,
                                     template_header)
from index.layout import is_table_line, squeeze
from index.parse_legacy_table import UNITS
from index.parse_template2019 import ACTIVE_TABLE, REQUEST_TABLE, REQUESTS, REVIEW_TABLE, REVIEWS
from index.report import STATS_TABLE

_RESULTS = "三、本年度办理结果"
_WITHHELD = ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
             "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")
_UNAVAILABLE = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
_NOT_HANDLED = ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                "5.要求行政机关确认或重新出具已获取信息")
_OTHER_2021 = ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
               "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")


def _request_rows(other: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Row paths of 表三, with (六)其他处理 as one row (2019) or three (2021)."""
    return (("一、本年新收政府信息公开申请数量",), ("二、上年结转政府信息公开申请数量",),
            (_RESULTS, "(一)予以公开"), (_RESULTS, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
            *((_RESULTS, "(三)不予公开", leaf) for leaf in _WITHHELD),
            *((_RESULTS, "(四)无法提供", leaf) for leaf in _UNAVAILABLE),
            *((_RESULTS, "(五)不予处理", leaf) for leaf in _NOT_HANDLED),
            *other, (_RESULTS, "(七)总计"), ("四、结转下年度继续办理",))


TEMPLATE_REQUEST_ROWS = (_request_rows(((_RESULTS, "(六)其他处理"),)),
                         _request_rows(tuple((_RESULTS, "(六)其他处理", leaf) for leaf in _OTHER_2021)))

_VALUE = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?|[—–]+")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*\d{1,3}\s*-|第\s*\d{1,3}\s*页(?:\s*[,,/]?\s*共\s*\d{1,3}\s*页)?)\s*$")
_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.]")
_ROW_NUMBER = re.compile(r"(?<=\d)、")
_NUMBERED = re.compile(r"^(\d+)\.")
_REQUEST_ROW_WORDS = ("本年新收", "上年结转", "申请数量", "本年度", "办理结果", "予以公开", "部分公开", "不予公开",
                      "无法提供", "不予处理", "其他处理", "总计", "结转下年度")
_SIGNOFF = ("单位负责人", "审核人", "填报人", "联系电话", "填报日期")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’()\[\],:;、。]")
_MIN_LINES = 3  # a table on fewer lines is run-together text: index.flat_template2019 reads it


def _kind_at(line: str) -> str | None:
    """The table a line opens: 表二 at "第二十条第(一)项", 表三 at its header, 表四 at "行政复议 行政诉讼"."""
    words = squeeze(line)
    if words.startswith("第二十条第("):
        return ACTIVE_TABLE
    if words.startswith(("指标名称", "统计指标")) or words == "指标":
        return STATS_TABLE
    if "申请人情况" in words or words.startswith("(本列数据"):
        return REQUEST_TABLE
    if words == "行政复议" or words.startswith("行政复议行政诉讼"):
        return REVIEW_TABLE
    return None


def _ends_stretch(kind: str, line: str) -> bool:
    """A line that is no part of a table of `kind`: a section heading (in 表三 other than its own
    numbered rows and the lone "三、" of its vertical label), a sentence, the sign-off, another table."""
    words = squeeze(line)
    if is_table_line(line) or "。" in words or words.startswith(_SIGNOFF):
        return True
    other = _kind_at(line)
    if other is not None and other != kind:
        return True
    heading = _HEADING.match(words)
    if not heading or kind == STATS_TABLE:  # the legacy table's rows are numbered like headings
        return False
    own_row = len(words) <= heading.end() + 1 or any(word in words for word in _REQUEST_ROW_WORDS)
    return not (kind == REQUEST_TABLE and own_row)


@dataclass
class _Stretch:
    """Lines of one table's text (page numbers dropped) and where they start in the file."""

    kind: str
    first: int  # index of the first line in the lines given
    end: int  # index after the last line
    lines: list[tuple[int, str]]  # (1-based line, text) of the non-blank lines

    def tokens(self) -> list[tuple[int, str]]:
        return [(number, token) for number, text in self.lines for token in text.split()]


def _stretches(lines: list[str]) -> list[_Stretch]:
    found: list[_Stretch] = []
    index = 0
    while index < len(lines):
        kind = None if is_table_line(lines[index]) else _kind_at(lines[index])
        if kind is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not _ends_stretch(kind, lines[end]):
            end += 1
        kept = [(i + 1, lines[i].strip()) for i in range(index, end)
                if lines[i].strip() and not _PAGE_NUMBER.match(lines[i])]
        if len(kept) >= _MIN_LINES:
            found.append(_Stretch(kind, index, end, kept))
        index = end
    return found


# --- 表三 by its template ---------------------------------------------------------------------

def _values(tokens: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(number, token) for number, token in tokens if _VALUE.fullmatch(token)]


def _cell(token: str) -> str:
    return "" if token.strip("—–") == "" else token


def _adds_up(values: list[str]) -> bool:
    """The row's 总计 is the sum of its other cells (blank counting as none)."""
    numbers = [Decimal(v) if v else Decimal(0) for v in values]
    return sum(numbers[:-1]) == numbers[-1]


def _full_grid(stretch: _Stretch, width: int, paths: tuple[tuple[str, ...], ...]) -> list[Row] | None:
    """Every cell printed: the numbers, read in order, fill the template's rows exactly."""
    values = _values(stretch.tokens())
    if len(values) != width * len(paths):
        return None
    rows = []
    for start, path in zip(range(0, len(values), width), paths):
        cells = [_cell(token) for _, token in values[start:start + width]]
        if not _adds_up(cells):
            return None
        rows.append(Row(list(path), "", " ".join(t for _, t in values[start:start + width]), values[start][0],
                        width, candidates=[tuple(cells)]))
    return rows


def _agrees(words: str, path: tuple[str, ...]) -> bool:
    """The label words printed on a row's line fit the template row: some ending of them (the
    row's own label; the start of the line may hold a wrapped outer label) is part of its path."""
    words = _ROW_NUMBER.sub(".", squeeze(words))
    whole = _ROW_NUMBER.sub(".", "".join(path))
    if not words:
        return True
    return any(words[-size:] in whole for size in range(min(len(words), 2), len(words) + 1))


def _line_grid(stretch: _Stretch, width: int, paths: tuple[tuple[str, ...], ...]) -> list[Row] | None:
    """One line of numbers per template row, each line's words agreeing with its row; a line with
    fewer numbers than columns lost its blank cells, and where they were is unknown."""
    lines = []
    for number, text in stretch.lines:
        tokens = text.split()
        values = [t for t in tokens if _VALUE.fullmatch(t)]
        if values and tokens[-len(values):] == values:
            lines.append((number, " ".join(tokens[:-len(values)]), values))
        elif values:
            return None
    if len(lines) != len(paths) or not all(_agrees(words, path) for (_, words, _), path in zip(lines, paths)):
        return None
    rows = []
    for (number, _, values), path in zip(lines, paths):
        row = Row(list(path), "", " ".join(values), number, width)
        cells = [_cell(v) for v in values]
        if len(values) != width:
            row.reason = f"印有 {len(values)} 个数值,与 {width} 列对不上"
        elif not _adds_up(cells):
            row.reason = "各列之和与总计不符"
        else:
            row.candidates = [tuple(cells)]
        rows.append(row)
    return rows


def _comma_numbered(text: str, paths: tuple[tuple[str, ...], ...]) -> set[tuple[str, ...]]:
    """Parents whose rows the report numbers "1、" rather than "1.": those with a row's label
    printed whole that way (a wrapped label of a sibling may not be)."""
    return {path[:-1] for path in paths if _NUMBERED.sub(r"\1、", path[-1]) in text.replace(" ", "")
            and _NUMBERED.match(path[-1])}


def _labels(path: tuple[str, ...], comma: set[tuple[str, ...]]) -> list[str]:
    leaf = _NUMBERED.sub(r"\1、", path[-1]) if path[:-1] in comma else path[-1]
    return [*path[:-1], leaf, *[leaf] * (2 - len(path[:-1]))]


def _request_grid(stretch: _Stretch, context: Context) -> list[str] | None:
    for paths in TEMPLATE_REQUEST_ROWS:
        rows = _full_grid(stretch, REQUEST_COLUMNS, paths) or _line_grid(stretch, REQUEST_COLUMNS, paths)
        if rows is None:
            continue
        text = "".join(token for _, token in stretch.tokens() if not _VALUE.fullmatch(token))
        comma = _comma_numbered(text, paths)
        lines = template_header(REQUESTS.template_columns, 3)
        for row in rows:
            cells = row_cells(row, context.warnings, context.source, "PDF 文字")
            lines.append(table_line([*_labels(tuple(row.path), comma), *cells]))
        return lines
    return None


def _review_grid(stretch: _Stretch, context: Context) -> list[str] | None:
    """表四's numbers in the order printed; when they are not its 15 cells each group adding up to
    its 总计, the row is unreadable: a -layout line with blanks, or cells printed out of order."""
    values = _values(stretch.tokens())
    if not values or len(values) > REVIEW_COLUMNS:
        return None
    row = Row(["政府信息公开行政复议、行政诉讼情况"], "", " ".join(t for _, t in values), values[0][0],
              REVIEW_COLUMNS)
    cells = [_cell(t) for _, t in values]
    if len(cells) != REVIEW_COLUMNS:
        row.reason = f"印有 {len(cells)} 个数值,与 {REVIEW_COLUMNS} 列对不上"
    elif not all(_adds_up(cells[group:group + 5]) for group in range(0, REVIEW_COLUMNS, 5)):
        row.reason = "数值的顺序与各组总计对不上"
    else:
        row.candidates = [tuple(cells)]
    return [*template_header(REVIEWS.template_columns, 0),
            table_line(row_cells(row, context.warnings, context.source, "PDF 文字"))]


# --- any table by its labels, lines joined ------------------------------------------------------

_BY_LABELS: dict[str, Callable[[str, int, Context], Flat | None]] = {
    STATS_TABLE: legacy_table, ACTIVE_TABLE: active_table, REQUEST_TABLE: request_table, REVIEW_TABLE: review_table}


def _ends_with_unit(line: str) -> bool:
    """A unit cell ends the line ("条" alone, or "…申请数  条"), not a word wrapped after "人"."""
    words = line.split()
    return words[-1] in UNITS and (len(words) > 1 or line.strip() in UNITS)


def _joiner(kind: str, before: str, line: str) -> str:
    """What stood between two lines: a word wrapped between them ("商业企" / "业") is one again;
    figures follow their label with a space. A legacy row printed without figures ends with its
    unit, and the line break after it stays: its next row need not be numbered."""
    if _VALUE.match(line.split()[0]):
        return " "
    if kind == STATS_TABLE and _ends_with_unit(before):
        return "\n"
    if _WIDE.match(before[-1]) and _WIDE.match(line[0]):
        return ""
    return "\n" if kind == STATS_TABLE else " "


def _joined(stretch: _Stretch) -> tuple[str, list[int]]:
    """The stretch's lines as run-together text, and where each line starts in it."""
    text, offsets = "", []
    for _, line in stretch.lines:
        if text:
            text += _joiner(stretch.kind, text, line)
        offsets.append(len(text))
        text += line
    return text, offsets


def _by_labels(stretch: _Stretch, context: Context) -> list[str] | None:
    """The joined lines read by their labels, kept only when the table is all the stretch holds."""
    text, offsets = _joined(stretch)
    trial = Context(context.source, [], offsets, [number for number, _ in stretch.lines])
    table = _BY_LABELS[stretch.kind](text, 0, trial)
    if table is None or text[:table.start].strip() or text[table.end:].strip():
        return None
    context.warnings.extend(trial.warnings)
    return table.lines


def _rebuilt(stretch: _Stretch, context: Context) -> list[str] | None:
    if stretch.kind == REQUEST_TABLE:
        return _request_grid(stretch, context) or _by_labels(stretch, context)
    if stretch.kind == REVIEW_TABLE:
        return _by_labels(stretch, context) or _review_grid(stretch, context)
    return _by_labels(stretch, context)


def restore_pdf_tables(lines: list[str], warnings: list[str], source: str) -> list[str]:
    """Lines with each template table that pdftotext spread over many lines written as table
    rows, or dropped with a warning; the lines after keep their numbers (blank lines pad)."""
    out: list[str] = []
    done = 0
    for stretch in _stretches(lines):
        context = Context(source, warnings, [], [])
        rebuilt = _rebuilt(stretch, context)
        if rebuilt is None:
            warnings.append(f"{source}:{stretch.lines[0][0]}: 统计表《{stretch.kind}》的文字分散在多行,"
                            f"无法按模板还原,未导入该表")
            rebuilt = []
        size = stretch.end - stretch.first
        out += lines[done:stretch.first] + rebuilt + [""] * max(0, size - len(rebuilt))
        done = stretch.end
    return out + lines[done:]
