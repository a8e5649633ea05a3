"""A scripted OpenAI-compatible chat endpoint on loopback, so the LLM tests need no network and no model."""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Slow:
    """Answer only after `seconds`, or when the server stops, whichever comes first."""

    seconds: float
    text: str = "行政诉讼2件[1]。"


@dataclass
class Fail:
    status: int = 500


Reply = str | Callable[[dict], str] | Slow | Fail


class FakeOpenAI:
    """POST /v1/chat/completions answers with the next scripted reply (a str, a function of the request
    body giving one, Slow or Fail) and records each request body; an unscripted request gets a 500."""

    def __init__(self):
        self.replies: deque[Reply] = deque()
        self.requests: list[dict] = []
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def script(self, *replies: Reply) -> None:
        self.replies = deque(replies)
        self.requests = []

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _reply(self, body: dict) -> tuple[int, dict]:
        self.requests.append(body)
        reply = self.replies.popleft() if self.replies else Fail(500)
        if isinstance(reply, Slow):
            self._stopping.wait(reply.seconds)
            reply = reply.text
        if callable(reply):
            reply = reply(body)
        if isinstance(reply, Fail):
            return reply.status, {"error": {"message": "scripted failure", "type": "server_error"}}
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", ""),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                self._send(*fake._reply(body))

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the slow reply): nothing to deliver

            def log_message(self, *args):
                pass

        return Handler
