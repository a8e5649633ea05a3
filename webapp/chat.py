"""The citizens' page: Gradio's own chat (it scrolls, streams, renders Markdown tables and has copy buttons)
with numbered, clickable sources, a side panel showing them in the report, starters, follow-ups, feedback,
the list of indexed reports and a notice while the answering model loads."""
from __future__ import annotations

import logging

import gradio as gr

from webapp.conversation import ask_json, new_turn, stream_turn
from webapp.feedback import FeedbackStore
from webapp.loader import ServiceLoader, ServiceNotReady
from webapp.render import EMPTY_LOG, GETTING_READY, PANEL_HINT, RATINGS, SITE_TITLE, render_messages, render_source
from webapp.reports import ReportCatalog, coverage_html, original_file

log = logging.getLogger(__name__)

STARTERS = ["微博发了多少条?", "行政诉讼有几起?", "政府网站公开了多少条信息?", "2019年有什么工作计划?"]
ALL_REPORTS = "全部报告"
ANSWER_CONCURRENCY = 4  # answering is CPU-bound: a few at a time, the queue (not more threads) holds the rest
READY_POLL_S = 1.0
PANEL_CLOSE = '<button type="button" class="panel-close">× 关闭原文,返回对话</button>'

# Source and feedback buttons live inside the chat's messages, which Gradio re-renders and sanitizes (no data-*
# attributes survive, `value` does). One listener on the document hands their clicks to Python; Escape closes
# the source panel and puts the focus back on the source that opened it.
BRIDGE_JS = """
let opener = null;
window.giaClosePanel = () => {
  const panel = document.querySelector('#source-panel');
  if (!panel || !panel.classList.contains('open')) return false;
  const toggle = panel.querySelector('.toggle-button');
  if (toggle) toggle.click();
  if (opener && document.contains(opener)) opener.focus();
  return true;
};
document.addEventListener('click', (event) => {
  const button = event.target.closest('#chat-log button[value]');
  if (!button) return;
  const [kind, turn, what] = button.value.split(':');
  if (kind === 'src') { opener = button; trigger('click', {action: 'source', turn: +turn, source: +what}); }
  else if (kind === 'fb') { trigger('click', {action: 'feedback', turn: +turn, rating: what}); }
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && window.giaClosePanel()) event.preventDefault();
});
// A question sent after scrolling back up brings the conversation down to it (Gradio's own autoscroll only
// follows a log that is already at its end).
const toEnd = () => {
  const log = document.querySelector('#chat-log .bubble-wrap');
  if (log) log.scrollTop = log.scrollHeight;
};
const sent = () => [0, 150, 500].forEach((ms) => setTimeout(toEnd, ms));
document.addEventListener('click', (event) => {
  if (event.target.closest('#send, #starters button')) sent();
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.target.closest('#question')) sent();
});
"""
PANEL_JS = """
element.addEventListener('click', (event) => {
  if (event.target.closest('.panel-close') && window.giaClosePanel) window.giaClosePanel();
});
watch('value', () => {
  const hit = element.querySelector('.hit');
  if (hit) hit.scrollIntoView({block: 'center'});
  const heading = element.querySelector('.panel-heading');
  if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({preventScroll: true}); }
});
"""


def _index(value, size: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < size else None


def status_html(state: str) -> str:
    if state == "loading":
        return ('<div class="service-status loading" role="status">系统正在准备(加载检索模型,通常不到一分钟)。'
                "您现在就可以提问,准备好后会立即回答。</div>")
    if state == "failed":
        return '<div class="service-status failed" role="alert">抱歉,问答服务未能启动,请联系网站管理员。</div>'
    return '<div class="service-status ready" role="status"></div>'


def build_chat(loader: ServiceLoader, feedback: FeedbackStore, catalog: ReportCatalog) -> gr.Blocks:
    def respond(question: str, turns: list[dict], report: str):
        report = "" if report in (None, ALL_REPORTS) else report
        names = catalog.names()
        if not loader.ready:  # the question waits for the model, and says so
            waiting = [*turns, dict(new_turn(question or "", report), waiting=GETTING_READY)]
            yield render_messages(waiting, names), gr.skip(), ""
            try:
                loader.get()
            except ServiceNotReady:
                pass
            names = catalog.names()
        try:
            service = loader.get(timeout=0)
        except ServiceNotReady as error:
            turns = [*turns, dict(new_turn(question or "", report), text=str(error), status="notice")]
            yield render_messages(turns, names), turns, ""
            return
        first = True
        for current in stream_turn(service, question, turns, report):
            yield render_messages(current, names), current, "" if first else gr.skip()
            first = False

    def starter(question: str):
        def ask_starter(turns: list[dict], report: str):
            yield from respond(question, turns, report)
        return ask_starter

    def on_click(turns: list[dict], evt: gr.EventData):
        """A source opens the side panel; a rating opens the feedback form. The click data comes from
        the browser, so anything that does not point at a real turn and source is ignored."""
        nothing = (gr.skip(),) * 6
        data = evt._data or {}
        turn_number = _index(data.get("turn"), len(turns))
        if turn_number is None:
            return nothing
        turn = turns[turn_number]
        if data.get("action") == "source":
            source = _index(data.get("source"), len(turn["citations"]))
            if source is None:
                return nothing
            citation = turn["citations"][source]
            report = catalog.report(citation["report"])
            panel_html = PANEL_CLOSE + render_source(report, citation, has_original=original_file(report) is not None)
            return panel_html, gr.Sidebar(open=True), *nothing[2:]
        if data.get("action") == "feedback" and data.get("rating") in RATINGS and not turn.get("feedback"):
            return gr.skip(), gr.skip(), gr.Group(visible=True), RATINGS[data["rating"]], "", turn_number
        return nothing

    def send_feedback(turns: list[dict], target: int | None, rating_label: str, comment: str):
        rating = next((key for key, label in RATINGS.items() if label == rating_label), None)
        if target is None or rating is None or not 0 <= target < len(turns):
            return gr.skip(), gr.skip(), gr.Group(visible=False), None
        try:
            feedback.add(turns[target], rating, comment)
        except Exception:
            log.exception("storing feedback failed")
            gr.Warning("抱歉,反馈暂时没能保存,请稍后再试。")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        turns = [dict(t, feedback=rating) if n == target else t for n, t in enumerate(turns)]
        return render_messages(turns, catalog.names()), turns, gr.Group(visible=False), None

    def clear():
        return [], [], PANEL_HINT, gr.Sidebar(open=False), gr.Group(visible=False), None, ""

    def page_state():
        """The readiness notice, the list of reports, the picker; polled only while the model loads."""
        state = loader.state
        summaries = catalog.summaries()
        names = catalog.names()
        choices = [(ALL_REPORTS, ALL_REPORTS), *[(name, rid) for rid, name in names.items()]]
        return (status_html(state), coverage_html(summaries, ready=state != "loading"),
                gr.Dropdown(choices=choices, visible=len(names) > 1), gr.Timer(active=state == "loading"))

    def ask(question: str, history: list[list[str]] | None = None, report: str = "") -> dict:
        """Answers one question about the indexed reports: {answer, found, citations}, with a trend's `series`
        (label, unit, points of year, value or null, text) for a chart; or {error}."""
        try:
            service = loader.get()
        except ServiceNotReady as error:
            return {"error": str(error)}
        return ask_json(service, question, history or [], report)

    with gr.Blocks(title=SITE_TITLE, analytics_enabled=False, fill_height=True) as demo:
        turns = gr.State([])
        feedback_target = gr.State(None)
        with gr.Sidebar(open=False, position="right", width=460, elem_id="source-panel", label="报告原文") as sidebar:
            panel = gr.HTML(PANEL_HINT, elem_id="source-view", js_on_load=PANEL_JS)
        with gr.Row(elem_id="top", equal_height=False):
            gr.HTML(f'<header class="site-header"><h1>{SITE_TITLE}</h1>'
                    "<p>根据政府信息公开工作年度报告回答,每个回答都注明报告原文出处。</p></header>",
                    elem_id="site-header", js_on_load=None, scale=1)
            clear_button = gr.Button("清空对话", variant="secondary", size="sm", scale=0, min_width=88, elem_id="clear")
        status = gr.HTML(status_html("ready"), elem_id="service-status", js_on_load=None)  # until the page loads
        with gr.Row(elem_id="scope", equal_height=True):
            coverage = gr.HTML(coverage_html([], ready=False), elem_id="coverage", js_on_load=None, scale=1)
            report = gr.Dropdown([ALL_REPORTS], value=ALL_REPORTS, label="提问范围", show_label=False, container=False,
                                 visible=False, elem_id="report-picker", scale=0, min_width=220)
        chat_log = gr.Chatbot(
            [], elem_id="chat-log", label="对话", show_label=False, scale=1, height="auto", min_height=240,
            autoscroll=True, buttons=["copy"], feedback_options=None, placeholder=EMPTY_LOG,
            sanitize_html=True, render_markdown=True, line_breaks=True, latex_delimiters=[], allow_tags=False,
            group_consecutive_messages=False, layout="bubble", allow_file_downloads=False)
        bridge = gr.HTML("", elem_id="chat-bridge", js_on_load=BRIDGE_JS, container=False, padding=False)
        with gr.Row(elem_id="starters"):
            starter_buttons = [gr.Button(q, size="sm", variant="secondary", elem_classes=["starter"])
                               for q in STARTERS]
        with gr.Group(visible=False, elem_id="feedback-form") as feedback_form:
            rating = gr.Radio(list(RATINGS.values()), label="您对这个回答的评价", value=None)
            comment = gr.Textbox(label="补充说明(可选)", lines=2, max_length=2000, elem_id="feedback-comment",
                                 placeholder="例如:哪里不对,或者您想知道什么")
            with gr.Row():
                feedback_send = gr.Button("提交反馈", variant="primary", size="sm", elem_id="feedback-send")
                feedback_cancel = gr.Button("取消", size="sm")
        with gr.Row(elem_id="composer", equal_height=True):
            question = gr.Textbox(label="您的问题", show_label=False, placeholder="请输入您的问题,例如:行政复议有几起?",
                                  lines=1, max_lines=4, scale=5, min_width=120, elem_id="question", autofocus=True,
                                  container=False)
            send = gr.Button("发送", variant="primary", scale=0, min_width=72, elem_id="send")
        gr.HTML('<footer class="site-footer">回答摘自报告原文与统计表,未填报的数字显示为“未填报”。'
                '<a href="staff/" target="_blank" rel="noopener">工作人员入口</a></footer>', elem_id="site-footer",
                js_on_load=None)
        timer = gr.Timer(READY_POLL_S, active=False)

        answer_args = dict(outputs=[chat_log, turns, question], show_progress="hidden", api_visibility="private",
                           concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
        question.submit(respond, [question, turns, report], **answer_args)
        send.click(respond, [question, turns, report], **answer_args)
        for text, button in zip(STARTERS, starter_buttons):
            button.click(starter(text), [turns, report], **answer_args)
        bridge.click(on_click, [turns], [panel, sidebar, feedback_form, rating, comment, feedback_target],
                     show_progress="hidden", api_visibility="private")
        feedback_send.click(send_feedback, [turns, feedback_target, rating, comment],
                            [chat_log, turns, feedback_form, feedback_target], api_visibility="private")
        feedback_cancel.click(lambda: (gr.Group(visible=False), None), None, [feedback_form, feedback_target],
                              api_visibility="private")
        clear_outputs = [chat_log, turns, panel, sidebar, feedback_form, feedback_target, question]
        clear_button.click(clear, None, clear_outputs, show_progress="hidden", api_visibility="private")
        chat_log.clear(clear, None, clear_outputs, show_progress="hidden", api_visibility="private")
        page_outputs = [status, coverage, report, timer]
        demo.load(page_state, None, page_outputs, show_progress="hidden", api_visibility="private")
        timer.tick(page_state, None, page_outputs, show_progress="hidden", api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
    return demo
