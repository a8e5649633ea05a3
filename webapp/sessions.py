"""How many browser sessions the server remembers, and for how long.

Gradio keeps each session (its own ~50 KB copy of the page's configuration, plus the conversation) until
10,000 are held, and every `ask` API call is a session of its own: memory grew ~50 KB a request with no
plateau in sight. Here a mounted app keeps at most `max_sessions` (least recently used forgotten first, the
cap Gradio's `launch()` sets and `mount_gradio_app` does not), and a session unused for its lifetime is
forgotten whole, not only its `gr.State` values.
"""
from __future__ import annotations

import datetime

import gradio as gr


def limit_sessions(blocks: gr.Blocks, max_sessions: int) -> None:
    """Before mounting: Gradio's session store reads the cap when the app is made."""
    blocks.state_session_capacity = max(1, max_sessions)


def forget_idle_sessions(blocks: gr.Blocks, idle_s: float) -> int:
    """Forgets the mounted app's sessions unused for `idle_s` (their `gr.State` delete callbacks run);
    returns how many. A visitor back after that starts a new conversation."""
    holder = blocks.state_holder
    cutoff = datetime.datetime.now() - datetime.timedelta(seconds=idle_s)
    idle = [session for session, used in list(holder.time_last_used.items()) if used < cutoff]
    forgotten = 0
    for session in idle:
        with holder.lock:
            if holder.time_last_used.get(session, cutoff) >= cutoff:  # used again meanwhile
                continue
            holder.delete_state(session)
            holder.session_data.pop(session, None)
            holder.time_last_used.pop(session, None)
            forgotten += 1
    return forgotten
