"""Password guessing on the staff login is slowed, then stopped, per client and per account.

600 wrong logins went through in 0.7 s and the right password still worked at once. Now every failed
login is logged; each failure in the window doubles the wait before the next try from that client or
for that account, and past `max_failures` the login answers 429 until the window has passed — for the
right password too, so a guesser cannot tell when it found it.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__name__)

BASE_DELAY_S = 0.25
MAX_DELAY_S = 4.0
MAX_FORM_BYTES = 4096  # a login form is a name and a password


class LoginThrottle:
    def __init__(self, max_failures: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= self._clock() - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]  # bounded: only keys with failures in the window are kept
            return deque()
        return times

    def _count(self, client: str, account: str) -> tuple[int, float]:
        """(failures in the window for the client or the account, whichever is more; when the oldest expires)."""
        keys = (f"client:{client}", f"account:{account}")
        recents = [self._recent(key) for key in keys]
        worst = max(recents, key=len)
        return len(worst), (worst[0] + self.window_s - self._clock()) if worst else 0.0

    def retry_after(self, client: str, account: str) -> float:
        """Seconds until this client may try this account again; 0 when it may now."""
        with self._lock:
            count, expires = self._count(client, account)
        return max(expires, 1.0) if count >= self.max_failures else 0.0

    def delay(self, client: str, account: str) -> float:
        """The wait before a try is checked: doubles with every recent failure."""
        with self._lock:
            count, _ = self._count(client, account)
        return 0.0 if count == 0 else min(BASE_DELAY_S * 2 ** (count - 1), MAX_DELAY_S)

    def failed(self, client: str, account: str) -> None:
        log.warning("工作人员登录失败: 账号 %r, 来自 %s", account, client)
        with self._lock:
            for key in (f"client:{client}", f"account:{account}"):
                self._failures.setdefault(key, deque()).append(self._clock())


class StaffLoginGuard:
    """ASGI middleware in front of the staff app's login route (Gradio's own, which has no throttle)."""

    def __init__(self, app, throttle: LoginThrottle, path: str = "/staff/login"):
        self.app = app
        self.throttle = throttle
        self.path = path

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != self.path:
            return await self.app(scope, receive, send)
        body = await _read_body(receive)
        account = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("username", [""])[0].strip()
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.throttle.retry_after(client, account)
        if wait:
            return await _too_many(send, wait)
        await asyncio.sleep(self.throttle.delay(client, account))
        status: list[int] = []

        async def replay():
            return {"type": "http.request", "body": body, "more_body": False}

        async def watch(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, replay, watch)
        if status and status[0] >= 400:
            self.throttle.failed(client, account)


async def _read_body(receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if not message.get("more_body") or size > MAX_FORM_BYTES:
            return b"".join(chunks)[:MAX_FORM_BYTES]


async def _too_many(send, wait: float) -> None:
    body = '{"detail": "登录失败次数过多,请稍后再试。"}'.encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"retry-after", str(int(wait + 0.999)).encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
