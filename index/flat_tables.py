"""Statistics tables whose cells ran together: text saved from a government web page.

A page saved as text loses the table's cell borders and often its line breaks too: the
统计表 becomes "主动公开文件数条294981916其中:1、政府网站公开数条2949819162、…" at the end
of one long narrative line. The parsers read tables only from canonical rows ("a | b |"),
so this module finds such text, cuts it out of the narrative and writes it back as rows.

Digits that ran together are split only where the split is forced: by the number of value
columns, by spaces still standing between them, by the table's own arithmetic (表三's 总计
column and 一+二 = (七)总计+四, 表四's 总计, a legacy parent = its 其中 rows, 历年累计 ≥ 本年度)
or by a figure the narrative states for the row. A row that can still be split more than one
way keeps its cells blank, with a warning quoting its digits: a guessed number would be cited
as the report's own.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate, product
from math import prod
from typing import Callable

from index.layout import CELL_SEPARATOR, is_table_line, squeeze
from index.parse_legacy_table import UNITS, LegacyNesting
from index.parse_template2019 import REQUESTS, REVIEWS

MAX_SPLITS = 5000  # more ways than this to cut one row's digits: no rule will single one out
MAX_STEPS = 100_000  # pieces tried for one row before it is given up as having too many readings
MAX_COMBINATIONS = 20000  # rows × candidates tried against one cross-row rule
MAX_LABEL = 80

_CN = "一二三四五六七八九十"
_NUMBER = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?")  # "0074" is no number: only "0" may start with 0
_DASHES = re.compile(r"[—–]+")  # a cell printed as a dash: blank, and where it stands is certain
_TOKEN = r"(?:[+-]?\d(?:\d|\.(?=\d))*|[—–]+)"
_FRAGMENT = re.compile(_TOKEN)
_DIGITS = re.compile(rf"[ \t]*({_TOKEN}(?:[ \t]*{_TOKEN})*)")
_SPACED = re.compile(r"\S\s+\S")
_SPACE = re.compile(r"\s*")
_OWN_NUMBER = re.compile(r"\d{1,2}\s*[、.]|")
_FIRST_DIGIT = re.compile(r"\d")
_BLANKS = re.compile(r"[ \t]*")
_GLUED_NUMBER = re.compile(r"\s*[、.](?!\d)")  # digits followed by "、": the tail is the next row's number
# Where a new row's label may begin inside run-together text.
_MARKER = re.compile(rf"其中[::]?\s*(?:\d{{1,2}}\s*[、.](?!\d))?|\([{_CN}]+\)|(?<![{_CN}])[{_CN}]+、"
                     rf"|(?<!\d)\d{{1,2}}\s*[、.](?!\d)")
_LEADING_NUMBER = re.compile(r"^(?:其中[::]?)?(\d{1,2})[、.]")
_DEPTHS = (re.compile(rf"^[{_CN}]+[、.]"), re.compile(rf"^\([{_CN}]+\)"), re.compile(r"^\d+[.、]"))
_SIGNOFF = re.compile(r"\s*(单\s*位\s*负\s*责\s*人|审\s*核\s*人|填\s*报\s*人|填\s*报\s*单\s*位|联\s*系\s*电\s*话|"
                      r"填\s*报\s*日\s*期|附\s*件|备\s*注|说\s*明\s*[::])")
_UNIT = re.compile("|".join(sorted(UNITS, key=len, reverse=True)))
_HEADING_START = re.compile(rf"(?:(?<=[。;!?\s])|^)(?:[{_CN}]{{1,3}}\s*、|附表|附件)")
_SENTENCE_END = re.compile(r"[。;!?,:、\n]")


def _spaced(word: str) -> str:
    """A header word as a pattern that also matches it printed with spaces ("统 计 指 标")."""
    return r"\s*".join(map(re.escape, word))


_LEGACY_COLUMN = r"\d{4}\s*年度?|本年度?|上年度?|统计数|历年累计|累计数?|数量|数值"
_LEGACY_HEADER = re.compile(
    rf"({_spaced('指标名称')}|{_spaced('统计指标')}|{_spaced('指标')})\s*({_spaced('计量单位')}|{_spaced('单位')})"
    rf"((?:\s*(?:{_LEGACY_COLUMN}))+)")
_REQUEST_WORDS = (r"\(本列数据的勾稽关系为[^)]*\)", "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构",
                  "社会公益组织", "法律服务机构", "其他", "总计")
_REQUEST_HEADER = re.compile(rf"(?:(?:{'|'.join(_REQUEST_WORDS)})\s*)+(?=一\s*、\s*本年新收)")
_REVIEW_WORDS = ("未经复议直接起诉", "复议后起诉", "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结",
                 "总计")
_REVIEW_HEADER = re.compile(rf"(?:(?:{'|'.join(_REVIEW_WORDS)})\s*){{5,}}(?=\d)")
_ITEM = re.compile(rf"第\s*二\s*十\s*条\s*第\s*\(\s*[{_CN}]+\s*\)\s*项")
_INFO = re.compile(rf"\s*{_spaced('信息内容')}")
_ACTIVE_COLUMNS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "本年新制作数量",
                   "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "本年增减", "处理决定数量",
                   "采购项目数量", "采购总金额")
_ACTIVE_COLUMN = re.compile(rf"\s*(?:{'|'.join(sorted(_ACTIVE_COLUMNS, key=len, reverse=True))})"
                            r"(?:\s*\(\s*(?:单位\s*[::]\s*)?(?:万元|元|件|个|项|次|条)\s*\))?")
_ACTIVE_ROWS = ("行政规范性文件", "规范性文件", "规章", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
                "行政事业性收费", "政府集中采购")
_ACTIVE_ROW = re.compile(rf"\s*({'|'.join(_ACTIVE_ROWS)})")
_REQUEST_COLUMNS = len(REQUESTS.template_columns)
_REVIEW_COLUMNS = len(REVIEWS.template_columns)
_GENERIC = ("政府信息公开", "政府信息", "信息公开", "政府", "信息")  # shared by every label and half the narrative
_MIN_SHARED = 4


# --- cutting digits into numbers -------------------------------------------------------

Rule = Callable[[tuple[str, ...], int], bool]  # a row's values so far, and how many characters are left


def _fragments(raw: str) -> list[str]:
    """The digits as printed, cut where a space, a sign or a dash already separates two cells."""
    return _FRAGMENT.findall(raw)


def _value(piece: str) -> str | None:
    """A piece of the digits as a cell: the number, "" for a dash, None when it is neither."""
    if _NUMBER.fullmatch(piece):
        return piece
    return "" if _DASHES.fullmatch(piece) else None


def _splits(fragments: list[str], width: int, rule: Rule | None) -> list[tuple[str, ...]] | None:
    """Every way to read `fragments` as `width` cells that `rule` accepts; None when there are too
    many to matter. A cut may fall inside a run of digits, never across a space or a dash."""
    text = "".join(fragments)
    cuts = set(accumulate(len(f) for f in fragments))
    found: list[tuple[str, ...]] = []
    steps = 0

    def walk(start: int, prefix: tuple[str, ...]) -> None:
        nonlocal steps
        if len(prefix) == width:
            if start == len(text):
                found.append(prefix)
            return
        for end in range(start + 1, len(text) - (width - len(prefix) - 1) + 1):
            steps += 1
            if len(found) > MAX_SPLITS or steps > MAX_STEPS:
                return
            value = _value(text[start:end])
            whole = value is not None and (value or end in cuts)  # a dash is taken whole
            if whole and (rule is None or rule((*prefix, value), len(text) - end)):
                walk(end, (*prefix, value))
            if end in cuts:
                break

    walk(0, ())
    return None if len(found) > MAX_SPLITS or steps > MAX_STEPS else found


def _total_rule(groups: list[tuple[list[int], int]], width: int) -> Rule:
    """Each (parts, total): the value in column `total` is the sum of the columns in `parts`. The
    total has at least as many digits as its largest part, so a part may not take the room the
    total needs; this keeps long runs of digits from being tried every way."""
    def check(values: tuple[str, ...], rest: int) -> bool:
        index = len(values) - 1
        for parts, total in groups:
            terms = [values[p] for p in [*parts, total] if p <= index]
            if index == total and all(terms) and sum(Decimal(values[p]) for p in parts) != Decimal(values[total]):
                return False
            if index in parts:
                longest = max(len(values[p].split(".")[0]) for p in parts if p <= index)
                if rest < sum(p > index for p in parts) + longest + width - total - 1:
                    return False
        return True
    return check


def _running_total_rule(running: list[int]) -> Rule:
    """A running total (历年累计) is never below this year's figure, the first column."""
    def check(values: tuple[str, ...], rest: int) -> bool:
        return not (len(values) - 1 in running and values[0] and values[-1]
                    and Decimal(values[-1]) < Decimal(values[0]))
    return check


# --- rows and the rules between them ---------------------------------------------------

@dataclass(eq=False)
class _Row:
    """One printed row: its label path, unit and the digits printed after it."""

    path: list[str]
    unit: str
    raw: str  # digits as printed; "" when the row has no figures at all
    line: int  # 1-based source line, for the warning
    width: int
    candidates: list[tuple[str, ...]] = field(default_factory=list)
    reason: str = ""  # why the row cannot be read, when it cannot

    @property
    def label(self) -> str:
        return self.path[-1]

    @property
    def printed(self) -> bool:
        return bool(self.raw)


def _read_table(rows: list[_Row], rule: Rule | None) -> None:
    """Candidates for every row. In a table printed cell by cell (some row shows each of its numbers
    apart) a number is never cut: a row with fewer numbers than columns lost a blank cell, and
    where is unknown."""
    spaced = any(_SPACED.search(row.raw) and len(_fragments(row.raw)) == row.width > 1 for row in rows)
    for row in rows:
        _read_values(row, rule, spaced)


def _read_values(row: _Row, rule: Rule | None, spaced: bool) -> None:
    """Cells printed apart are taken as they stand; digits run together must also obey the row's
    own rule, else a blank cell that vanished would shift the others."""
    if not row.printed:
        row.candidates = [("",) * row.width]
        return
    fragments = _fragments(row.raw)
    cells = [_value(f) for f in fragments]
    if len(cells) == row.width and None not in cells:
        row.candidates = [tuple(cells)]
        return
    if spaced:
        problem = f"印有 {len(cells)} 个数值,与 {row.width} 列对不上" if len(cells) != row.width else "含有无法识别的数值"
        row.reason = row.reason or problem
        return
    found = _splits(fragments, row.width, rule)
    if found is None:
        row.reason = row.reason or f"拆分为 {row.width} 列的方法太多"
    elif not found:
        row.reason = row.reason or f"无法按本表规则拆分为 {row.width} 列"
    row.candidates = found or []


@dataclass
class _Sum:
    """Column by column, the rows in `left` add up to the rows in `right`."""

    left: list[_Row]
    right: list[_Row]

    def holds(self, values: dict[int, tuple[str, ...]]) -> bool:
        width = self.left[0].width
        for column in range(width):
            left = sum(Decimal(values[id(r)][column]) for r in self.left)
            if left != sum(Decimal(values[id(r)][column]) for r in self.right):
                return False
        return True


def _narrow(rule: _Sum) -> bool:
    """Keep only candidates that some combination satisfying the rule uses. A rule no combination
    satisfies says nothing (the report may not add up) and is left out."""
    members = list({id(r): r for r in [*rule.left, *rule.right]}.values())
    if any(not r.candidates or not all(all(values) for values in r.candidates) for r in members):
        return False  # a blank cell is no number: the rule cannot be checked
    if prod(len(r.candidates) for r in members) > MAX_COMBINATIONS:
        return False
    fits = [combo for combo in product(*(r.candidates for r in members))
            if rule.holds({id(r): values for r, values in zip(members, combo)})]
    changed = False
    for position, row in enumerate(members):
        keep = list(dict.fromkeys(combo[position] for combo in fits))
        if fits and len(keep) < len(row.candidates):
            row.candidates = keep
            changed = True
    return changed


def _resolve(rows: list[_Row], rules: list[_Sum], confirm: Callable[[_Row, tuple[str, ...]], bool] | None) -> None:
    """Apply the cross-row rules until nothing changes; then let the narrative settle one open row
    at a time, since a settled row can settle its partners through the rules."""
    while True:
        changed = False
        for rule in rules:
            changed = _narrow(rule) or changed
        if not changed and not (confirm and _confirm_one(rows, confirm)):
            return


def _confirm_one(rows: list[_Row], confirm: Callable[[_Row, tuple[str, ...]], bool]) -> bool:
    """Settle the first open row whose readings the narrative confirms exactly one of."""
    for row in rows:
        if len(row.candidates) > 1:
            stated = [values for values in row.candidates if confirm(row, values)]
            if len(stated) == 1:
                row.candidates = stated
                return True
    return False


def _cells(row: _Row, warnings: list[str], source: str) -> list[str]:
    """The row's values when exactly one reading is left; blank cells and a warning otherwise."""
    if len(row.candidates) == 1 and not row.reason:
        return list(row.candidates[0])
    reason = row.reason or f"有 {len(row.candidates)} 种拆分方法"
    warnings.append(f"{source}:{row.line}: 网页文字中的统计表行“{' / '.join(row.path)}”的数字 {row.raw!r} "
                    f"{reason},该行按未填报处理")
    return [""] * row.width


def _table_line(cells: list[str]) -> str:
    return " ".join(f"{cell} {CELL_SEPARATOR}" for cell in cells)


@dataclass
class _Flat:
    """A table found in narrative text: where its text starts and ends, and its canonical rows."""

    start: int
    end: int
    lines: list[str]


@dataclass
class _Context:
    """What a table finder reports to: the file, its warnings, and source lines for offsets."""

    source: str
    warnings: list[str]
    offsets: list[int]  # where each source line starts in the joined text
    first_line: int  # 1-based number of the first joined line

    def line_of(self, offset: int) -> int:
        return self.first_line + bisect_right(self.offsets, offset) - 1


# --- labels in run-together text --------------------------------------------------------

def _skip(text: str, position: int, pattern: re.Pattern) -> int:
    """Where the text matching `pattern` (which always matches) at `position` ends."""
    return pattern.match(text, position).end()


def _depth(label: str) -> int | None:
    """0 for "一、", 1 for "(一)", 2 for "1.", None for an unnumbered label."""
    return next((depth for depth, pattern in enumerate(_DEPTHS) if pattern.match(label)), None)


def _label_pieces(text: str) -> list[str] | None:
    """A label, or several when rows without figures ran into it ("三、依申请公开情况(一)收到申请数").
    None when it is no label: a sentence, or digits that are not its row number."""
    starts = [0] + [m.start() for m in _MARKER.finditer(text) if m.start() > 0]
    starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    starts = sorted(set(starts))
    pieces = [squeeze(text[a:b]).strip("—–") for a, b in zip(starts, [*starts[1:], len(text)])]
    pieces = [p for p in pieces if p]
    for piece in pieces:
        rest = _LEADING_NUMBER.sub("", piece)
        if len(piece) > MAX_LABEL or "。" in piece or any(ch.isdigit() for ch in rest):
            return None
    return pieces or None


def _numbering(labels: list[str], last: int) -> int:
    """The last "1." number of the current list after these labels: a numbered label sets it,
    a label of an outer level ("(二)", "三、") starts a new list, an unnumbered one leaves it
    ("1.参加…发布会总次数" / "其中:主要负责同志…" / "2.政府网站在线访谈次数")."""
    for label in labels:
        match = _LEADING_NUMBER.match(label)
        if match:
            last = int(match.group(1))
        elif _depth(label) is not None:
            last = 0
    return last


def _next_row_number(digits: str, last: int) -> str | None:
    """The tail of `digits` that numbers the next row ("…9162、政府公报" → "2"): a short number
    standing apart, else the number after `last`, else 1 for a new list; None when neither ends
    the digits."""
    fragments = _fragments(digits)
    tail = fragments[-1]
    if len(fragments) > 1 and len(tail) <= 2:
        return tail
    return next((str(n) for n in (last + 1, 1) if tail.endswith(str(n))), None)


@dataclass
class _Scanned:
    """A printed row before its digits are read."""

    labels: list[str]  # label pieces: all but the last had no figures
    unit: str
    raw: str
    offset: int  # where the figures are (or would be) printed
    broken: str = ""  # why the digits cannot be trusted


def _digits_after(text: str, position: int, last: int) -> tuple[str, int, str]:
    """(digits, end, problem) after a label. Digits glued to the next row's number give that number
    back to the next row, which then starts at the number; a number out of sequence leaves the
    row's own digits in doubt."""
    match = _DIGITS.match(text, position)
    if not match:
        return "", position, ""
    digits, end = match.group(1), match.end()
    if not _GLUED_NUMBER.match(text, end):
        return digits, end, ""
    number = _next_row_number(digits, last)
    problem = "" if number else "后接的行号与上一行的编号不连续"
    cut = len(number or digits[-1])
    return digits[:-cut].strip(), end - cut, problem


# --- legacy 统计表 -------------------------------------------------------------------------

def _unit_boundary(text: str, start: int) -> tuple[int, str, int] | None:
    """(label end, unit, after unit) of the row starting at `start`: the first unit followed by
    digits, a line break, the end, or the start of another row (a row printed without figures)."""
    for match in _UNIT.finditer(text, start):
        if match.start() - start > MAX_LABEL * 2:
            return None
        after = _skip(text, match.end(), _BLANKS)
        ends_row = after == len(text) or text[after].isdigit() or text[after] in "\n—–"
        if match.start() > start and (ends_row or _MARKER.match(text, after) or _SIGNOFF.match(text, after)):
            return match.start(), match.group(0), match.end()
    return None


def _scan_legacy(text: str, position: int) -> tuple[list[_Scanned], int]:
    """Rows "label unit digits" from `position` until something else begins: a sentence, the sign-off."""
    rows: list[_Scanned] = []
    last = 0
    while True:
        start = _skip(text, position, _SPACE)
        boundary = None if _SIGNOFF.match(text, start) else _unit_boundary(text, start)
        labels = _label_pieces(text[start:boundary[0]]) if boundary else None
        if labels is None:
            return rows, position
        last = _numbering(labels, last)
        raw, position, broken = _digits_after(text, boundary[2], last)
        rows.append(_Scanned(labels, boundary[1], raw, boundary[2], broken))


def _legacy_rows(scanned: list[_Scanned], columns: list[str], line_of: Callable[[int], int]) -> list[_Row]:
    """Rows in print order; label pieces without figures (headings) become rows of their own."""
    width = len(columns)
    rule = _running_total_rule([i for i, name in enumerate(columns) if i and "累计" in name])
    rows: list[_Row] = []
    for item in scanned:
        line = line_of(item.offset)
        rows += [_Row([label], "", "", line, width) for label in item.labels[:-1]]
        rows.append(_Row([item.labels[-1]], item.unit, item.raw, line, width, reason=item.broken))
    _read_table(rows, rule)
    return rows


def _subset_rules(rows: list[_Row]) -> list[_Sum]:
    """A parent row is the sum of its 其中 rows when they are a breakdown (two or more rows);
    one 其中 row alone is only a part ("其中:主要负责同志参加…")."""
    nesting = LegacyNesting()
    by_path: dict[tuple[str, ...], _Row] = {}
    children: dict[int, list[_Row]] = {}
    parents: dict[int, _Row] = {}
    for row in rows:
        path = tuple(nesting.parents_of(row.label))
        parent = by_path.get(path)
        if nesting.in_subset and parent is not None:
            children.setdefault(id(parent), []).append(row)
            parents[id(parent)] = parent
        by_path[(*path, row.label)] = row
    return [_Sum([parents[key]], kids) for key, kids in children.items() if len(kids) > 1]


def _stated(narrative: str, row: _Row, values: tuple[str, ...]) -> bool:
    """The narrative gives this year's figure for the row: "2015年主动公开政府信息2949条" for
    主动公开文件数, the figure with the row's unit, in a clause sharing a word with the label."""
    if not row.unit or not values[0]:
        return False
    figure = re.compile(rf"(?<![\d.]){re.escape(values[0])}\s*{re.escape(row.unit)}")
    for match in figure.finditer(narrative):
        clause = _SENTENCE_END.split(narrative[max(0, match.start() - 40):match.start()])[-1]
        if _shares_words(clause, row.label):
            return True
    return False


def _shares_words(clause: str, label: str) -> bool:
    """A common run of at least four characters, once the words every label shares are dropped."""
    for word in _GENERIC:
        clause, label = clause.replace(word, "|"), label.replace(word, "|")
    label = _LEADING_NUMBER.sub("", label.removeprefix("其中:"))
    return any(label[i:i + _MIN_SHARED] in clause for i in range(len(label) - _MIN_SHARED + 1)
               if "|" not in label[i:i + _MIN_SHARED])


def _legacy_table(text: str, position: int, context: _Context) -> _Flat | None:
    for header in _LEGACY_HEADER.finditer(text, position):
        columns = [squeeze(c) for c in re.findall(_LEGACY_COLUMN, header.group(3))]
        scanned, end = _scan_legacy(text, header.end())
        if not scanned:
            continue
        rows = _legacy_rows(scanned, columns, context.line_of)
        narrative = text[:header.start()] + "\n" + text[end:]
        _resolve(rows, _subset_rules(rows), lambda row, values: _stated(narrative, row, values))
        lines = [_table_line([squeeze(header.group(1)), squeeze(header.group(2)), *columns])]
        lines += [_table_line([row.label, row.unit, *_cells(row, context.warnings, context.source)]) for row in rows]
        return _Flat(header.start(), end, lines)
    return None


# --- the 2019 template ----------------------------------------------------------------------

def _template_header(paths: tuple[tuple[str, ...], ...], labels: int) -> list[str]:
    """Header rows as a merged header reads: each column's path downwards, the last name repeated."""
    depth = max(len(p) for p in paths)
    return [_table_line([""] * labels + [p[min(level, len(p) - 1)] for p in paths]) for level in range(depth)]


def _scan_requests(text: str, position: int) -> tuple[list[_Scanned], int]:
    """Numbered rows from 一、本年新收 to 四、结转下年度继续办理; each label runs to its digits."""
    rows: list[_Scanned] = []
    last = 0
    while not rows or "结转下年度" not in rows[-1].labels[-1]:
        start = _skip(text, position, _SPACE)
        digit = _FIRST_DIGIT.search(text, _skip(text, start, _OWN_NUMBER))
        stop = digit.start() if digit else len(text)
        labels = _label_pieces(text[start:stop]) if stop - start <= MAX_LABEL * 2 else None
        if not labels or any(_depth(label) is None or "复议" in label for label in labels):
            break
        last = _numbering(labels, last)
        raw, position, broken = _digits_after(text, stop, last)
        rows.append(_Scanned(labels, "", raw, stop, broken))
    return rows, position


def _request_rows(scanned: list[_Scanned], line_of: Callable[[int], int]) -> list[_Row]:
    """Rows with their label paths; a label without figures heads the rows below it when they are
    deeper, and is otherwise a row left blank."""
    pieces = [(label, item, i == len(item.labels) - 1) for item in scanned for i, label in enumerate(item.labels)]
    stack: list[tuple[int, str]] = []
    rows: list[_Row] = []
    for position, (label, item, own) in enumerate(pieces):
        depth = _depth(label) or 0
        while stack and stack[-1][0] >= depth:
            stack.pop()
        stack.append((depth, label))
        raw = item.raw if own else ""
        following = pieces[position + 1][0] if position + 1 < len(pieces) else ""
        if raw or (_depth(following) or 0) <= depth:
            rows.append(_Row([lbl for _, lbl in stack], "", raw, line_of(item.offset), _REQUEST_COLUMNS,
                             reason=item.broken if own else ""))
    _read_table(rows, _total_rule([(list(range(_REQUEST_COLUMNS - 1)), _REQUEST_COLUMNS - 1)], _REQUEST_COLUMNS))
    return rows


def _request_rules(rows: list[_Row]) -> list[_Sum]:
    """一 + 二 = 三(七)总计 + 四, and (七)总计 = the sum of the outcomes above it."""
    def first(test: Callable[[_Row], bool]) -> _Row | None:
        return next((r for r in rows if test(r)), None)

    new = first(lambda r: r.label.startswith("一、"))
    carried = first(lambda r: r.label.startswith("二、"))
    done = first(lambda r: r.label.startswith("(七)") or (len(r.path) == 2 and "总计" in r.label))
    carried_on = first(lambda r: r.label.startswith("四、"))
    outcomes = [r for r in rows if r.path[0].startswith("三、") and r is not done]
    rules = []
    if new and carried and done and carried_on:
        rules.append(_Sum([new, carried], [done, carried_on]))
    if done and outcomes:
        rules.append(_Sum([done], outcomes))
    return rules


def _request_table(text: str, position: int, context: _Context) -> _Flat | None:
    for header in _REQUEST_HEADER.finditer(text, position):
        words = header.group(0)
        if "自然人" not in words or "总计" not in words:
            continue
        scanned, end = _scan_requests(text, header.end())
        if not scanned:
            continue
        rows = _request_rows(scanned, context.line_of)
        _resolve(rows, _request_rules(rows), None)
        lines = _template_header(REQUESTS.template_columns, 3)
        for row in rows:
            labels = row.path + [row.path[-1]] * (3 - len(row.path))
            lines.append(_table_line([*labels[:3], *_cells(row, context.warnings, context.source)]))
        return _Flat(header.start(), end, lines)
    return None


def _review_table(text: str, position: int, context: _Context) -> _Flat | None:
    """表四: the header words, then one row of 15 numbers; each group's 总计 = its four outcomes."""
    for header in _REVIEW_HEADER.finditer(text, position):
        if "复议后起诉" not in header.group(0) and "未经复议直接起诉" not in header.group(0):
            continue
        digits = _DIGITS.match(text, header.end())
        row = _Row(["政府信息公开行政复议、行政诉讼情况"], "", digits.group(1), context.line_of(header.end()),
                   _REVIEW_COLUMNS)
        groups = [([g, g + 1, g + 2, g + 3], g + 4) for g in range(0, _REVIEW_COLUMNS, 5)]
        _read_table([row], _total_rule(groups, _REVIEW_COLUMNS))
        lines = [*_template_header(REVIEWS.template_columns, 0),
                 _table_line(_cells(row, context.warnings, context.source))]
        return _Flat(header.start(), digits.end(), lines)
    return None


@dataclass
class _ActiveItem:
    """One small table of 表二: its item of 第二十条, its columns and its rows."""

    item: str
    columns: list[str]
    rows: list[_Row]

    def lines(self, warnings: list[str], source: str) -> list[str]:
        return [_table_line([self.item] * (len(self.columns) + 1)), _table_line(["信息内容", *self.columns]),
                *(_table_line([row.label, *_cells(row, warnings, source)]) for row in self.rows)]


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
        digits = _DIGITS.match(text, label.end())
        end = digits.end() if digits else label.end()
        read.rows.append(_Row([read.item, label.group(1)], "", digits.group(1) if digits else "",
                              line_of(label.start(1)), len(read.columns)))
    return (read, end) if read.rows else None


def _active_table(text: str, position: int, context: _Context) -> _Flat | None:
    for anchor in _ITEM.finditer(text, position):
        items: list[_ActiveItem] = []
        end = anchor.start()
        while found := _active_item(text, _skip(text, end, _SPACE), context.line_of):
            items.append(found[0])
            end = found[1]
        if items:
            _read_table([row for item in items for row in item.rows], None)
            lines = [line for item in items for line in item.lines(context.warnings, context.source)]
            return _Flat(anchor.start(), end, lines)
    return None


# --- cutting tables out of the narrative ---------------------------------------------------

_FINDERS = (_legacy_table, _request_table, _review_table, _active_table)


class _Tables:
    """The tables of one text in order. Each finder's next table is kept until it is used or
    overtaken, so a long page is searched once per table, not once per table and finder."""

    def __init__(self, text: str, context: _Context) -> None:
        self.text = text
        self.context = context
        self.pending: dict[Callable, tuple[_Flat, list[str]] | None] = {}

    def next_after(self, position: int) -> _Flat | None:
        """The earliest table starting at or after `position`; only its warnings are kept."""
        for finder in _FINDERS:
            stale = finder not in self.pending or (self.pending[finder] and self.pending[finder][0].start < position)
            if stale:
                self.pending[finder] = self._find(finder, position)
        found = [kept for kept in self.pending.values() if kept is not None]
        if not found:
            return None
        table, warnings = min(found, key=lambda kept: kept[0].start)
        self.context.warnings.extend(warnings)
        return table

    def _find(self, finder: Callable, position: int) -> tuple[_Flat, list[str]] | None:
        trial = _Context(self.context.source, [], self.context.offsets, self.context.first_line)
        table = finder(self.text, position, trial)
        return (table, trial.warnings) if table else None


def _split_heading(before: str) -> tuple[str, str]:
    """The narrative before a table, and the table's heading ("七、…情况统计表") as a line of its own."""
    body = before.rstrip()
    starts = list(_HEADING_START.finditer(body))
    if starts:
        tail = body[starts[-1].start():]
        if len(tail) <= 60 and "。" not in tail and "\n" not in tail:
            return body[:starts[-1].start()], tail.strip()
    return body, ""


def _narrative_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def _restore_run(lines: list[str], first_line: int, warnings: list[str], source: str) -> list[str]:
    """Consecutive narrative lines with any flat tables in them cut out and written as rows."""
    text = "\n".join(lines)
    offsets = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    tables = _Tables(text, _Context(source, warnings, offsets, first_line))
    out: list[str] = []
    position = 0
    while table := tables.next_after(position):
        before, heading = _split_heading(text[position:table.start])
        out += _narrative_lines(before) + ([heading] if heading else []) + table.lines
        position = table.end
    return out + _narrative_lines(text[position:]) if out else lines


def restore_flat_tables(lines: list[str], warnings: list[str], source: str) -> list[str]:
    """Canonical lines with statistics tables that lost their cell separators written back as
    table rows; lines without such tables are returned as they were."""
    out: list[str] = []
    run: list[str] = []
    for number, line in enumerate(lines, start=1):
        if is_table_line(line.strip()):
            out += _restore_run(run, number - len(run), warnings, source) if run else []
            out.append(line)
            run = []
        else:
            run.append(line)
    if run:
        out += _restore_run(run, len(lines) - len(run) + 1, warnings, source)
    return out
