"""Password guessing on the staff login: slowed, then refused with 429, per client and per account."""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.web_helpers import STAFF_PASSWORD, STAFF_USER, AppProcess, get, indexed_copy
from webapp.login_throttle import BASE_DELAY_S, LoginThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_double_the_wait_then_lock_client_and_account_for_the_window():
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window_s=60, clock=clock)
    assert (throttle.delay("1.2.3.4", "staff"), throttle.retry_after("1.2.3.4", "staff")) == (0.0, 0.0)
    for expected in (BASE_DELAY_S, 2 * BASE_DELAY_S):
        throttle.failed("1.2.3.4", "staff")
        assert throttle.delay("1.2.3.4", "staff") == expected
    throttle.failed("1.2.3.4", "staff")
    assert throttle.retry_after("1.2.3.4", "staff") == 60
    assert throttle.retry_after("5.6.7.8", "staff") == 60  # the account is locked for every client
    assert throttle.retry_after("1.2.3.4", "admin") == 60  # and the client for every account
    assert throttle.retry_after("5.6.7.8", "admin") == 0
    clock.now += 61
    assert throttle.retry_after("1.2.3.4", "staff") == 0 and throttle._failures == {}


def _login(app: AppProcess, password: str) -> tuple[int, dict]:
    form = urllib.parse.urlencode({"username": STAFF_USER, "password": password}).encode()
    request = urllib.request.Request(f"{app.url}/staff/login", data=form, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.fixture(scope="module")
def app(tmp_path_factory, cli_data_dir):
    running = AppProcess(indexed_copy(cli_data_dir, tmp_path_factory.mktemp("throttle") / "data"),
                         GIA_LOGIN_MAX_FAILURES="4", GIA_LOGIN_WINDOW_S="8").start()
    try:
        running.wait_serving()
        yield running
    finally:
        running.stop()


def test_guessing_is_slowed_then_refused_and_the_right_password_waits_too(app):
    start = time.monotonic()
    statuses = [_login(app, f"guess-{n}")[0] for n in range(30)]
    took = time.monotonic() - start
    assert statuses[:4] == [400] * 4 and set(statuses[4:]) == {429}
    assert took >= BASE_DELAY_S * (1 + 2 + 4)  # the 2nd, 3rd and 4th guesses waited
    status, headers = _login(app, STAFF_PASSWORD)
    assert status == 429 and int(headers["retry-after"]) >= 1  # a guesser cannot tell it found the password
    time.sleep(int(headers["retry-after"]) + 0.5)
    assert _login(app, STAFF_PASSWORD)[0] == 200
    assert f"工作人员登录失败: 账号 {STAFF_USER!r}, 来自 127.0.0.1" in app.log()


def test_the_public_login_page_names_no_settings(app):
    status, page = get(f"{app.url}/staff/")
    assert status == 200 and "工作人员登录" in page and "GIA_" not in page
