"""The staff pages: fact check, indicator browser, audit, a year's review with reviewers' marks, what an import
read, adding and deleting reports, citizens' feedback.

Mounted behind Gradio's login (see webapp.server); every handler also checks the
session's user itself, so no staff function answers an anonymous call.
"""
from __future__ import annotations

import functools
import logging
import shutil
import tempfile
import time
from html import escape
from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from assistant.service import QuestionError
from index.report import ReportError
from index.report_store import StoreError
from index.show import render_report
from index.vector_store import VectorStoreUnavailable
from review.audit import audit_report
from review.batch import review_reports
from review.fact_check import FactChecker
from review.marks import CONFIRMED, DECISION_NAMES, DECISIONS, DISMISSED, MarkStore
from review.sheet import HEADERS as SHEET_HEADERS
from review.sheet import rows as sheet_rows
from review.sheet import write_xlsx
from settings import Settings
from webapp.auth import require_staff
from webapp.conversation import citation_dict
from webapp.feedback import FeedbackStore
from webapp.loader import ServiceLoader, ServiceNotReady
from webapp.render import RATINGS, citation_list
from webapp.uploads import ALLOWED_SUFFIXES, UploadError, import_upload

log = logging.getLogger(__name__)

MAX_CHECK_CHARS = 20_000
VERDICTS = {"supported": ("相符", "ok"), "contradicted": ("不符", "bad"), "not_found": ("报告未提及", "unknown")}
SEVERITIES = {"mismatch": ("不一致", "bad"), "needs_review": ("需人工复核", "unknown")}
INDICATOR_HEADERS = ["指标", "上级", "栏目", "单位", "数值"]
FEEDBACK_HEADERS = ["时间", "评价", "问题", "回答", "补充说明"]
REPORT_HEADERS = ["编号", "标题", "年度", "章节", "统计行", "片段"]
REVIEW_ALL, REVIEW_SELECTED = "全部报告", "所选报告"
APOLOGY = "抱歉,操作没有完成,错误已记录。请稍后再试。"


def _notice(text: str, kind: str = "info") -> str:
    return f'<div class="notice {kind}">{escape(text)}</div>'


def render_checks(checks) -> str:
    if not checks:
        return _notice("没有找到可核查的句子。")
    items = []
    for check in checks:
        label, kind = VERDICTS.get(check.verdict, (check.verdict, "unknown"))
        items.append(f'<li class="check {kind}"><span class="verdict {kind}">{label}</span>'
                     f'<div class="claim">{escape(check.claim)}</div>'
                     f'<div class="why">{escape(check.explanation)}</div>'
                     f"{citation_list([citation_dict(c) for c in check.citations])}</li>")
    return f'<ol class="checks">{"".join(items)}</ol>'


def render_findings(findings) -> str:
    if not findings:
        return _notice("未发现正文与统计表不一致之处。", "ok")
    items = []
    for finding in findings:
        label, kind = SEVERITIES.get(finding.severity, (finding.severity, "unknown"))
        items.append(f'<li class="check {kind}"><span class="verdict {kind}">{label}</span>'
                     f'<div class="why">{escape(finding.explanation)}</div>'
                     f"{citation_list([citation_dict(c) for c in finding.citations])}</li>")
    return f'<ol class="checks findings">{"".join(items)}</ol>'


def sweep_exports(folder: Path, keep_s: float) -> None:
    """Removes download folders older than `keep_s`: the feedback in them may hold phone numbers."""
    if not folder.is_dir():
        return
    for old in folder.iterdir():
        if old.is_dir() and time.time() - old.stat().st_mtime > keep_s:
            shutil.rmtree(old, ignore_errors=True)


def build_staff(loader: ServiceLoader, feedback: FeedbackStore, settings: Settings) -> gr.Blocks:
    uploads_dir = settings.data_dir / "uploads"
    exports_dir = settings.exports_dir
    exports_dir.mkdir(parents=True, exist_ok=True)
    sweep_exports(exports_dir, settings.export_keep_s)
    marks = MarkStore(settings.data_dir)

    def report_choices() -> list[tuple[str, str]]:
        service = loader.get()
        return [(f"{r.title or rid}({rid})", rid) for rid, r in service.corpus.reports.items()]

    def picker_update(value: str | None = None):
        choices = report_choices()
        ids = [rid for _, rid in choices]
        return gr.Dropdown(choices=choices, value=value if value in ids else (ids[0] if ids else None))

    def selected(report_id: str | None):
        report = loader.get().corpus.reports.get(report_id or "")
        if report is None:
            raise gr.Error("请先选择一份报告。")
        return report

    def guarded(fn):
        """A Gradio message passes through; anything else is logged and apologised for, never shown raw.
        (functools.wraps keeps the signature, so Gradio still passes the handler its gr.Request.)"""
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except gr.Error:
                raise
            except ServiceNotReady as error:
                raise gr.Error(str(error)) from None
            except Exception:
                log.exception("staff action %s failed", fn.__name__)
                raise gr.Error(APOLOGY) from None
        return run

    @guarded
    def fact_check(text: str, report_id: str, request: gr.Request):
        require_staff(request)
        text = (text or "").strip()
        if not text:
            return _notice("请先粘贴要核查的段落。", "unknown")
        if len(text) > MAX_CHECK_CHARS:
            return _notice(f"段落太长({len(text)} 字),请控制在 {MAX_CHECK_CHARS} 字以内。", "unknown")
        selected(report_id)
        try:
            return render_checks(FactChecker(loader.get()).check_text(text, report=report_id))
        except QuestionError as error:
            return _notice(str(error), "unknown")

    @guarded
    def indicators(report_id: str, query: str, request: gr.Request):
        require_staff(request)
        report = loader.get().corpus.reports.get(report_id or "")
        if report is None:  # no report picked yet (the picker fills in on load)
            return []
        words = (query or "").split()
        rows = []
        for row in report.table_rows:
            cells = [row.label, " › ".join(row.parents), " / ".join(row.columns), row.unit,
                     "" if (row.is_blank and not row.unit) else row.value_text()]
            if all(any(word in cell for cell in cells) for word in words):
                rows.append(cells)
        return rows

    @guarded
    def audit(report_id: str, request: gr.Request):
        require_staff(request)
        return render_findings(audit_report(selected(report_id)))

    @guarded
    def parsed(report_id: str, request: gr.Request):
        """What the import read, as `python -m index show` prints it: a person sees at a glance whether
        unit, year, sections and every cell came out right."""
        require_staff(request)
        return f'<pre class="parsed-report">{escape(render_report(selected(report_id)))}</pre>'

    def export_folder() -> Path:
        """A folder of its own for one download; the server's housekeeping removes it after `export_keep_s`."""
        sweep_exports(exports_dir, settings.export_keep_s)
        return Path(tempfile.mkdtemp(dir=exports_dir))

    def review_items(report_id: str, scope: str, progress: gr.Progress):
        service = loader.get()
        every = [r for r in service.corpus.reports.values()]
        chosen = every if scope == REVIEW_ALL else [selected(report_id)]
        progress(0, desc="审查中…")
        items = []
        for done, report in enumerate(chosen, start=1):
            items += review_reports([report], marks.marks(), every)
            progress(done / len(chosen), desc=f"已审查 {done}/{len(chosen)} 份报告")
        return items

    @guarded
    def review(report_id: str, scope: str, request: gr.Request, progress=gr.Progress()):
        """A year's batch as reviewers read it: one row per finding with its mark, and the spreadsheet."""
        require_staff(request)
        items = review_items(report_id, scope, progress)
        sheet = export_folder() / "审查结果.xlsx"
        write_xlsx(items, sheet)
        summary = f"共 {len(items)} 条发现(已确认 {sum(1 for i in items if i.mark and i.mark.decision == CONFIRMED)},"
        summary += f"已排除 {sum(1 for i in items if i.mark and i.mark.decision == DISMISSED)})。"
        return (sheet_rows(items), gr.DownloadButton(value=str(sheet), interactive=True), summary,
                gr.Dropdown(choices=[i.fingerprint for i in items], value=None))

    @guarded
    def mark_finding(fingerprint: str | None, decision: str, note: str, request: gr.Request):
        require_staff(request)
        if not fingerprint:
            return _notice("请先选择一条发现(指纹)。", "unknown")
        marks.mark(fingerprint, decision, note or "")
        return _notice(f"已将 {fingerprint} 标为{DECISION_NAMES[decision]}。重新审查后仍会保留。", "ok")

    def report_table() -> list[list]:
        return [[s.report_id, s.title, s.year or "", s.sections, s.rows, s.chunks]
                for s in loader.get().components.reports.summaries() if s.status == "ready"]

    @guarded
    def add_report(upload_path: str | None, request: gr.Request):
        require_staff(request)
        if not upload_path:
            return _notice("请先选择文件。", "unknown"), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        service = loader.get()
        try:
            result = import_upload(service.components.ingestor, Path(upload_path), Path(upload_path).name,
                                   uploads_dir, settings.max_upload_mb, received_in=Path(get_upload_folder()))
        except (UploadError, ReportError, StoreError, VectorStoreUnavailable) as error:
            return _notice(f"无法导入:{error}", "bad"), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        service.refresh()
        message = (f"已导入 {result.report_id}:{result.title},{result.sections} 个章节,"
                   f"{result.rows} 个统计行,{result.chunks} 个检索片段。在“解析结果”中可查看读出的内容。")
        if result.warnings:
            message += " 注意:" + ";".join(result.warnings)
        return (_notice(message, "ok"), report_table(), picker_update(result.report_id),
                gr.Dropdown(choices=[rid for _, rid in report_choices()], value=None), None)

    @guarded
    def delete_report(report_id: str | None, confirmed: bool, current: str | None, request: gr.Request):
        require_staff(request)
        if not report_id:
            return _notice("请选择要删除的报告。", "unknown"), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        if not confirmed:
            return _notice("请先勾选“确认删除”。", "unknown"), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        service = loader.get()
        try:
            service.components.ingestor.delete(report_id)
        except (StoreError, VectorStoreUnavailable) as error:
            return _notice(f"无法删除:{error}", "bad"), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        service.refresh()
        return (_notice(f"已删除报告 {report_id}。", "ok"), report_table(), picker_update(current),
                gr.Dropdown(choices=[rid for _, rid in report_choices()], value=None), False)

    @guarded
    def feedback_view(request: gr.Request):
        require_staff(request)
        records = feedback.all()
        rows = [[r["time"], RATINGS.get(r["rating"], r["rating"]), r["question"], r["answer"], r["comment"]]
                for r in reversed(records)]
        download = None
        if records:
            download = shutil.copy(feedback.path, export_folder() / "feedback.jsonl")
        return rows, gr.DownloadButton(value=download, interactive=download is not None), \
            f"共 {len(records)} 条反馈(最新在前)。"

    @guarded
    def on_load(request: gr.Request):
        require_staff(request)
        ids = [rid for _, rid in report_choices()]
        return picker_update(), report_table(), gr.Dropdown(choices=ids, value=None)

    # Gradio serves a download from its own copy in its cache folder: that copy is removed on the same schedule.
    keep_s = max(1, settings.export_keep_s)
    with gr.Blocks(title="工作人员 · 政府信息公开年报", analytics_enabled=False,
                   delete_cache=(max(1, min(600, keep_s // 4)), keep_s)) as demo:
        gr.HTML('<header class="site-header"><h1>工作人员</h1><p>事实核查、指标、审核、报告管理和用户反馈。'
                '<a href="logout">退出登录</a></p></header>')
        report = gr.Dropdown([], label="报告", elem_id="staff-report")
        with gr.Tabs():
            with gr.Tab("事实核查", id="check"):
                claim_text = gr.Textbox(label="待核查的段落", lines=6, max_length=MAX_CHECK_CHARS, elem_id="check-text",
                                        placeholder="粘贴一段关于该报告的文字,逐句核对报告原文和统计表。")
                check_button = gr.Button("核查", variant="primary", elem_id="check-run")
                check_result = gr.HTML(elem_id="check-result")
            with gr.Tab("指标浏览", id="indicators"):
                indicator_query = gr.Textbox(label="搜索指标", placeholder="例如:复议、微博、申请",
                                             elem_id="indicator-query")
                indicator_table = gr.Dataframe(headers=INDICATOR_HEADERS, interactive=False, wrap=True,
                                               elem_id="indicator-table")
            with gr.Tab("审核", id="audit"):
                audit_button = gr.Button("审核所选报告", variant="primary", elem_id="audit-run")
                audit_result = gr.HTML(elem_id="audit-result")
            with gr.Tab("年度审查", id="review"):
                with gr.Row():
                    review_scope = gr.Radio([REVIEW_ALL, REVIEW_SELECTED], value=REVIEW_ALL, label="审查范围")
                    review_button = gr.Button("开始审查", variant="primary", elem_id="review-run")
                review_summary = gr.Markdown(elem_id="review-summary")
                review_table = gr.Dataframe(headers=SHEET_HEADERS, interactive=False, wrap=True, elem_id="review-table")
                review_download = gr.DownloadButton("下载审查结果(Excel)", interactive=False, elem_id="review-download")
                with gr.Row():
                    mark_target = gr.Dropdown([], label="发现的指纹", elem_id="review-mark-id")
                    mark_decision = gr.Radio([(DECISION_NAMES[d], d) for d in DECISIONS], value=CONFIRMED,
                                             label="复核结论")
                    mark_note = gr.Textbox(label="复核说明", max_lines=3)
                    mark_button = gr.Button("保存复核结论", elem_id="review-mark")
                mark_status = gr.HTML(elem_id="review-mark-status")
            with gr.Tab("解析结果", id="parsed"):
                parsed_button = gr.Button("显示所选报告的解析结果", variant="primary", elem_id="parsed-run")
                parsed_result = gr.HTML(elem_id="parsed-result")
            with gr.Tab("报告管理", id="reports"):
                reports = gr.Dataframe(headers=REPORT_HEADERS, interactive=False, elem_id="report-table")
                upload = gr.File(label=f"上传报告({' '.join(ALLOWED_SUFFIXES)},不超过 {settings.max_upload_mb} MB)",
                                 file_types=list(ALLOWED_SUFFIXES), type="filepath", elem_id="report-upload")
                add_button = gr.Button("导入", variant="primary", elem_id="report-add")
                with gr.Row():
                    doomed = gr.Dropdown([], label="删除报告", elem_id="report-delete-id")
                    confirm = gr.Checkbox(label="确认删除", value=False)
                    delete_button = gr.Button("删除", variant="stop")
                report_status = gr.HTML(elem_id="report-status")
            with gr.Tab("用户反馈", id="feedback") as feedback_tab:
                feedback_summary = gr.Markdown()
                download = gr.DownloadButton("下载全部反馈(JSONL)", interactive=False, elem_id="feedback-download")
                feedback_table = gr.Dataframe(headers=FEEDBACK_HEADERS, interactive=False, wrap=True,
                                              elem_id="feedback-table")

        private = dict(api_visibility="private")
        check_button.click(fact_check, [claim_text, report], check_result, **private)
        indicator_inputs = [report, indicator_query]
        indicator_query.change(indicators, indicator_inputs, indicator_table, **private)
        report.change(indicators, indicator_inputs, indicator_table, **private)
        audit_button.click(audit, report, audit_result, **private)
        parsed_button.click(parsed, report, parsed_result, **private)
        review_button.click(review, [report, review_scope],
                            [review_table, review_download, review_summary, mark_target], **private)
        mark_button.click(mark_finding, [mark_target, mark_decision, mark_note], mark_status, **private)
        add_button.click(add_report, [upload], [report_status, reports, report, doomed, upload], **private)
        delete_button.click(delete_report, [doomed, confirm, report],
                            [report_status, reports, report, doomed, confirm], **private)
        feedback_tab.select(feedback_view, None, [feedback_table, download, feedback_summary], **private)
        demo.load(on_load, None, [report, reports, doomed], **private)
    return demo
