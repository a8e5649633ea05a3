"""Builds the answering service in the background, so the page is served while the model loads."""
from __future__ import annotations

import logging
import threading
import time

from settings import Settings

log = logging.getLogger(__name__)

WARM_UP_QUESTION = "微博发了多少条?"


class ServiceNotReady(RuntimeError):
    """The service is still loading (or failed to load); the message is fit for the user."""


class ServiceLoader:
    def __init__(self, settings: Settings, service=None):
        self.settings = settings
        self._service = service
        self._ready = threading.Event()
        self._failed = False
        self.ready_after_s: float | None = None
        if service is not None:
            self._ready.set()

    def start(self) -> "ServiceLoader":
        if not self._ready.is_set():
            threading.Thread(target=self._build, name="service-loader", daemon=True).start()
        return self

    def _build(self) -> None:
        started = time.perf_counter()
        try:
            from assistant.build import build_service
            from index.components import Components

            service = build_service(Components(self.settings))
            service.ask(WARM_UP_QUESTION)  # first-question costs (tokenizer, caches) paid before a user waits
            self._service = service
            self.ready_after_s = time.perf_counter() - started
            log.info("answering service ready in %.1f s", self.ready_after_s)
        except Exception:
            self._failed = True
            log.exception("building the answering service failed")
        finally:
            self._ready.set()

    def get(self, timeout: float = 120.0):
        if not self._ready.wait(timeout):
            raise ServiceNotReady("系统正在启动,请稍后再试。")
        if self._failed or self._service is None:
            raise ServiceNotReady("抱歉,问答服务未能启动,请联系网站管理员。")
        return self._service

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self._service is not None

    @property
    def state(self) -> str:
        """'loading', 'ready' or 'failed': what the page tells its visitors."""
        if not self._ready.is_set():
            return "loading"
        return "ready" if self._service is not None else "failed"
