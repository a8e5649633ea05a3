"""Running `python app.py` for the web tests: a subprocess on a free loopback port with its own data folder,
raw HTTP calls to its API, and Debian's Chromium for Playwright."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STAFF_USER = "inspector"
STAFF_PASSWORD = "s3cret-test-pw"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def indexed_copy(source: Path, target: Path) -> Path:
    """A private copy of an indexed data folder, so an app's uploads and feedback stay its own."""
    shutil.copytree(source, target)
    return target


class AppProcess:
    """`python app.py` started and stopped by its own process id."""

    def __init__(self, data_dir: Path, password: str | None = STAFF_PASSWORD, **env: str):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"app-{self.port}.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "GIA_", "LLM_"))}
        self.env.update(GIA_DATA_DIR=str(data_dir), GIA_PORT=str(self.port), GIA_HOST="127.0.0.1",
                        HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", **env)
        if password:
            self.env.update(GIA_STAFF_USER=STAFF_USER, GIA_STAFF_PASSWORD=password)
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> "AppProcess":
        with open(self.log_path, "ab") as log:
            self.started_at = time.perf_counter()
            self.process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_serving(self, timeout: float = 120) -> float:
        """Seconds from start until the page is served."""
        return self._wait(lambda: get(self.url + "/", timeout=2)[0] == 200, timeout, "serve the page")

    def wait_answering(self, timeout: float = 240) -> float:
        """Seconds from start until a question is answered through the API."""
        return self._wait(lambda: "answer" in ask(self.url, "微博发了多少条?", timeout=timeout), timeout, "answer")

    def _wait(self, ready, timeout: float, what: str) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            try:
                if ready():
                    return time.perf_counter() - self.started_at
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"app.py did not {what} within {timeout} s:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        self.process = None


def serving(data_dir: Path):
    """A module's own app over `data_dir`, answering before the first test and stopped after the last."""
    running = AppProcess(data_dir).start()
    try:
        running.wait_answering()
        yield running
    finally:
        running.stop()


def serving_copy(index: Path, target: Path, *added: Path):
    """`serving` over a copy of a built index, with `added` report files imported by `python -m index add`."""
    from tests.conftest import run_cli

    data_dir = indexed_copy(index, target)
    if added:
        result = run_cli(["-m", "index", "add", *map(str, added)], data_dir)
        assert result.returncode == 0, result.stderr
    yield from serving(data_dir)


def get(url: str, timeout: float = 10, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def post_json(url: str, payload: dict, timeout: float = 30, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def call_api(base: str, api_name: str, data: list, timeout: float = 60) -> dict | list:
    """Gradio's two-step HTTP API: POST the inputs, then read the event stream for the result."""
    status, body = post_json(f"{base}/gradio_api/call/{api_name}", {"data": data}, timeout=timeout)
    if status != 200:
        raise ValueError(f"{api_name}: HTTP {status}: {body[:300]}")
    event_id = json.loads(body)["event_id"]
    status, stream = get(f"{base}/gradio_api/call/{api_name}/{event_id}", timeout=timeout)
    event = None
    for line in stream.splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event in ("complete", "error"):
            payload = line.split(":", 1)[1].strip()
            if event == "error":
                raise ValueError(f"{api_name}: error event: {payload}")
            return json.loads(payload)[0]
    raise ValueError(f"{api_name}: no result in {stream[:300]!r}")


def ask(base: str, question: str, history: list | None = None, report: str = "", timeout: float = 60) -> dict:
    return call_api(base, "ask", [question, history or [], report], timeout=timeout)


def login_cookie(app: AppProcess, password: str = STAFF_PASSWORD) -> str | None:
    """The staff session cookie after a login through Gradio's login route, or None when it is refused."""
    form = urllib.parse.urlencode({"username": STAFF_USER, "password": password}).encode()
    request = urllib.request.Request(f"{app.url}/staff/login", data=form, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            cookies = response.headers.get_all("set-cookie") or []
    except urllib.error.HTTPError:
        return None
    return "; ".join(c.split(";", 1)[0] for c in cookies)


def launch_chromium(playwright, *extra_args: str):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])


SIZES = {"desktop": (1280, 900), "phone": (375, 800)}  # the viewports a person reads the chat at


def sized_context(browser, size: str):
    """A browser context at one of SIZES; a phone's is mobile and touch, as a phone's browser is."""
    width, height = SIZES[size]
    phone = size == "phone"
    return browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)


@contextmanager
def chromium():
    """Debian's Chromium under Playwright, closed after use."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


# --- the citizens' chat (Gradio's Chatbot) in a page ----------------------------------------------------------

_ROW = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
# Turn k is the k-th user message and the assistant messages up to the next one: the answer, then (for an
# answer or a refusal) the sources and feedback. It is finished once it has those, or a notice / error badge.
TURN_DONE_JS = """(k) => {
  const users = document.querySelectorAll('#chat-log .message-row.user-row');
  if (users.length <= k) return false;
  const bots = [];
  for (let row = users[k].nextElementSibling; row && !row.classList.contains('user-row'); row = row.nextElementSibling)
    if (row.classList.contains('bot-row')) bots.push(row);
  if (!bots.length || bots[0].querySelector('.typing')) return false;
  return bots.length > 1 || !!bots[0].querySelector('.badge-notice, .badge-error');
}"""


class Turn:
    """Locators for one question and its answer in the chat."""

    def __init__(self, page, number: int):
        self.page = page
        self.number = number
        user = f"(//*[@id='chat-log']//div[{_ROW.format('user-row')}])[{number + 1}]"
        self.user = page.locator(f"xpath={user}")
        self.answer = page.locator(f"xpath={user}/following-sibling::div[{_ROW.format('bot-row')}][1]")
        self.extra = page.locator(f"xpath={user}/following-sibling::div[{_ROW.format('bot-row')}][2]")
        self.sources = page.locator(f'#chat-log button.src[value^="src:{number}:"]')

    def feedback(self, rating: str):
        return self.page.locator(f'#chat-log button.fb[value="fb:{self.number}:{rating}"]')

    def wait_done(self, timeout: float = 120_000) -> "Turn":
        self.page.wait_for_function(TURN_DONE_JS, arg=self.number, timeout=timeout)
        return self


def turn_count(page) -> int:
    return page.locator("#chat-log .message-row.user-row").count()


def ask_in_page(page, question: str, press_enter: bool = True, timeout: float = 120_000) -> tuple[Turn, float]:
    """Types a question and waits until its answer is finished; returns the turn and the time to its first text."""
    turn = Turn(page, turn_count(page))
    box = page.locator("#question textarea")
    box.fill(question)
    started = time.perf_counter()
    if press_enter:
        box.press("Enter")
    else:
        page.locator("#send").click()
    turn.answer.locator(".md").filter(has_not=page.locator(".typing")).wait_for(timeout=timeout)
    first_text = time.perf_counter() - started
    return turn.wait_done(timeout), first_text


def open_chat(page, base: str) -> None:
    page.goto(base + "/")
    page.wait_for_selector("#question textarea")
    page.wait_for_function("() => !document.querySelector('#coverage .coverage.empty')", timeout=60_000)


def write_timing(name: str, value: float) -> None:
    """Measured timings, collected in test-output/web-timings.json for the report."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / "web-timings.json"
    timings = json.loads(path.read_text()) if path.exists() else {}
    timings[name] = round(value, 3)
    path.write_text(json.dumps(timings, indent=2, ensure_ascii=False))
