"""Memory under a long stream of chat requests: does the server's RSS level off, or grow with every request?

Starts `python app.py` on a free loopback port over a copy of an indexed data folder, sends chat requests
through the public `ask` API (each call is a new Gradio session) and through the chat's own Gradio event
(visitors who load the page and ask one to 80 questions in one session, some of them thousands of characters
long), and prints the server process's RSS every `--every` requests, then the growth per request over the
second half. The app is stopped by its process id at the end.

    .venv/bin/python bench/soak_bench.py                       # 10,000 requests, RSS every 500
    .venv/bin/python bench/soak_bench.py --requests 2000 --every 250 --data-dir var
    GIA_MAX_SESSIONS=50 .venv/bin/python bench/soak_bench.py    # settings in the environment reach the app
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load_chat import call_ask  # noqa: E402
from settings import Settings  # noqa: E402

TOPICS = ["微博发了多少条?", "行政诉讼有几起?", "行政复议有几起?", "政府网站公开了多少条信息?", "2019年有什么工作计划?",
          "新收政府信息公开申请多少件?", "主动公开政府信息数是多少?", "新闻发布会开了几次?", "收费多少?",
          "依申请公开办理结果如何?", "举报有几起?", "今天天气怎么样?", "你能做什么?", "这份报告是哪一年的?"]
SCOPES = ["", "西翥街道2018年", "淮安市2024年", "上海市人民政府办公厅2019年", "平潭综合实验区2015年"]
FOLLOW_UPS = ["那行政复议呢?", "去年呢?", "具体是多少?", "和上一年比呢?"]
PADDING = ("我想了解一下政府信息公开工作的整体情况,包括主动公开、依申请公开、行政复议和行政诉讼等各个方面,"
           "以及这些数字与上一年相比有什么变化。")
CHAT_SHARE = 0.5  # the rest go through the `ask` API
LONG_SHARE = 0.1  # questions thousands of characters long
MAX_VISITOR_TURNS = 80  # above the turns a session keeps, so the bound is exercised


def question(rng: random.Random, serial: int) -> str:
    """Varied wording, as real visitors type: scope, topic, often a unique tail, sometimes a long preamble."""
    text = rng.choice(SCOPES) + rng.choice(TOPICS)
    if rng.random() < 0.5:
        text = f"请问{text}(第{serial}位访客)"
    if rng.random() < LONG_SHARE:
        text = PADDING * rng.randint(20, 80) + text
    return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def post(url: str, payload: dict, timeout: float) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def run_event(base: str, session: str, fn_index: int, data: list, timeout: float) -> None:
    """One Gradio event in a browser's session: join the queue, then read the session's stream to its end."""
    joined = post(f"{base}/gradio_api/queue/join",
                  {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None,
                   "trigger_id": None}, timeout)
    with urllib.request.urlopen(f"{base}/gradio_api/queue/data?session_hash={session}", timeout=timeout) as stream:
        for raw in stream:
            line = raw.decode("utf-8").strip()
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("event_id") == joined["event_id"] and message.get("msg") == "process_completed":
                if not message.get("success", True):
                    raise RuntimeError(str(message.get("output"))[:200])
                return
    raise RuntimeError("event stream ended without a result")


class Soak:
    def __init__(self, base: str, total: int, timeout: float, seed: int):
        self.base = base
        self.total = total
        self.timeout = timeout
        self.seed = seed
        self.counter = itertools.count()
        self.done = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()
        config = json.loads(urllib.request.urlopen(f"{base}/config", timeout=timeout).read())
        names = [d.get("api_name") for d in config["dependencies"]]
        self.respond = names.index("respond")  # the question box's submit: [question, turns, report]
        self.page_load = names.index("page_state")

    def take(self) -> int | None:
        serial = next(self.counter)
        return serial if serial < self.total else None

    def finished(self, error: Exception | None = None) -> None:
        with self.lock:
            self.done += 1
            if error is not None:
                self.errors.append(f"{type(error).__name__}: {error}"[:200])

    def worker(self, number: int) -> None:
        rng = random.Random(self.seed * 1000 + number)
        visitor, turns_left = "", 0
        answers: list[list[str]] = []
        while (serial := self.take()) is not None:
            try:
                if rng.random() < CHAT_SHARE:
                    if turns_left == 0:  # a new visitor opens the page
                        visitor, turns_left = uuid.uuid4().hex, rng.choice([1, 2, 5, 10, 30, MAX_VISITOR_TURNS])
                        run_event(self.base, visitor, self.page_load, [], self.timeout)
                    turns_left -= 1
                    text = rng.choice(FOLLOW_UPS) if rng.random() < 0.2 else question(rng, serial)
                    run_event(self.base, visitor, self.respond, [text, None, "全部报告"], self.timeout)
                else:
                    history = answers[-2:] if rng.random() < 0.3 else []
                    text = rng.choice(FOLLOW_UPS) if history else question(rng, serial)
                    result = call_ask(self.base, text, history, self.timeout)
                    if "answer" in result:
                        answers = [*answers[-5:], [text[:200], result["answer"]]]
                self.finished()
            except Exception as error:  # counted and shown; the soak goes on
                self.finished(error)


def start_app(data_dir: Path, port: int, log_path: Path) -> subprocess.Popen:
    """The app gets this environment (GIA_MAX_SESSIONS and the like pass on) with its own data folder and port."""
    env = {**os.environ, "GIA_DATA_DIR": str(data_dir), "GIA_PORT": str(port), "GIA_HOST": "127.0.0.1",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_answering(base: str, app: subprocess.Popen, timeout: float, up_to_s: float = 600) -> None:
    give_up = time.monotonic() + up_to_s
    while time.monotonic() < give_up:
        if app.poll() is not None:
            raise SystemExit(f"app.py exited with {app.returncode}")
        try:
            if "answer" in call_ask(base, TOPICS[0], [], timeout):
                return
        except (OSError, RuntimeError, ValueError):
            pass
        time.sleep(0.5)
    raise SystemExit("app.py did not answer in time")


def stop_app(app: subprocess.Popen) -> None:
    if app.poll() is None:
        os.kill(app.pid, signal.SIGTERM)
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(app.pid, signal.SIGKILL)
            app.wait(timeout=30)


def soak(base: str, pid: int, args) -> None:
    runner = Soak(base, args.requests, args.timeout, args.seed)
    samples = [(0, rss_mb(pid))]
    print(f"{'requests':>8} {'seconds':>8} {'rss_mb':>8} {'errors':>6}", flush=True)
    print(f"{0:>8} {0:>8.0f} {samples[0][1]:>8.1f} {0:>6}", flush=True)
    started = time.perf_counter()
    threads = [threading.Thread(target=runner.worker, args=(n,), daemon=True) for n in range(args.users)]
    for thread in threads:
        thread.start()
    next_mark = args.every
    while any(thread.is_alive() for thread in threads) or next_mark <= runner.done:
        if runner.done >= next_mark:
            samples.append((next_mark, rss_mb(pid)))
            print(f"{next_mark:>8} {time.perf_counter() - started:>8.0f} {samples[-1][1]:>8.1f} "
                  f"{len(runner.errors):>6}", flush=True)
            next_mark += args.every
        else:
            time.sleep(0.2)
    if samples[-1][0] != runner.done:
        samples.append((runner.done, rss_mb(pid)))
    half = min(samples, key=lambda s: abs(s[0] - runner.done / 2))
    end = samples[-1]
    per_request_kb = (end[1] - half[1]) * 1024 / max(1, end[0] - half[0])
    print(f"start {samples[0][1]:.1f} MB, end {end[1]:.1f} MB after {runner.done} requests "
          f"in {time.perf_counter() - started:.0f} s, {len(runner.errors)} errors")
    print(f"growth over the second half ({half[0]} -> {end[0]}): {per_request_kb:.2f} KB per request")
    for error in runner.errors[:5]:
        print("error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=500, help="print RSS every this many requests")
    parser.add_argument("--users", type=int, default=4, help="concurrent clients")
    parser.add_argument("--data-dir", type=Path, default=Settings().data_dir,
                        help="an indexed data folder, copied first (an empty one is indexed by the app)")
    parser.add_argument("--timeout", type=float, default=120, help="per-request timeout")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not 1 <= args.users <= 16 or args.requests < 1 or args.every < 1:
        parser.error("users must be 1..16, requests and every at least 1")
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        data_dir = Path(tmp) / "data"
        if args.data_dir.is_dir():
            shutil.copytree(args.data_dir, data_dir, ignore=shutil.ignore_patterns("*.lock", "exports", "uploads"))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        app = start_app(data_dir, port, Path(tmp) / "app.log")
        try:
            wait_answering(base, app, args.timeout)
            print(f"app.py pid {app.pid} on {base}; {args.requests} requests, {args.users} clients, "
                  f"{CHAT_SHARE:.0%} through the chat event", flush=True)
            soak(base, app.pid, args)
        finally:
            stop_app(app)
            log = (Path(tmp) / "app.log").read_text(encoding="utf-8", errors="replace")
            print(f"app log: {log.count('Traceback')} tracebacks")


if __name__ == "__main__":
    main()
