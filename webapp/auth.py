"""The staff login: credentials from GIA_STAFF_USER / GIA_STAFF_PASSWORD, checked again in every staff handler."""
from __future__ import annotations

import gradio as gr

from settings import Settings

DISABLED_MESSAGE = ("工作人员功能未启用:请设置环境变量 GIA_STAFF_PASSWORD(用户名用 GIA_STAFF_USER,默认 staff)"
                    "后重新启动服务。")


def staff_credentials(settings: Settings) -> tuple[str, str] | None:
    """None when no password is configured: the staff pages are then not served at all."""
    if not settings.staff_password:
        return None
    return settings.staff_user or "staff", settings.staff_password


def require_staff(request: gr.Request | None) -> str:
    """Gradio's login already guards the staff app's routes; this keeps a handler safe even if it
    were ever mounted without it."""
    user = getattr(request, "username", None) if request is not None else None
    if not user:
        raise gr.Error("需要工作人员登录。")
    return user
