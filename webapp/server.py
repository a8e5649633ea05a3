"""One FastAPI process: the citizens' chat at `/` and, with a staff password set, the staff app at `/staff/`
behind Gradio's login; without one `/staff/` only says how to enable it."""
from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from settings import Settings
from webapp.auth import DISABLED_MESSAGE, staff_credentials
from webapp.chat import build_chat
from webapp.feedback import FeedbackStore
from webapp.loader import ServiceLoader
from webapp.staff import build_staff

log = logging.getLogger(__name__)

CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
# System fonts only: Gradio's default theme would otherwise load its own web fonts.
THEME = gr.themes.Default(
    font=["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "system-ui", "sans-serif"],
    font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
)
CITIZEN_UPLOAD_LIMIT = "1mb"  # the chat takes no files; Gradio's upload route is still there, so keep it small
QUEUE_SIZE = 200


def _mount_options(max_file_size: str) -> dict:
    return dict(theme=THEME, css=CSS, footer_links=[], run_history=False, show_error=False,
                max_file_size=max_file_size, ssr_mode=False, mcp_server=False, pwa=False)


def create_app(loader: ServiceLoader, settings: Settings) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    feedback = FeedbackStore(settings.feedback_path)
    credentials = staff_credentials(settings)
    if credentials is None:
        page = (f'<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
                f"<title>工作人员</title><p>{DISABLED_MESSAGE}</p>")

        @app.get("/staff", response_class=HTMLResponse, status_code=403)
        @app.get("/staff/{rest:path}", response_class=HTMLResponse, status_code=403)
        def staff_disabled(rest: str = "") -> str:
            return page
    else:
        staff = build_staff(loader, feedback, settings).queue(max_size=QUEUE_SIZE)
        gr.mount_gradio_app(app, staff, path="/staff", auth=credentials,
                            auth_message="工作人员登录(账号由 GIA_STAFF_USER / GIA_STAFF_PASSWORD 配置)",
                            **_mount_options(f"{settings.max_upload_mb}mb"))
    chat = build_chat(loader, feedback).queue(max_size=QUEUE_SIZE)
    gr.mount_gradio_app(app, chat, path="", **_mount_options(CITIZEN_UPLOAD_LIMIT))
    return app


def serve(app: FastAPI, settings: Settings) -> None:
    log.info("serving on http://%s:%s/", settings.host, settings.port)
    print(f"政府信息公开年报问答: http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
