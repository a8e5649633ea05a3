"""One figure per report for comparisons and trends: the best cell of each report, or, where the
question's cells split one column group (2019 template: 行政诉讼 = 未经复议直接起诉 + 复议后起诉, no
总计 cell of its own), the group's total with every part cited. A blank part leaves the total 未填报."""
from __future__ import annotations

from dataclasses import dataclass

from assistant.claims import number_text
from assistant.group_total import row_group_total, total_of
from assistant.lookup import RowMatch, with_siblings
from index.report import TableRow


@dataclass
class ReportFigure:
    report_id: str
    label: str
    value: float | None
    unit: str
    rows: list[TableRow]  # the cells cited for it

    @property
    def is_blank(self) -> bool:
        return self.value is None

    @property
    def is_unreadable(self) -> bool:
        return self.value is None and any(row.is_unreadable for row in self.rows)

    def value_text(self) -> str:
        """A total with a part printed but unreadable is itself unreadable, not 未填报."""
        if len(self.rows) == 1:
            return self.rows[0].value_text()
        if self.value is None:
            return "无法识别" if self.is_unreadable else "未填报"
        return f"{number_text(self.value)} {self.unit}"


def figures_per_report(rows: list[RowMatch], question: str) -> list[ReportFigure]:
    """In the order the reports' best cells rank."""
    by_report: dict[str, list[RowMatch]] = {}
    for match in rows:
        by_report.setdefault(match.report_id, []).append(match)
    figures = []
    for report_id, matches in by_report.items():
        match = matches[0]
        cells = [m.row for m in with_siblings(match, matches, question)]
        total = None
        if len(cells) > 1:
            total = row_group_total(cells) if match.in_group else total_of(cells)
        if total is None:
            row = match.row
            figures.append(ReportFigure(report_id, row.citation_label(), row.value, row.unit, [row]))
        else:
            figures.append(ReportFigure(report_id, f"{total.group} 合计({total.names}相加)",
                                        total.value, total.unit, cells))
    return figures
