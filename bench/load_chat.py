"""N concurrent chat users against a running app, through its HTTP API (`ask`), on loopback only.

Each user asks its questions one after another (a follow-up carries the previous turn as
history), as a person in the chat would, without think time. Bounded: at most 50 users,
a fixed number of questions each, and a wall-clock limit.

    .venv/bin/python app.py &                                   # or scripts/run.sh
    .venv/bin/python bench/load_chat.py --url http://127.0.0.1:7860 --users 1 10 20
"""
from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

QUESTIONS = [
    ("微博发了多少条?", None),
    ("行政诉讼有几起?", None),
    ("那行政复议呢?", "行政诉讼有几起?"),
    ("政府网站公开了多少条信息?", None),
    ("2019年有什么工作计划?", None),
    ("今天天气怎么样?", None),
    ("主动公开政府信息数是多少?", None),
    ("新闻发布会开了几次?", None),
]
MAX_USERS = 50
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def call_ask(base: str, question: str, history: list, timeout: float) -> dict:
    body = json.dumps({"data": [question, history, ""]}).encode()
    request = urllib.request.Request(f"{base}/gradio_api/call/ask", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{base}/gradio_api/call/ask/{event_id}", timeout=timeout) as response:
        event = None
        for raw in response:
            line = raw.decode("utf-8").strip()
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(line)
                return json.loads(line.split(":", 1)[1])[0]
    raise RuntimeError("no result")


def wait_for_app(base: str, timeout: float, up_to_s: float = 180) -> None:
    """Until the app answers once (which also warms it); a clear exit if it never does."""
    give_up = time.monotonic() + up_to_s
    while True:
        try:
            call_ask(base, QUESTIONS[0][0], [], timeout)
            return
        except OSError as error:
            if time.monotonic() > give_up:
                raise SystemExit(f"no app answering at {base}: {error}")
            time.sleep(0.5)


def run(base: str, users: int, per_user: int, deadline_s: float, timeout: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def user(number: int) -> None:
        answers: dict[str, str] = {}
        for n in range(per_user):
            if time.monotonic() > stop_at:
                return
            question, after = QUESTIONS[(number + n) % len(QUESTIONS)]
            history = [[after, answers[after]]] if after in answers else []
            started = time.perf_counter()
            try:
                result = call_ask(base, question, history, timeout)
                if "error" in result:
                    raise RuntimeError(result["error"])
                answers[question] = result["answer"]
                with lock:
                    latencies.append(time.perf_counter() - started)
            except (OSError, RuntimeError, ValueError) as error:
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:200])

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] if ordered else float("nan")

    return {"users": users, "requests": len(latencies) + len(errors), "errors": len(errors),
            "p50_ms": round(pct(0.50) * 1000), "p95_ms": round(pct(0.95) * 1000), "max_ms": round(pct(1.0) * 1000),
            "mean_ms": round(statistics.fmean(ordered) * 1000) if ordered else None,
            "throughput_rps": round(len(latencies) / wall, 1), "wall_s": round(wall, 1),
            "first_errors": errors[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 20])
    parser.add_argument("--per-user", type=int, default=10, help="questions each user asks (default 10)")
    parser.add_argument("--max-seconds", type=float, default=120, help="wall-clock limit per round")
    parser.add_argument("--timeout", type=float, default=60, help="per-request timeout")
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.url).hostname
    if host not in LOOPBACK:
        parser.error(f"loopback only, not {host}")
    if any(not 1 <= n <= MAX_USERS for n in args.users) or not 1 <= args.per_user <= 100:
        parser.error(f"users must be 1..{MAX_USERS}, per-user 1..100")
    base = args.url.rstrip("/")
    wait_for_app(base, args.timeout)
    for users in args.users:
        print(json.dumps(run(base, users, args.per_user, args.max_seconds, args.timeout), ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()
