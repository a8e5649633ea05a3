"""The app over raw HTTP: the staff app refuses anonymous calls on every route (not only in the page),
the citizens' app exposes only `ask`, and bad questions get a short message, never a stack trace."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.web_helpers import ask, get, login_cookie, post_json, serving_copy


@pytest.fixture(scope="module")
def app(tmp_path_factory, cli_data_dir):
    yield from serving_copy(cli_data_dir, tmp_path_factory.mktemp("web-access") / "data")


def test_anonymous_calls_to_staff_routes_are_refused(app):
    assert get(f"{app.url}/staff/config")[0] == 401
    assert get(f"{app.url}/staff/gradio_api/info")[0] == 401
    for fn_index in range(40):  # whatever the staff handlers' numbers are
        status, _ = post_json(f"{app.url}/staff/gradio_api/queue/join",
                              {"data": ["微博", "xizhu-2018"], "fn_index": fn_index, "session_hash": "anon"})
        assert status == 401, fn_index
    status, _ = post_json(f"{app.url}/staff/gradio_api/call/fact_check", {"data": ["行政诉讼5起。", "xizhu-2018"]})
    assert status == 401
    boundary = "x-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"r.txt\"\r\n\r\nabc\r\n"
            f"--{boundary}--\r\n").encode()
    request = urllib.request.Request(f"{app.url}/staff/gradio_api/upload", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401


def test_gradio_client_cannot_reach_staff_functions_anonymously(app):
    from gradio_client import Client

    with pytest.raises(Exception) as refused:
        Client(f"{app.url}/staff/", verbose=False)
    assert "401" in str(refused.value) or "auth" in str(refused.value).lower() or "login" in str(refused.value).lower()


def test_login_opens_the_staff_app_and_a_wrong_password_does_not(app):
    assert login_cookie(app, "not-the-password") is None
    cookie = login_cookie(app)
    assert cookie
    status, config = get(f"{app.url}/staff/config", headers={"Cookie": cookie})
    assert status == 200
    assert "report-upload" in config  # the same route that refused the anonymous call, now open


def test_citizens_app_exposes_only_ask(app):
    status, info = get(f"{app.url}/gradio_api/info")
    assert status == 200
    assert list(json.loads(info)["named_endpoints"]) == ["/ask"]
    status, config = get(f"{app.url}/config")
    assert status == 200
    for staff_only in ("report-upload", "check-text", "feedback-download", "audit-run"):
        assert staff_only not in config


def test_ask_api_answers_with_citations(app):
    answer = ask(app.url, "行政诉讼有几起?")
    assert answer["found"] is True
    assert "2" in answer["answer"]
    assert answer["citations"][0]["label"] == "五、行政诉讼数量"
    follow_up = ask(app.url, "那行政复议呢?", history=[["行政诉讼有几起?", answer["answer"]]])
    assert "复议" in follow_up["answer"] and "1" in follow_up["answer"]


@pytest.mark.parametrize("question, message", [
    ("", "问题为空"),
    ("   \n\t ", "问题为空"),
    ("?!。,,,???", "问题为空"),
    ("微博" * 5001, "问题太长"),
])
def test_ask_api_rejects_bad_questions_with_a_message(app, question, message):
    assert message in ask(app.url, question)["error"]


def test_ask_api_survives_markup_control_characters_and_bad_arguments(app):
    markup = ask(app.url, "<script>alert(1)</script>")
    assert markup.get("found") is False and "error" not in markup
    dashes = ask(app.url, "……——《》【】")
    assert dashes.get("found") is False or "问题为空" in dashes.get("error", "")
    control = ask(app.url, "\x00\x07\x1b微博发了多少条?\x7f")
    assert control["found"] is True and "690" in control["answer"]
    assert "未知的报告编号" in ask(app.url, "微博发了多少条?", report="no-such-report")["error"]
    assert "history" in ask(app.url, "微博发了多少条?", history=[["only one element"]])["error"]
    assert "Traceback" not in app.log()
