"""HTML for the chat log, its numbered sources and the source panel.

Everything a user or a report wrote is escaped here, so a question such as
`<script>` shows as text and never runs.
"""
from __future__ import annotations

from html import escape

from index.chunking import signoff_text
from index.parse_narrative import INTRO_HEADING, SIGNOFF_HEADING
from index.report import Report, TableRow

MAX_SHOWN_QUESTION = 400  # a pasted 10,000-character question is cut in the bubble, not in what is asked
RATINGS = {"helpful": "有帮助", "wrong": "有错误"}
_STATUS_LABELS = {"refusal": "未找到答案", "notice": "提示", "error": "出错了"}

EMPTY_LOG = (
    '<div class="chat-empty">您好!我可以回答关于政府信息公开工作年度报告的问题,'
    "回答都附有报告原文出处。可以点击下方的示例问题,或直接输入您的问题。</div>"
)
PANEL_HINT = '<div class="panel-hint">点击回答下方的来源,在这里查看报告原文。</div>'


def _text(value: str) -> str:
    """Escaped, with line breaks kept (answers list one report per line)."""
    return escape(value).replace("\n", "<br>")


def row_from_dict(data: dict | None) -> TableRow | None:
    return TableRow(**data) if data else None


def source_summary(citation: dict, report_name: str = "") -> str:
    """One line for a source: the row's label, unit, value and parents, or the section and its quote."""
    prefix = f'<span class="src-report">{escape(report_name)}</span>' if report_name else ""
    row = row_from_dict(citation.get("row"))
    if citation["kind"] == "table_row" and row is not None:
        parents = " › ".join(row.parents)
        unit = f'<span class="src-unit">单位:{escape(row.unit)}</span>' if row.unit else ""
        value_class = "src-value blank" if row.is_blank else "src-value"
        return (f'{prefix}<span class="src-kind">统计表</span>'
                f'<span class="src-label">{escape(row.citation_label())}</span>{unit}'
                f'<span class="{value_class}">{escape(row.value_text())}</span>'
                + (f'<span class="src-parents">{escape(parents)}</span>' if parents else ""))
    return (f'{prefix}<span class="src-kind">正文</span><span class="src-label">{escape(citation["label"])}</span>'
            f'<span class="src-quote">“{escape(citation["quote"])}”</span>')


def _sources(turn_index: int, turn: dict, report_names: dict[str, str]) -> str:
    citations = turn.get("citations") or []
    if not citations:
        return ""
    several = len({c["report"] for c in citations}) > 1 or len(report_names) > 1
    items = "".join(
        f'<li><button type="button" class="src" data-turn="{turn_index}" data-src="{n}">'
        f'<span class="src-n">[{n + 1}]</span>{source_summary(c, report_names.get(c["report"], "") if several else "")}'
        f"</button></li>"
        for n, c in enumerate(citations))
    return f'<div class="sources"><div class="sources-title">来源(点击查看原文)</div><ol>{items}</ol></div>'


def _feedback(turn_index: int, turn: dict) -> str:
    if turn["status"] not in ("answer", "refusal"):
        return ""
    if turn.get("feedback"):
        return f'<div class="feedback done">已收到您的反馈({RATINGS[turn["feedback"]]}),谢谢!</div>'
    return (f'<div class="feedback">这个回答:'
            f'<button type="button" class="fb" data-turn="{turn_index}" data-rating="helpful">有帮助</button>'
            f'<button type="button" class="fb" data-turn="{turn_index}" data-rating="wrong">有错误</button></div>')


def render_turn(turn_index: int, turn: dict, report_names: dict[str, str]) -> str:
    question = turn["question"]
    if len(question) > MAX_SHOWN_QUESTION:
        question = question[:MAX_SHOWN_QUESTION] + f"…(共 {len(turn['question'])} 字)"
    status = turn["status"]
    if status == "pending" and not turn["text"]:
        body = '<span class="typing">正在查找报告…</span>'
    else:
        body = _text(turn["text"])
    label = _STATUS_LABELS.get(status)
    badge = f'<div class="badge">{label}</div>' if label else ""
    return (f'<div class="turn" data-turn="{turn_index}">'
            f'<div class="msg user"><div class="bubble">{_text(question)}</div></div>'
            f'<div class="msg bot {status}"><div class="bubble">{badge}<div class="answer-text">{body}</div>'
            f"{_sources(turn_index, turn, report_names)}{_feedback(turn_index, turn)}</div></div></div>")


def render_log(turns: list[dict], report_names: dict[str, str] | None = None) -> str:
    if not turns:
        return EMPTY_LOG
    names = report_names or {}
    return "".join(render_turn(n, t, names) for n, t in enumerate(turns))


def _highlight(text: str, quote: str) -> str:
    """The section text with the quoted span marked; a quote not found verbatim is shown above it."""
    start = text.find(quote) if quote else -1
    if start < 0:
        shown = f'<blockquote class="quote"><mark>{_text(quote)}</mark></blockquote>' if quote else ""
        return shown + f'<div class="section-text">{_text(text)}</div>'
    end = start + len(quote)
    return (f'<div class="section-text">{_text(text[:start])}<mark class="hit">{_text(text[start:end])}</mark>'
            f"{_text(text[end:])}</div>")


def _section_text(report: Report, heading: str) -> str | None:
    if heading == INTRO_HEADING:
        return report.intro
    if heading == SIGNOFF_HEADING:
        return signoff_text(report)
    for section in report.sections:
        if section.heading == heading:
            return section.text
    return None


def _same_row(a: TableRow, b: TableRow) -> bool:
    return (a.label, a.parents, a.columns, a.line) == (b.label, b.parents, b.columns, b.line)


def _table(report: Report, cited: TableRow) -> str:
    rows = [r for r in report.table_rows if r.table == cited.table]
    has_columns = any(r.columns for r in rows)
    head = "<tr><th>指标</th>" + ("<th>栏目</th>" if has_columns else "") + "<th>单位</th><th>数值</th></tr>"
    body = []
    for row in rows:
        classes = ["hit"] if _same_row(row, cited) else []
        if row.is_blank:
            classes.append("blank")
        depth = len(row.parents)
        columns = f"<td>{escape(' / '.join(row.columns))}</td>" if has_columns else ""
        value = "" if (row.is_blank and not row.unit) else escape(row.value_text())
        body.append(f'<tr class="{" ".join(classes)}"><td style="padding-left:{0.4 + depth * 0.8:.1f}em">'
                    f"{escape(row.label)}</td>{columns}<td>{escape(row.unit)}</td><td>{value}</td></tr>")
    return (f'<div class="table-wrap"><table class="stats"><caption>{escape(cited.table)}</caption>'
            f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>")


def render_source(report: Report | None, citation: dict) -> str:
    """The side panel: the full section with the quoted span highlighted, or the table with the row highlighted."""
    if report is None:
        return '<div class="panel-hint">这份报告已不在索引中。</div>'
    title = f'<div class="panel-report">{escape(report.title or report.report_id)}</div>'
    row = row_from_dict(citation.get("row"))
    if citation["kind"] == "table_row" and row is not None:
        return (title + f'<h3 class="panel-heading">统计表:{escape(row.citation_label())}'
                f'<span class="panel-value">{escape(row.value_text())}</span></h3>' + _table(report, row))
    text = _section_text(report, citation["label"])
    heading = f'<h3 class="panel-heading">{escape(citation["label"])}</h3>'
    if text is None:
        return title + heading + f'<blockquote class="quote"><mark>{_text(citation["quote"])}</mark></blockquote>'
    return title + heading + _highlight(text, citation["quote"])


def citation_list(citations: list, report_names: dict[str, str] | None = None) -> str:
    """Evidence for the staff views: the same one-line summaries, not clickable."""
    names = report_names or {}
    items = "".join(f"<li>{source_summary(c, names.get(c['report'], ''))}</li>" for c in citations)
    return f'<ol class="evidence">{items}</ol>' if items else ""
