"""What the citizens' site covers: the indexed reports, read straight from the report store (so the list is
there before the answering model has loaded), each readable in full and downloadable as its original file."""
from __future__ import annotations

import logging
from html import escape
from pathlib import Path

from index.report import Report
from index.report_store import ReportStore, ReportSummary, StoreError, database_path
from settings import Settings
from webapp.page_images import page_png
from webapp.render import original_href, report_href, report_name

log = logging.getLogger(__name__)


class ReportCatalog:
    """Read-only view of the ready reports; a store that cannot be opened reads as empty (and is logged)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._store: ReportStore | None = None

    def _open(self) -> ReportStore | None:
        if self._store is None:
            try:
                self._store = ReportStore(database_path(self.settings))
            except StoreError:
                log.exception("the report store cannot be opened")
        return self._store

    def summaries(self) -> list[ReportSummary]:
        store = self._open()
        if store is None:
            return []
        try:
            return [s for s in store.summaries() if s.status == "ready"]
        except StoreError:
            log.exception("listing the reports failed")
            return []

    def report(self, report_id: str) -> Report | None:
        store = self._open()
        if store is None:
            return None
        try:
            return store.report(report_id)
        except StoreError:
            log.exception("reading report %s failed", report_id)
            return None

    def names(self) -> dict[str, str]:
        return {s.report_id: report_name(s.unit, s.year, s.title, s.report_id) for s in self.summaries()}

    def page_image(self, report_id: str, number: int) -> bytes | None:
        """Page `number` of an indexed report's original file as a PNG; None when there is no such report,
        file or page."""
        path = original_file(self.report(report_id))
        return page_png(path, number, self.settings.page_image_dir) if path is not None else None


def original_file(report: Report | None) -> Path | None:
    """The file a report was indexed from, when it is still there; only indexed reports get this far."""
    if report is None or not report.source:
        return None
    path = Path(report.source)
    return path if path.is_file() else None


def coverage_html(summaries: list[ReportSummary], ready: bool = True) -> str:
    """The list of indexed reports (unit and year), each with a link to read it in full and to download it
    (a download whose file has gone says so on its own page)."""
    if not summaries:
        if not ready:
            return '<div class="coverage empty">正在准备报告索引…</div>'
        return '<div class="coverage empty">目前还没有收录报告。</div>'
    items = []
    for s in summaries:
        name = report_name(s.unit, s.year, s.title, s.report_id)
        year = f"{s.year} 年度" if s.year else "年度不详"
        items.append(f'<li><span class="cov-unit">{escape(s.unit or s.title or s.report_id)}</span>'
                     f'<span class="cov-year">{year}</span><span class="cov-links">'
                     f'<a href="{escape(report_href(s.report_id))}" target="_blank" rel="noopener" '
                     f'title="阅读{escape(name)}全文">阅读全文</a>'
                     f'<a href="{escape(original_href(s.report_id))}" download '
                     f'title="下载{escape(name)}原文">下载原文</a></span></li>')
    names = "、".join(report_name(s.unit, s.year, s.title, s.report_id) for s in summaries[:3])
    more = f"等 {len(summaries)} 份" if len(summaries) > 3 else ""
    return (f'<details class="coverage"><summary>已收录 {len(summaries)} 份报告:{escape(names)}{more}'
            f'<span class="cov-hint">(点击查看、阅读全文或下载原文)</span></summary>'
            f'<ul class="cov-list">{"".join(items)}</ul></details>')
