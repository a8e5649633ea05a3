"""One FastAPI process: the citizens' chat at `/`, the indexed reports at `/reports/`, and, with a staff password
set, the staff app at `/staff/` behind Gradio's login; without one `/staff/` only says how to enable it."""
from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import re
import sys
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

from settings import Settings
from webapp.auth import DISABLED_MESSAGE, staff_credentials
from webapp.login_throttle import LoginThrottle, StaffLoginGuard
from webapp.chat import build_chat
from webapp.feedback import FeedbackStore
from webapp.loader import ServiceLoader
from webapp.render import SITE_TITLE, not_found_page, render_report
from webapp.reports import ReportCatalog, original_file
from webapp.sessions import forget_finished_streams, forget_idle_sessions, limit_sessions
from webapp.staff import build_staff, sweep_exports

log = logging.getLogger(__name__)

CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
# System fonts only: Gradio's default theme would otherwise load its own web fonts.
THEME = gr.themes.Default(
    font=["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "system-ui", "sans-serif"],
    font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
)
# Routes through which Gradio takes files from a browser. The chat takes none, so on the citizens' app they
# are refused before Gradio sees them; the staff app (/staff/gradio_api/upload, behind its login) keeps its own.
UPLOAD_ROUTES = frozenset(("/gradio_api/upload", "/gradio_api/process_recording"))
# Gradio's file routes serve whatever lies in its cache folder, which all mounted apps share: the staff app's
# downloads (feedback with phone numbers) are copied there too. The chat serves no files, so on the citizens'
# app they are refused; the staff app's own (/staff/gradio_api/file=) answer only a logged-in session.
FILE_ROUTE = re.compile(r"/+(?:gradio_api/+)?file[=/]")
QUEUE_SIZE = 200
DESCRIPTION = "就政府信息公开工作年度报告提问,回答摘自报告原文与统计表,并注明出处。"

# Read by the page before Gradio's own scripts: Gradio's interface strings follow the browser's language, so
# it is told the page is Chinese; a few labels Gradio writes in English only are put into Chinese as they appear.
PAGE_HEAD = f"""<title>{SITE_TITLE}</title>
<meta name="description" content="{DESCRIPTION}">
<meta property="og:type" content="website">
<meta property="og:title" content="{SITE_TITLE}">
<meta property="og:description" content="{DESCRIPTION}">
<meta property="og:locale" content="zh_CN">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="{SITE_TITLE}">
<meta name="twitter:description" content="{DESCRIPTION}">
<style>@media (max-width: 640px) {{ .gradio-container > .main.app {{ padding: 8px 10px !important; }} }}</style>
<script>
(() => {{
  const define = (name, value) => {{
    try {{ Object.defineProperty(Navigator.prototype, name, {{get: () => value, configurable: true}}); }} catch (e) {{}}
  }};
  define('language', 'zh-CN');
  define('languages', Object.freeze(['zh-CN', 'zh']));
  const labels = {{
    'chatbot conversation': '对话记录', 'Copy message': '复制这条消息', 'Copied message': '已复制',
    'Toggle Sidebar': '报告原文面板(显示或隐藏)', 'Copy conversation': '复制全部对话',
    'Copied conversation': '已复制全部对话', 'Gradio footer navigation': '页脚', 'Scroll down': '滚动到最新',
  }};
  const fix = (el) => {{
    for (const attr of ['aria-label', 'title']) {{
      const value = el.getAttribute(attr);
      if (value === null) continue;
      if (labels[value]) el.setAttribute(attr, labels[value]);
      else if (attr === 'aria-label' && /^(user|bot)'s message: /.test(value)) el.removeAttribute(attr);
    }}
  }};
  const sweep = (root) => {{
    if (root.nodeType !== 1) return;
    fix(root);
    root.querySelectorAll('[aria-label], [title]').forEach(fix);
  }};
  new MutationObserver((changes) => {{
    for (const change of changes) {{
      if (change.type === 'attributes') fix(change.target);
      else change.addedNodes.forEach(sweep);
    }}
  }}).observe(document.documentElement, {{subtree: true, childList: true, attributes: true,
                                          attributeFilter: ['aria-label', 'title']}});
}})();
</script>
"""
_GRADIO_META = re.compile(r'\s*<meta\s+(?:property="og:[^"]*"|name="twitter:[^"]*")\s+content="[^"]*"\s*/?>', re.S)
_MANIFEST = re.compile(r'\s*<link rel="manifest"[^>]*>')


def citizen_page(html: str) -> str:
    """Gradio's page with this site's title, language and link-preview tags instead of Gradio's own."""
    html = _GRADIO_META.sub("", html)
    html = _MANIFEST.sub("", html)
    html = re.sub(r"<html(\s+)lang=\"en\"", r'<html\1lang="zh-CN"', html, count=1)
    return re.sub(r'(<meta charset="utf-8" */?>)', lambda m: m[1] + "\n" + PAGE_HEAD, html, count=1)


class CitizenGuard:
    """ASGI middleware: refuses uploads to the citizens' app and its file routes, and rewrites the head of
    its page."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):] or "/"
        if path.rstrip("/") in UPLOAD_ROUTES:
            return await _refuse(send, "本站问答页不接受上传文件。")
        if FILE_ROUTE.match(path):
            return await _refuse(send, "本站问答页不提供文件。")
        if path == "/" and scope["method"] == "GET":
            return await self.app(scope, receive, _rewriting_html(send))
        return await self.app(scope, receive, send)


async def _refuse(send, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _rewriting_html(send):
    """A `send` that holds back an HTML response, then passes it on through citizen_page."""
    start: dict | None = None
    chunks: list[bytes] = []

    async def wrapped(message):
        nonlocal start
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            if b"text/html" not in headers.get(b"content-type", b""):
                start = None
                return await send(message)
            start = message
            return None
        if message["type"] != "http.response.body" or start is None:
            return await send(message)
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return None
        body = citizen_page(b"".join(chunks).decode("utf-8")).encode("utf-8")
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length", b"etag")]
        await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return wrapped


def _mount_options(max_file_size: str | None) -> dict:
    return dict(theme=THEME, css=CSS, footer_links=[], run_history=False, show_error=False,
                max_file_size=max_file_size, ssr_mode=False, mcp_server=False, pwa=False)


def add_report_routes(app: FastAPI, catalog: ReportCatalog) -> None:
    """`/reports/{id}`: the whole indexed report as a page; `/reports/{id}/original`: the file it was indexed
    from; `/reports/{id}/page/{n}.png`: a page of that file as an image. Only reports in the index are found,
    so no other file on the server can be reached this way."""

    @app.get("/reports/{report_id}", response_class=HTMLResponse)
    def read_report(report_id: str):
        report = catalog.report(report_id)
        if report is None:
            return HTMLResponse(not_found_page("没有找到这份报告,它可能已被删除。", "../"), status_code=404)
        return HTMLResponse(render_report(report, has_original=original_file(report) is not None))

    @app.get("/reports/{report_id}/original")
    def download_original(report_id: str):
        report = catalog.report(report_id)
        path = original_file(report)
        if path is None:
            message = "没有找到这份报告。" if report is None else "这份报告的原文文件已不在服务器上。"
            return HTMLResponse(not_found_page(message, "../../"), status_code=404)
        return FileResponse(path, filename=path.name, content_disposition_type="attachment")

    @app.get("/reports/{report_id}/page/{number}.png")
    def page_image(report_id: str, number: str):
        """A page of the original file (a scanned report's cited page), rendered once and kept."""
        image = catalog.page_image(report_id, int(number)) if number.isdigit() and len(number) <= 6 else None
        if image is None:
            message = "没有找到这份报告。" if catalog.report(report_id) is None else "这份报告的原文没有这一页。"
            return HTMLResponse(not_found_page(message, "../../../"), status_code=404)
        return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


# glibc's allocator. Answering allocates and frees large buffers (the embedding model's, a long question's,
# Gradio's per-session copies of the page's config) from up to 41 threads; glibc gives busy threads arenas of
# their own (up to 8 per core) and hands freed memory back to the system only from the top of an arena. Measured
# with 50 sessions kept (bench/soak_bench.py's mix): the memory malloc had in use stayed at ~550 MB while what
# it had freed but kept grew 150 -> 295 MB over 3,000 requests, and RSS with it, ~50 KB a request with no
# plateau; malloc_trim gave back 120 MB of it at once (it takes 5-20 ms). So: at most two arenas, and freed
# pages handed back every housekeeping period. Where the C library is not glibc nothing is done.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


_LIBC = _glibc()


def limit_malloc_arenas() -> None:
    """Before the answering threads start: arenas made earlier stay, no more than MALLOC_ARENAS are added
    (MALLOC_ARENA_MAX in the environment, read by glibc itself, takes precedence)."""
    if _LIBC is not None and "MALLOC_ARENA_MAX" not in os.environ:
        _LIBC.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


def release_freed_memory() -> None:
    """Returns the allocator's free pages to the system."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def housekeeping(mounted: list[gr.Blocks], settings: Settings):
    """A lifespan that, while the server runs, forgets sessions unused for `session_ttl_s` and the queue's
    records of finished API calls, removes staff downloads older than `export_keep_s` and hands freed memory
    back to the system, looking every few seconds."""
    period = max(1.0, min(60.0, min(settings.session_ttl_s, settings.export_keep_s) / 4))

    def tidy() -> None:
        try:
            forgotten = sum(forget_idle_sessions(blocks, settings.session_ttl_s) for blocks in mounted)
            if forgotten:
                log.info("forgot %d sessions idle for %d s", forgotten, settings.session_ttl_s)
            sweep_exports(settings.exports_dir, settings.export_keep_s)
            release_freed_memory()
        except Exception:
            log.exception("housekeeping failed")

    async def every_period() -> None:
        while True:
            await asyncio.sleep(period)
            try:  # on the event loop, where Gradio's queue changes these records
                for blocks in mounted:
                    forget_finished_streams(blocks)
            except Exception:
                log.exception("housekeeping failed")
            await asyncio.to_thread(tidy)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        task = asyncio.create_task(every_period())
        try:
            yield
        finally:
            task.cancel()

    return lifespan


def create_app(loader: ServiceLoader, settings: Settings) -> FastAPI:
    limit_malloc_arenas()
    feedback = FeedbackStore(settings.feedback_path)
    catalog = ReportCatalog(settings)
    credentials = staff_credentials(settings)
    staff = None if credentials is None else build_staff(loader, feedback, settings).queue(max_size=QUEUE_SIZE)
    chat = build_chat(loader, feedback, catalog).queue(max_size=QUEUE_SIZE)
    mounted = [blocks for blocks in (staff, chat) if blocks is not None]
    for blocks in mounted:
        limit_sessions(blocks, settings.max_sessions)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=housekeeping(mounted, settings))
    add_report_routes(app, catalog)
    if staff is None:
        page = (f'<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
                f"<title>工作人员</title><p>{DISABLED_MESSAGE}</p>")

        @app.get("/staff", response_class=HTMLResponse, status_code=403)
        @app.get("/staff/{rest:path}", response_class=HTMLResponse, status_code=403)
        def staff_disabled(rest: str = "") -> str:
            return page
    else:
        gr.mount_gradio_app(app, staff, path="/staff", auth=credentials, auth_message="工作人员登录",
                            **_mount_options(f"{settings.max_upload_mb}mb"))
        app.add_middleware(StaffLoginGuard,
                           throttle=LoginThrottle(settings.login_max_failures, settings.login_window_s))
    gr.mount_gradio_app(app, chat, path="", **_mount_options("1kb"))
    app.add_middleware(CitizenGuard)
    return app


def serve(app: FastAPI, settings: Settings) -> None:
    log.info("serving on http://%s:%s/", settings.host, settings.port)
    print(f"{SITE_TITLE}: http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
