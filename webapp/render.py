"""HTML for the chat log, its numbered sources and the source panel.

Everything a user or a report wrote is escaped here, so a question such as
`<script>` shows as text and never runs.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from urllib.parse import quote

from assistant.claims import number_text
from assistant.visible_text import visible
from index.chunking import signoff_text
from index.parse_narrative import INTRO_HEADING, SIGNOFF_HEADING
from index.report import Report, TableRow
from index.scan_places import scanned_page
from webapp.page_images import cited_page, page_figure

MAX_SHOWN_QUESTION = 400  # a pasted 10,000-character question is cut in the bubble, not in what is asked
RATINGS = {"helpful": "有帮助", "wrong": "有错误"}
_STATUS_LABELS = {"refusal": "未找到答案", "notice": "提示", "error": "出错了"}

EMPTY_LOG = ("您好!我可以回答关于政府信息公开工作年度报告的问题,回答都附有报告原文出处。"
             "可以点击下方的示例问题,或直接输入您的问题。")
SEARCHING = "正在查找报告…"
GETTING_READY = "系统正在准备(加载检索模型),准备好后马上为您查找…"
PANEL_HINT = '<div class="panel-hint">点击回答下方的来源,在这里查看报告原文。</div>'


def _text(value: str) -> str:
    """Escaped, with line breaks kept (answers list one report per line), and without characters that would
    turn or hide text (a report can carry bidi overrides and zero-width spaces)."""
    return escape(visible(value)).replace("\n", "<br>")


def row_from_dict(data: dict | None) -> TableRow | None:
    return TableRow(**data) if data else None


def source_summary(citation: dict, report_name: str = "") -> str:
    """One line for a source: the row's label, unit, value and parents, or the section and its quote; and
    the page, where a scanned report's page was read by OCR."""
    prefix = f'<span class="src-report">{escape(report_name)}</span>' if report_name else ""
    row = row_from_dict(citation.get("row"))
    page = citation.get("page") or (row.page if row is not None else None)
    where = f'<span class="src-page">({scanned_page(page)})</span>' if page else ""
    if citation["kind"] == "table_row" and row is not None:
        parents = " › ".join(row.parents)
        unit = f'<span class="src-unit">单位:{escape(row.unit)}</span>' if row.unit else ""
        value_class = "src-value blank" if row.is_blank else "src-value"
        return (f'{prefix}<span class="src-kind">统计表</span>'
                f'<span class="src-label">{escape(row.citation_label())}</span>{unit}'
                f'<span class="{value_class}">{escape(row.value_text())}</span>{where}'
                + (f'<span class="src-parents">{escape(parents)}</span>' if parents else ""))
    return (f'{prefix}<span class="src-kind">正文</span><span class="src-label">{escape(citation["label"])}</span>'
            f'{where}<span class="src-quote">“{escape(visible(citation["quote"]))}”</span>')


def _sources(turn_index: int, turn: dict, report_names: dict[str, str]) -> str:
    """Numbered source buttons; a button's value (data attributes do not survive the chat's
    sanitizer) tells the page which turn and which source was clicked."""
    citations = turn.get("citations") or []
    if not citations:
        return ""
    several = len({c["report"] for c in citations}) > 1 or len(report_names) > 1
    items = "".join(
        f'<li><button type="button" class="src" value="src:{turn_index}:{n}">'
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
            f'<button type="button" class="fb" value="fb:{turn_index}:helpful">有帮助</button>'
            f'<button type="button" class="fb" value="fb:{turn_index}:wrong">有错误</button></div>')


_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_INLINE_MARKUP = re.compile(r"([\\`*_~$])")  # emphasis, code, strike-through, LaTeX
_QUESTION_MARKUP = re.compile(r"([\\`*_~$\[\]#>|])")  # and links, headings, quotes, table cells
_RULE_LINE = re.compile(r"^(\s*[-=*_])(?=[-=*_\s]*$)")  # a line of dashes would be a rule or a heading's underline
_LINE_START = re.compile(r"^(\s*)(\d+)\.(\s)|^(\s*)([-+=])(?=\s|[-=]*\s*$)")  # lists, rules, headings


def _literal_line(line: str, markup: re.Pattern = _INLINE_MARKUP) -> str:
    """One line (HTML already escaped) that Markdown shows as written."""
    line = markup.sub(r"\\\1", line)
    return _LINE_START.sub(lambda m: f"{m[1]}{m[2]}\\.{m[3]}" if m[2] else f"{m[4]}\\{m[5]}", line)


def plain_markdown(value: str) -> str:
    """Text a user wrote, shown literally by the chat's Markdown renderer."""
    return "\n".join(_literal_line(line, _QUESTION_MARKUP) for line in escape(value, quote=False).split("\n"))


def answer_markdown(text: str) -> str:
    """An answer for the chat's Markdown renderer: its comparison tables (`| 报告 | 指标 | 数值 |`) and lists
    stay tables and lists, set apart by blank lines (a line of text right after a table would otherwise be read as
    one more row); HTML, emphasis and code marks in quoted report text are shown as text."""
    lines = escape(text, quote=False).split("\n")
    out: list[str] = []
    in_table = False
    for line in lines:
        is_table = bool(_TABLE_LINE.match(line))
        if is_table != in_table and out and out[-1] != "":
            out.append("")
        out.append(line if is_table else _RULE_LINE.sub(r"\\\1", _INLINE_MARKUP.sub(r"\\\1", line)))
        in_table = is_table
    return "\n".join(out)


def shown_question(question: str) -> str:
    if len(question) > MAX_SHOWN_QUESTION:
        return question[:MAX_SHOWN_QUESTION] + f"…(共 {len(question)} 字)"
    return question


# A trend's chart: years across in percent of the bubble's width (the chat's sanitizer drops `viewBox`, so the
# SVG cannot scale; this way it fits any width and its text keeps its size), values up in pixels.
CHART_HEIGHT, CHART_TOP, CHART_BASE = 200, 34, 166
CHART_LEFT, CHART_RIGHT = 8.0, 92.0


def chart_name(series: dict) -> str:
    years = [p["year"] for p in series["points"]]
    return f"{series['label']} {min(years)}–{max(years)} 年折线图"


def trend_chart(series: dict) -> str:
    """A line over the years that have a number, each point labelled with it; a year without one (未填报,
    无法识别, 无此项) is a gap in the line marked with the reason, never a point at 0."""
    points = series["points"]
    first, last = points[0]["year"], points[-1]["year"]
    values = [p["value"] for p in points if p["value"] is not None]
    low, high = min(0.0, *values), max(values)
    high = high if high > low else low + 1

    def x(year: int) -> str:
        share = (year - first) / (last - first) if last > first else 0.5
        return f"{CHART_LEFT + share * (CHART_RIGHT - CHART_LEFT):.2f}%"

    def y(value: float) -> str:
        return f"{CHART_BASE - (value - low) / (high - low) * (CHART_BASE - CHART_TOP):.1f}"

    middle = (CHART_TOP + CHART_BASE) / 2
    parts = [f'<line class="axis" x1="0" y1="{y(0)}" x2="100%" y2="{y(0)}"></line>']
    for point, after in zip(points, points[1:]):
        if point["value"] is not None and after["value"] is not None:
            parts.append(f'<line class="line" x1="{x(point["year"])}" y1="{y(point["value"])}" '
                         f'x2="{x(after["year"])}" y2="{y(after["value"])}"></line>')
    for point in points:
        at, said = x(point["year"]), escape(f'{point["year"]}年:{point["text"]}')
        if point["value"] is None:
            parts.append(f'<line class="gap" x1="{at}" y1="{CHART_TOP}" x2="{at}" y2="{CHART_BASE}"><title>{said}'
                         f'</title></line><text class="gap-label" x="{at}" y="{middle}">{escape(point["text"])}</text>')
        else:
            top = y(point["value"])
            parts.append(f'<circle class="point" cx="{at}" cy="{top}" r="4"><title>{said}</title></circle>'
                         f'<text class="point-value" x="{at}" y="{float(top) - 10:.1f}">'
                         f'{number_text(point["value"])}</text>')
        parts.append(f'<text class="year" x="{at}" y="{CHART_HEIGHT - 10}">{point["year"]}</text>')
    name = escape(chart_name(series))
    described = escape("；".join(f'{p["year"]}年 {p["text"]}' for p in points) + "。")
    unit = f"(单位:{escape(series['unit'])})" if series["unit"] else ""
    return (f'<figure class="trend-chart"><svg class="chart" width="100%" height="{CHART_HEIGHT}">'
            f'<title>{name}</title><desc>{described}</desc>{"".join(parts)}</svg>'
            f"<figcaption>{name}{unit}</figcaption></figure>")


def turn_messages(turn_index: int, turn: dict, report_names: dict[str, str]) -> list[dict]:
    """One turn as chat messages: the question; the answer (Markdown, so the copy button copies the
    answer alone); a trend's chart, its numbered sources and the feedback buttons, when it has any."""
    status = turn["status"]
    if status == "pending" and not turn["text"]:
        waiting = turn.get("waiting") or SEARCHING
        body = f'<span class="typing">{escape(waiting)}</span>'
    else:
        label = _STATUS_LABELS.get(status)
        badge = f'<span class="badge badge-{status}">{label}</span>\n\n' if label else ""
        body = badge + answer_markdown(turn["text"])
    messages = [{"role": "user", "content": plain_markdown(shown_question(turn["question"]))},
                {"role": "assistant", "content": body}]
    chart = trend_chart(turn["series"]) if turn.get("series") else ""
    extra = chart + _sources(turn_index, turn, report_names) + _feedback(turn_index, turn)
    if extra and status != "pending":
        messages.append({"role": "assistant", "content": f'<div class="turn-extra">{extra}</div>'})
    return messages


def render_messages(turns: list[dict], report_names: dict[str, str] | None = None) -> list[dict]:
    """The conversation as gr.Chatbot messages."""
    names = report_names or {}
    return [message for n, turn in enumerate(turns) for message in turn_messages(n, turn, names)]


def _highlight(text: str, quote: str) -> str:
    """The section text with the quoted span marked; a quote not found verbatim is shown above it. Both are
    compared as shown, so a quote from text with zero-width or bidi characters is still found."""
    text, quote = visible(text), visible(quote)
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


def _section_anchor(report: Report, heading: str) -> str:
    if heading == INTRO_HEADING:
        return "intro"
    if heading == SIGNOFF_HEADING:
        return "signoff"
    for number, section in enumerate(report.sections):
        if section.heading == heading:
            return f"sec-{number}"
    return ""


def _same_row(a: TableRow, b: TableRow) -> bool:
    return (a.label, a.parents, a.columns, a.line) == (b.label, b.parents, b.columns, b.line)


def table_names(report: Report) -> list[str]:
    """The report's statistics tables, in the order their rows appear."""
    return list(dict.fromkeys(row.table for row in report.table_rows))


def stats_table(rows: list[TableRow], caption: str, cited: TableRow | None = None, table_id: str = "") -> str:
    """One statistics table: label (indented under its parents), columns, unit, value; a blank cell reads 未填报."""
    has_columns = any(r.columns for r in rows)
    head = ('<tr><th scope="col">指标</th>' + ('<th scope="col">栏目</th>' if has_columns else "")
            + '<th scope="col">单位</th><th scope="col">数值</th></tr>')
    body = []
    for row in rows:
        classes = ["hit"] if cited is not None and _same_row(row, cited) else []
        if row.is_blank:
            classes.append("blank")
        depth = len(row.parents)
        columns = f"<td>{escape(' / '.join(row.columns))}</td>" if has_columns else ""
        value = "" if (row.is_blank and not row.unit) else escape(row.value_text())
        body.append(f'<tr class="{" ".join(classes)}"><td style="padding-left:{0.4 + depth * 0.8:.1f}em">'
                    f"{escape(row.label)}</td>{columns}<td>{escape(row.unit)}</td><td>{value}</td></tr>")
    anchor = f' id="{escape(table_id)}"' if table_id else ""
    return (f'<div class="table-wrap"><table class="stats"{anchor}><caption>{escape(caption)}</caption>'
            f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>")


def report_href(report_id: str, anchor: str = "") -> str:
    """Relative to the chat page, so the links work under any mount path."""
    return f"reports/{quote(report_id, safe='')}" + (f"#{anchor}" if anchor else "")


def original_href(report_id: str) -> str:
    return f"reports/{quote(report_id, safe='')}/original"


def _panel_links(report: Report, anchor: str, has_original: bool) -> str:
    links = [f'<a href="{escape(report_href(report.report_id, anchor))}" target="_blank" rel="noopener">阅读报告全文</a>']
    if has_original:
        links.append(f'<a href="{escape(original_href(report.report_id))}" download>下载原文</a>')
    return f'<div class="panel-links">{"".join(links)}</div>'


def render_source(report: Report | None, citation: dict, has_original: bool = False) -> str:
    """The side panel: the full section with the quoted span highlighted, or the table with the row highlighted;
    from a scanned report, first the page it was read from with the quote or row outlined."""
    if report is None:
        return '<div class="panel-hint">这份报告已不在索引中。</div>'
    title = f'<div class="panel-report">{escape(report.title or report.report_id)}</div>'
    row = row_from_dict(citation.get("row"))
    page, boxes = cited_page(report, citation)
    scan = page_figure(report.report_id, page, boxes, has_original) if page else ""
    if citation["kind"] == "table_row" and row is not None:
        names = table_names(report)
        anchor = f"table-{names.index(row.table)}" if row.table in names else ""
        return (title + f'<h3 class="panel-heading">统计表:{escape(row.citation_label())}'
                f'<span class="panel-value">{escape(row.value_text())}</span></h3>' + scan
                + stats_table([r for r in report.table_rows if r.table == row.table], row.table, row)
                + _panel_links(report, anchor, has_original))
    text = _section_text(report, citation["label"])
    heading = f'<h3 class="panel-heading">{escape(citation["label"])}</h3>' + scan
    links = _panel_links(report, _section_anchor(report, citation["label"]), has_original)
    if text is None:
        return (title + heading + f'<blockquote class="quote"><mark>{_text(citation["quote"])}</mark></blockquote>'
                + links)
    return title + heading + _highlight(text, citation["quote"]) + links


def report_name(unit: str, year: int | None, title: str, report_id: str) -> str:
    """How a report is named to citizens: unit and year, else its title."""
    if unit:
        return f"{unit}{year or ''}{'年' if year else ''}报告"
    return title or report_id


def render_report(report: Report, has_original: bool) -> str:
    """The whole report as one page: the narrative, every statistics table (blank cells 未填报), the sign-off."""
    parts = []
    toc = []
    if report.intro:
        toc.append(("intro", INTRO_HEADING))
        parts.append(f'<section id="intro"><h2>{INTRO_HEADING}</h2>'
                     f'<div class="section-text">{_text(report.intro)}</div></section>')
    for number, section in enumerate(report.sections):
        toc.append((f"sec-{number}", section.heading))
        parts.append(f'<section id="sec-{number}"><h2>{escape(section.heading)}</h2>'
                     f'<div class="section-text">{_text(section.text)}</div></section>')
    for number, name in enumerate(table_names(report)):
        toc.append((f"table-{number}", f"附表:{name}"))
        parts.append("<section><h2>附表</h2>"
                     + stats_table([r for r in report.table_rows if r.table == name], name, table_id=f"table-{number}")
                     + "</section>")
    if report.signoff:
        toc.append(("signoff", SIGNOFF_HEADING))
        items = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in report.signoff.items())
        parts.append(f'<section id="signoff"><h2>{escape(SIGNOFF_HEADING)}</h2><dl class="signoff">{items}</dl></section>')
    contents = "".join(f'<li><a href="#{a}">{escape(label)}</a></li>' for a, label in toc)
    download = (f'<a class="download" href="{escape(quote(report.report_id, safe=""))}/original" download>'
                f"下载原文({escape(Path(report.source).suffix.lstrip('.').upper() or '文件')})</a>"
                if has_original else "")
    title = escape(report.title or report.report_id)
    meta = "、".join(x for x in (report.unit, f"{report.year}年度" if report.year else "") if x)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title} · {SITE_TITLE}</title>"
            f'<meta name="description" content="{title}全文,含统计表(未填报的数字显示为“未填报”)。">'
            f"<style>{REPORT_PAGE_CSS}</style></head><body>"
            f'<header><nav><a href="../">← 返回{SITE_TITLE}</a></nav><h1>{title}</h1>'
            f'<p class="meta">{escape(meta)}{download}</p></header>'
            f'<nav class="toc" aria-label="目录"><h2>目录</h2><ol>{contents}</ol></nav>'
            f'<main>{"".join(parts) or "<p>这份报告没有可显示的正文。</p>"}</main></body></html>')


SITE_TITLE = "政府信息公开年报问答"
REPORT_PAGE_CSS = """
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif;
  max-width: 860px; margin: 0 auto; padding: 0.8rem 1rem 3rem; line-height: 1.8; color: #1f2937; }
h1 { font-size: 1.4rem; line-height: 1.4; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
.meta { color: #4b5563; } .download { margin-left: 1em; }
.toc ol { padding-left: 1.4rem; } .toc h2 { margin-top: 0.6rem; }
.section-text { overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table.stats { border-collapse: collapse; width: 100%; font-size: 0.9rem; line-height: 1.5; }
table.stats caption { font-weight: 600; text-align: left; padding: 0.3rem 0; }
table.stats th, table.stats td { border: 1px solid #d1d5db; padding: 0.2rem 0.4rem; vertical-align: top; }
table.stats td:nth-last-child(-n+2), table.stats th:nth-last-child(-n+2) { white-space: nowrap; }
table.stats tr.blank td:last-child { color: #b45309; }
dl.signoff div { display: flex; gap: 0.6em; } dl.signoff dt { font-weight: 600; } dl.signoff dd { margin: 0; }
section:target > h2, table:target > caption { background: #fef3c7; }
"""


def not_found_page(message: str, home: str = "/") -> str:
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{SITE_TITLE}</title></head>'
            f'<body><p>{escape(message)}</p><p><a href="{escape(home)}">返回{SITE_TITLE}</a></p></body></html>')


def citation_list(citations: list, report_names: dict[str, str] | None = None) -> str:
    """Evidence for the staff views: the same one-line summaries, not clickable."""
    names = report_names or {}
    items = "".join(f"<li>{source_summary(c, names.get(c['report'], ''))}</li>" for c in citations)
    return f'<ol class="evidence">{items}</ol>' if items else ""
