"""A Gradio event run the way the browser runs it, over raw HTTP: join the queue in a session, then read that
session's stream up to the event's result. The `ask` API cannot show what a session keeps (every call is a
session of its own), and the staff handlers are reachable only this way, with the login cookie."""
from __future__ import annotations

import json
import urllib.request

from tests.web_helpers import get, post_json


def fn_index(base: str, api_name: str, cookie: str | None = None) -> int:
    status, config = get(f"{base}/config", headers={"Cookie": cookie} if cookie else None)
    assert status == 200, config[:300]
    return next(d["id"] for d in json.loads(config)["dependencies"] if d.get("api_name") == api_name)


def run_event(base: str, session: str, api_name: str, data: list, cookie: str | None = None,
              timeout: float = 120) -> list:
    """The event's output values, in the order of its outputs; an error event raises."""
    headers = {"Cookie": cookie} if cookie else {}
    status, body = post_json(f"{base}/gradio_api/queue/join",
                             {"data": data, "fn_index": fn_index(base, api_name, cookie), "session_hash": session,
                              "event_data": None, "trigger_id": None}, headers=headers, timeout=timeout)
    assert status == 200, body[:300]
    event_id = json.loads(body)["event_id"]
    request = urllib.request.Request(f"{base}/gradio_api/queue/data?session_hash={session}", headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as stream:
        for raw in stream:
            line = raw.decode("utf-8").strip()
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("event_id") == event_id and message.get("msg") == "process_completed":
                if not message.get("success", True):
                    raise ValueError(f"{api_name}: {message.get('output')}")
                return message["output"]["data"]
    raise ValueError(f"{api_name}: the stream ended without a result")
