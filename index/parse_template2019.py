"""Tables of the 2019 national template (国办公开办函〔2019〕60号, revised 2021).

The template fixes three tables. 主动公开 is a run of small tables, one per item of
第二十条, each with its own header row (信息内容 | 本年制发件数 | …). 申请 has label
columns on the left (三、本年度办理结果 | (三)不予公开 | 1.属于国家秘密) under a two-level
column header (申请人情况 > 法人或其他组织 > 商业企业). 复议诉讼 has a three-level column
header over one row of 15 numbers. Canonical lines repeat merged cells, so a column's
path is its header cells read downwards and a row's path its label cells read
rightwards, repeats dropped. Text pasted without the repeats (ragged header rows) falls
back to the template's fixed columns, values aligned from the right.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.layout import TableBlock, squeeze
from index.numbers import is_blank_cell, parse_number
from index.report import UNSPLIT, TableRow

ACTIVE_TABLE = "主动公开政府信息情况"
REQUEST_TABLE = "收到和处理政府信息公开申请情况"
REVIEW_TABLE = "政府信息公开行政复议、行政诉讼情况"
REVIEW_LABEL = "案件数量"  # the 复议诉讼 table's single data row has no label of its own
COUNT_UNIT = "件"

_REQUEST_LEAVES = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_REVIEW_LEAVES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_ACTIVE_ROWS = ("规章", "行政规范性文件", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
                "行政事业性收费", "政府集中采购")
_REQUEST_ROW_WORDS = ("政府信息公开申请数量", "本年度办理结果", "予以公开", "部分公开", "不予公开",
                      "无法提供", "不予处理", "其他处理", "结转下年度继续办理")
_CHECKSUM_NOTE = "(本列数据"  # the 申请 table's top-left cell: "(本列数据的勾稽关系为:…)"
_DEPTHS = (
    re.compile(r"^[一二三四五六七八九十]+[、.]"),
    re.compile(r"^\([一二三四五六七八九十]+\)"),
    re.compile(r"^\d+[.、]"),
)
_UNIT_NOTE = re.compile(r"^(.*?)\((?:单位[::])?(万元|元|件|个|项|次|条)\)$")
_NUMBER_WITH_UNIT = re.compile(r"^([+-]?\d[\d,]*(?:\.\d+)?)(万元|元|件|个|项|次|条)$")


@dataclass(frozen=True)
class _Kind:
    table: str
    leaves: tuple[str, ...]  # last level of every value column's path
    groups: tuple[str, ...]  # upper levels of the column header
    template_columns: tuple[tuple[str, ...], ...]  # used when the header cannot be rebuilt
    labelled: bool  # data rows carry their own labels

    def is_header_word(self, cell: str) -> bool:
        return cell in self.leaves or cell in self.groups or cell.startswith(_CHECKSUM_NOTE)


ACTIVE = _Kind(ACTIVE_TABLE, (), (), (), labelled=True)
REQUESTS = _Kind(
    REQUEST_TABLE, _REQUEST_LEAVES, ("申请人情况", "法人或其他组织"),
    (("自然人",), *(("法人或其他组织", leaf) for leaf in _REQUEST_LEAVES[1:6]), ("总计",)),
    labelled=True,
)
REVIEWS = _Kind(
    REVIEW_TABLE, _REVIEW_LEAVES, ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"),
    (*(("行政复议", leaf) for leaf in _REVIEW_LEAVES),
     *(("行政诉讼", way, leaf) for way in ("未经复议直接起诉", "复议后起诉") for leaf in _REVIEW_LEAVES)),
    labelled=False,
)

Row = tuple[list[str], int]  # cells and source line


@dataclass
class _Columns:
    """Where a table's values sit: `width` None means values are aligned from the right."""

    width: int | None
    labels: list[int] = field(default_factory=list)  # positions of label cells
    values: list[tuple[list[int], list[str]]] = field(default_factory=list)  # positions, column path


def _kind_of(block: TableBlock) -> _Kind | None:
    cells = {squeeze(c) for row in block.rows for c in row}
    if cells & {"未经复议直接起诉", "复议后起诉"} or {"行政复议", "行政诉讼"} <= cells:
        return REVIEWS
    if "申请人情况" in cells or any(word in cell for cell in cells for word in _REQUEST_ROW_WORDS):
        return REQUESTS
    if cells & {"信息内容", *_ACTIVE_ROWS} or any(cell.startswith("第二十条") for cell in cells):
        return ACTIVE
    return None


def is_template2019_table(block: TableBlock) -> bool:
    return _kind_of(block) is not None


def parse_template2019_tables(blocks: list[TableBlock], warnings: list[str], source: str) -> list[TableRow]:
    rows: list[TableRow] = []
    for kind, table_rows in _join_continuations(blocks):
        if kind is ACTIVE:
            rows += _parse_active(table_rows, warnings, source)
        else:
            rows += _parse_grid(kind, table_rows, warnings, source)
    return rows


def _join_continuations(blocks: list[TableBlock]) -> list[tuple[_Kind, list[Row]]]:
    """A table broken by a page (PDF) goes on without its header: one table again."""
    joined: list[tuple[_Kind, list[Row]]] = []
    for block in blocks:
        kind = _kind_of(block)
        rows = list(zip(block.rows, block.lines))
        headless = not any(_is_header(kind, cells) for cells, _ in rows)
        if joined and joined[-1][0] is kind and headless:
            joined[-1][1].extend(rows)
        elif kind is not None:
            joined.append((kind, rows))
    return joined


def _dedupe(cells: list[str]) -> list[str]:
    """Merged cells come repeated; keep each run once, blanks dropped."""
    out: list[str] = []
    for cell in cells:
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out


def _depth(label: str) -> int | None:
    for depth, pattern in enumerate(_DEPTHS):
        if pattern.match(label):
            return depth
    return None


def _row_path(labels: list[str], stack: list[tuple[int, str]]) -> list[str]:
    """Row path from the row's own label cells, the missing outer ones taken from the rows above
    (a label printed once for a merged block, or lost at a page break)."""
    for label in labels:
        depth = _depth(label)
        if depth is None:
            depth = stack[-1][0] + 1 if stack else 0
        while stack and stack[-1][0] >= depth:
            stack.pop()
        stack.append((depth, label))
    return [label for _, label in stack]


def _cell_value(raw: str, unit: str, where: str, warnings: list[str]) -> tuple[float | None, str]:
    """(value, unit); a blank or dash is None (未填报), '12件' keeps its own unit, anything else
    unreadable is None with a warning rather than a guess (flat_tables already warned of an unsplit one)."""
    if is_blank_cell(raw):
        return None, unit
    value = parse_number(raw)
    if value is not None:
        return value, unit
    match = _NUMBER_WITH_UNIT.match(squeeze(raw))
    if match:
        return float(match.group(1).replace(",", "")), match.group(2)
    if not raw.endswith(UNSPLIT):
        warnings.append(f"{where}: 无法识别的数值 {raw!r},未导入数值")
    return None, unit


def _merged_value(cells: list[str], positions: list[int], where: str, warnings: list[str]) -> str:
    """A value cell merged over several columns of one header comes repeated; differing copies
    mean the columns were not one cell after all."""
    first = cells[positions[0]]
    others = {cells[p] for p in positions[1:] if not is_blank_cell(cells[p])} - {first}
    if others:
        warnings.append(f"{where}: 同一列名下的单元格数值不一致 {[cells[p] for p in positions]},取第一个")
    return first


def _is_header(kind: _Kind, cells: list[str]) -> bool:
    words = [squeeze(c) for c in cells]
    if kind is ACTIVE:
        return bool(words) and (words[0] == "信息内容" or words[0].startswith("第二十条"))
    return any(kind.is_header_word(w) for w in words) and all(parse_number(w) is None for w in words if w)


def _is_title(cells: list[str]) -> bool:
    """A caption merged across the whole table ('三、收到和处理政府信息公开申请情况')."""
    return len(set(_dedupe([squeeze(c) for c in cells]))) == 1


def _split_header(kind: _Kind, rows: list[Row]) -> tuple[list[list[str]], list[Row]]:
    header: list[list[str]] = []
    body: list[Row] = []
    for cells, line in rows:
        if body:
            if not _is_header(kind, cells):  # a header repeated on a new page carries no values
                body.append((cells, line))
        elif _is_header(kind, cells):
            header.append(cells)
        elif not any(squeeze(c) for c in cells):
            continue
        elif not header and _is_title(cells) and _depth(squeeze(cells[0])) is None:
            continue
        else:
            body.append((cells, line))
    return header, body


def _header_columns(kind: _Kind, header: list[list[str]], where: str, warnings: list[str]) -> _Columns | None:
    """Column paths from header rows of one width; None when they cannot be rebuilt."""
    widths = {len(r) for r in header}
    if len(widths) != 1:
        return None
    width = widths.pop()
    grid = [[squeeze(c) for c in r] for r in header]
    raw_paths = [_dedupe([r[c] for r in grid]) for c in range(width)]
    values = [c for c, path in enumerate(raw_paths) if path and path[-1] in kind.leaves]
    if not values:
        return None
    titles = {i for i, r in enumerate(grid) if len(values) > 1 and len({r[c] for c in values}) == 1}
    paths = [_dedupe([r[c] for i, r in enumerate(grid) if i not in titles]) for c in range(width)]
    unknown = [c for c in range(values[0], width) if c not in values and raw_paths[c]]
    if unknown:
        names = "、".join("/".join(raw_paths[c]) for c in unknown)
        warnings.append(f"{where}: 表头中有模板以外的列 {names},该列数值未导入")
    columns = _Columns(width=width, labels=list(range(values[0])))
    for c in values:
        if columns.values and columns.values[-1][1] == paths[c] and columns.values[-1][0][-1] == c - 1:
            columns.values[-1][0].append(c)
        else:
            columns.values.append(([c], paths[c]))
    return columns


def _template_columns(kind: _Kind) -> _Columns:
    return _Columns(width=None, values=[([], list(path)) for path in kind.template_columns])


def _split_row(kind: _Kind, columns: _Columns, cells: list[str], where: str,
               warnings: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]] | None:
    """(label cells, [(value cell, column path)]), or None with a warning when the row cannot be placed."""
    if columns.width is not None:
        if len(cells) != columns.width:
            warnings.append(f"{where}: 该行有 {len(cells)} 个单元格,表头有 {columns.width} 列,无法对应,已跳过: "
                            f"{' | '.join(cells)[:60]}")
            return None
        values = [(_merged_value(cells, positions, where, warnings), path) for positions, path in columns.values]
        return [cells[p] for p in columns.labels], values
    count = len(columns.values)
    labels = cells[:-count] if len(cells) > count else []
    misplaced = any(parse_number(squeeze(c)) is not None for c in labels)
    if len(cells) < count + kind.labelled or misplaced:
        warnings.append(f"{where}: 该行单元格数({len(cells)})与模板的 {count} 列数值对不上,已跳过: "
                        f"{' | '.join(cells)[:60]}")
        return None
    return labels, [(cell, list(path)) for cell, (_, path) in zip(cells[-count:], columns.values)]


def _broken_off(labels: list[str], values: list[tuple[str, list[str]]]) -> bool:
    """The rest of a row a page broke in two: label text without a number, and no values.
    Every row of the 申请 table is numbered, so such a line is no row of its own."""
    texts = _dedupe([squeeze(c) for c in labels])
    return bool(texts) and all(_depth(t) is None for t in texts) and all(is_blank_cell(v) for v, _ in values)


def _join_labels(head: list[str], tail: list[str]) -> list[str]:
    if len(head) == len(tail):
        return [a + b if squeeze(b) and squeeze(b) != squeeze(a) else a for a, b in zip(head, tail)]
    return [*head[:-1], head[-1] + "".join(tail)]


def _parse_grid(kind: _Kind, rows: list[Row], warnings: list[str], source: str) -> list[TableRow]:
    header, body = _split_header(kind, rows)
    first_line = rows[0][1] if rows else 0
    columns = _header_columns(kind, header, f"{source}:{first_line}", warnings) or _template_columns(kind)
    placed: list[tuple[list[str], list[tuple[str, list[str]]], int]] = []
    for cells, line in body:
        split = _split_row(kind, columns, cells, f"{source}:{line}", warnings)
        if split is None:
            continue
        labels, values = split
        if placed and kind.labelled and _broken_off(labels, values):
            head, head_values, head_line = placed[-1]
            placed[-1] = (_join_labels(head, labels), head_values, head_line)
        else:
            placed.append((labels, values, line))
    stack: list[tuple[int, str]] = []
    out: list[TableRow] = []
    for labels, values, line in placed:
        out += _grid_rows(kind, labels, values, line, stack, warnings, source)
    return out


def _grid_rows(kind: _Kind, labels: list[str], values: list[tuple[str, list[str]]], line: int,
               stack: list[tuple[int, str]], warnings: list[str], source: str) -> list[TableRow]:
    where = f"{source}:{line}"
    labels = _dedupe([squeeze(c) for c in labels])
    if kind.labelled and not labels:
        warnings.append(f"{where}: 表格行缺少指标名称,已跳过: {' | '.join(v for v, _ in values)[:60]}")
        return []
    path = _row_path(labels, stack) if labels else [REVIEW_LABEL]
    out = []
    for raw, column in values:
        value, unit = _cell_value(raw, COUNT_UNIT, f"{where}: {' / '.join([path[-1], *column])}", warnings)
        out.append(TableRow(label=path[-1], unit=unit, value=value, raw=raw.strip(), parents=path[:-1],
                            columns=column, table=kind.table, line=line))
    return out


def _active_columns(cells: list[str]) -> list[tuple[list[int], str, str]]:
    """(positions, column name, unit) of a 信息内容 header row; '(单位:万元)' becomes the unit."""
    columns: list[tuple[list[int], str, str]] = []
    for position, cell in enumerate(cells[1:], start=1):
        name = squeeze(cell)
        if not name:
            continue
        if columns and columns[-1][0][-1] == position - 1 and squeeze(cells[position - 1]) == name:
            columns[-1][0].append(position)
            continue
        match = _UNIT_NOTE.match(name)
        if match:
            columns.append(([position], match.group(1), match.group(2)))
        else:
            columns.append(([position], name, "" if "金额" in name else COUNT_UNIT))
    return columns


def _parse_active(rows: list[Row], warnings: list[str], source: str) -> list[TableRow]:
    out: list[TableRow] = []
    item = ""  # "第二十条第(一)项": the item of the law each small table reports on
    width, columns = 0, None
    for cells, line in rows:
        where = f"{source}:{line}"
        first = squeeze(cells[0]) if cells else ""
        if first.startswith("第二十条"):
            item, columns = first, None
        elif first == "信息内容":
            width, columns = len(cells), _active_columns(cells)
        elif not any(squeeze(c) for c in cells):
            continue
        elif columns is None:
            warnings.append(f"{where}: 主动公开表格行前没有“信息内容”表头,已跳过: {' | '.join(cells)[:60]}")
        elif len(cells) != width:
            warnings.append(f"{where}: 该行有 {len(cells)} 个单元格,表头有 {width} 列,无法对应,已跳过: "
                            f"{' | '.join(cells)[:60]}")
        else:
            out += _active_row(first, item, columns, cells, line, warnings, source)
    return out


def _active_row(label: str, item: str, columns: list[tuple[list[int], str, str]], cells: list[str], line: int,
                warnings: list[str], source: str) -> list[TableRow]:
    where = f"{source}:{line}"
    named = {p for positions, _, _ in columns for p in positions}
    stray = [cells[p] for p in range(1, len(cells)) if p not in named and not is_blank_cell(cells[p])]
    if stray:
        warnings.append(f"{where}: {label} 有数值落在没有列名的位置 {stray},未导入")
    rows = []
    for positions, column, unit in columns:
        raw = _merged_value(cells, positions, where, warnings)
        value, unit = _cell_value(raw, unit, f"{where}: {label} / {column}", warnings)
        rows.append(TableRow(label=label, unit=unit, value=value, raw=raw.strip(), parents=[item] if item else [],
                             columns=[column], table=ACTIVE_TABLE, line=line))
    return rows
