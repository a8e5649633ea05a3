"""Plain data classes that carry a parsed report between the pipeline stages."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

STATS_TABLE = "政府信息公开情况统计表"
# Marks a cell whose digits ran together and could not be split uniquely (index.flat_tables): the
# report did print a figure there, so it is not 未填报, and no guessed number is stored either.
UNSPLIT = "(无法拆分)"


@dataclass
class Section:
    """One numbered section of the narrative; `heading` is the line as printed."""

    number: str  # "一", "十四"; "" for the introduction and the sign-off
    title: str  # heading without its number, e.g. "总体公开情况说明"
    heading: str  # e.g. "一、总体公开情况说明"
    text: str  # body, headings of sub-items included, without the heading line
    line: int = 0  # 1-based line of the heading in the source


@dataclass
class TableRow:
    """One cell of a statistics table, with everything needed to cite it alone.

    Old-format tables have one value column, so `columns` is empty; the 2019
    template has several column dimensions and an indicator is (row path,
    column path, unit, value). A blank cell has `value` None: 未填报, not 0.
    """

    label: str  # e.g. "3.政务微博公开政府信息数"
    unit: str  # 条/件/次/人/万元/个/篇/人次; "" when the table gives none
    value: float | None
    raw: str  # the cell as printed
    parents: list[str] = field(default_factory=list)  # outermost first
    columns: list[str] = field(default_factory=list)  # outermost first
    table: str = STATS_TABLE
    line: int = 0
    page: int | None = None  # the scanned page OCR read the row from; None on a page with a text layer
    box: list[float] | None = None  # the row on that page: its corners, as ScanPlace.box

    @property
    def is_blank(self) -> bool:
        return self.value is None

    @property
    def is_unreadable(self) -> bool:
        """Printed but not readable as a number (garbled, or digits that ran together): not 未填报."""
        return self.value is None and self.raw.strip().strip("—-–/\\ ") != ""

    @property
    def path(self) -> list[str]:
        return [*self.parents, self.label]

    def value_text(self) -> str:
        """The value as a person reads it: '690 条', or '未填报' for a blank cell."""
        if self.is_unreadable:
            return f"无法识别(原文“{self.raw.removesuffix(UNSPLIT)}”)"
        if self.value is None:
            return "未填报"
        number = int(self.value) if float(self.value).is_integer() else self.value
        return f"{number} {self.unit}".strip()

    def citation_label(self) -> str:
        """'四、行政复议数量' or '收到申请数 / 法人或其他组织 / 商业企业' for a cell of a wide table."""
        return " / ".join([self.label, *self.columns])

    def describe(self) -> str:
        """Row with its parents, columns, unit and value: what the row says, in one line."""
        parts = [f"附表《{self.table}》", *self.parents, self.label, *self.columns]
        return " > ".join(parts) + f": {self.value_text()}"


@dataclass
class ScanPlace:
    """Where OCR read one printed line of the narrative on a scanned page: `line` is the report's line it
    is part of (numbered as Section.line); `box` is its four corners (x, y) from the top left clockwise, as
    shares of the page's width and height, so a line scanned askew is outlined askew."""

    line: int
    page: int
    box: list[float]
    text: str


@dataclass
class Report:
    report_id: str
    title: str
    unit: str  # issuing body, e.g. "西翥街道办事处"
    year: int | None
    level: str = ""  # 街道/乡镇/区/县/市/省/部门
    region: str = ""
    template: str = "legacy"  # "legacy" (before 2019) or "2019"
    intro: str = ""
    sections: list[Section] = field(default_factory=list)
    table_rows: list[TableRow] = field(default_factory=list)
    signoff: dict[str, str] = field(default_factory=dict)  # 单位负责人, 审核人, 填报人, 联系电话, 填报日期
    source: str = ""
    warnings: list[str] = field(default_factory=list)
    scan_places: list[ScanPlace] = field(default_factory=list)  # empty unless pages were read by OCR

    def to_dict(self) -> dict:
        return asdict(self)

    def fingerprint(self) -> str:
        """What the report says, whatever its file was called: the same content under another name
        is recognised, and a changed file gets a new version that is written beside the old one."""
        content = {k: v for k, v in self.to_dict().items() if k not in ("report_id", "source", "warnings")}
        # Where a scan's text was printed is part of its version; a report read without OCR keeps the
        # version it was stored under before pages were tracked.
        if not self.scan_places:
            del content["scan_places"]
        content["table_rows"] = [{k: v for k, v in row.items() if k not in ("page", "box") or row["page"] is not None}
                                 for row in content["table_rows"]]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        data = dict(data)
        data["sections"] = [Section(**s) for s in data.get("sections", [])]
        data["table_rows"] = [TableRow(**r) for r in data.get("table_rows", [])]
        data["scan_places"] = [ScanPlace(**p) for p in data.get("scan_places", [])]
        return cls(**data)


class ReportError(ValueError):
    """A report file that cannot be read or parsed; the message names the file."""
