"""The citizens' page: a streamed chat with numbered, clickable sources, starters, a report picker and feedback."""
from __future__ import annotations

import logging

import gradio as gr

from webapp.conversation import ask_json, new_turn, stream_turn
from webapp.feedback import FeedbackStore
from webapp.loader import ServiceLoader, ServiceNotReady
from webapp.render import EMPTY_LOG, PANEL_HINT, RATINGS, render_log, render_source

log = logging.getLogger(__name__)

STARTERS = ["微博发了多少条?", "行政诉讼有几起?", "政府网站公开了多少条信息?", "2019年有什么工作计划?"]
ALL_REPORTS = "全部报告"
ANSWER_CONCURRENCY = 4  # answering is CPU-bound: a few at a time, the queue (not more threads) holds the rest

# Clicks inside the log are delegated to its root, which survives every re-render of the log.
LOG_JS = """
element.addEventListener('click', (event) => {
  const source = event.target.closest('[data-src]');
  if (source) { trigger('click', {action: 'source', turn: +source.dataset.turn, source: +source.dataset.src}); return; }
  const rating = event.target.closest('[data-rating]');
  if (rating) { trigger('click', {action: 'feedback', turn: +rating.dataset.turn, rating: rating.dataset.rating}); }
});
"""
PANEL_JS = """
watch('value', () => {
  const hit = element.querySelector('.hit');
  if (hit) hit.scrollIntoView({block: 'center'});
});
"""


def _report_names(loader: ServiceLoader) -> dict[str, str]:
    if not loader.ready:
        return {}
    return {rid: f"{r.unit}{r.year or ''}年报告" if r.unit else r.title or rid
            for rid, r in loader.get().corpus.reports.items()}


def _index(value, size: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < size else None


def build_chat(loader: ServiceLoader, feedback: FeedbackStore) -> gr.Blocks:
    def render(turns: list[dict]) -> str:
        return render_log(turns, _report_names(loader))

    def respond(question: str, turns: list[dict], report: str):
        report = "" if report in (None, ALL_REPORTS) else report
        try:
            service = loader.get()
        except ServiceNotReady as error:
            turns = [*turns, dict(new_turn(question or "", report), text=str(error), status="notice")]
            yield render(turns), turns, ""
            return
        for current in stream_turn(service, question, turns, report):
            yield render(current), current, ""

    def starter(question: str):
        def ask_starter(turns: list[dict], report: str):
            yield from respond(question, turns, report)
        return ask_starter

    def on_log_click(turns: list[dict], evt: gr.EventData):
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
            if source is None or not loader.ready:
                return nothing
            citation = turn["citations"][source]
            report = loader.get().corpus.reports.get(citation["report"])
            return render_source(report, citation), gr.Sidebar(open=True), *nothing[2:]
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
        return render(turns), turns, gr.Group(visible=False), None

    def clear():
        return EMPTY_LOG, [], PANEL_HINT, gr.Sidebar(open=False), gr.Group(visible=False), None, ""

    def on_load():
        names = _report_names(loader)
        choices = [(ALL_REPORTS, ALL_REPORTS), *[(name, rid) for rid, name in names.items()]]
        return gr.Dropdown(choices=choices, value=ALL_REPORTS, visible=len(names) > 1)

    def ask(question: str, history: list[list[str]] | None = None, report: str = "") -> dict:
        """Answers one question about the indexed reports: {answer, found, citations} or {error}."""
        try:
            service = loader.get()
        except ServiceNotReady as error:
            return {"error": str(error)}
        return ask_json(service, question, history or [], report)

    with gr.Blocks(title="政府信息公开年报问答", analytics_enabled=False) as demo:
        turns = gr.State([])
        feedback_target = gr.State(None)
        with gr.Sidebar(open=False, position="right", width=460, elem_id="source-panel") as sidebar:
            panel = gr.HTML(PANEL_HINT, elem_id="source-view", js_on_load=PANEL_JS)
        gr.HTML('<header class="site-header"><h1>政府信息公开年报问答</h1>'
                '<p>根据政府信息公开工作年度报告回答,每个回答都注明报告原文出处。</p></header>')
        report = gr.Dropdown([ALL_REPORTS], value=ALL_REPORTS, label="报告", visible=False, elem_id="report-picker")
        chat_log = gr.HTML(EMPTY_LOG, elem_id="chat-log", js_on_load=LOG_JS, autoscroll=True)
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
            question = gr.Textbox(show_label=False, placeholder="请输入您的问题,例如:行政复议有几起?",
                                  lines=1, max_lines=4, scale=5, min_width=120, elem_id="question", autofocus=True)
            send = gr.Button("发送", variant="primary", scale=1, min_width=64, elem_id="send")
        clear_button = gr.Button("清空对话", size="sm", variant="secondary", elem_id="clear")
        gr.HTML('<footer class="site-footer">回答摘自报告原文与统计表,未填报的数字显示为“未填报”。'
                '<a href="staff/" target="_blank" rel="noopener">工作人员入口</a></footer>')

        answer_args = dict(outputs=[chat_log, turns, question], show_progress="hidden", api_visibility="private",
                           concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
        question.submit(respond, [question, turns, report], **answer_args)
        send.click(respond, [question, turns, report], **answer_args)
        for text, button in zip(STARTERS, starter_buttons):
            button.click(starter(text), [turns, report], **answer_args)
        chat_log.click(on_log_click, [turns],
                       [panel, sidebar, feedback_form, rating, comment, feedback_target],
                       show_progress="hidden", api_visibility="private")
        feedback_send.click(send_feedback, [turns, feedback_target, rating, comment],
                            [chat_log, turns, feedback_form, feedback_target], api_visibility="private")
        feedback_cancel.click(lambda: (gr.Group(visible=False), None), None, [feedback_form, feedback_target],
                              api_visibility="private")
        clear_button.click(clear, None, [chat_log, turns, panel, sidebar, feedback_form, feedback_target, question],
                           show_progress="hidden", api_visibility="private")
        demo.load(on_load, None, [report], api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
    return demo
