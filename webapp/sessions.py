"""How many browser sessions the server remembers, and for how long.

Gradio keeps each session (its own ~50 KB copy of the page's configuration, plus the conversation) until
10,000 are held, and every `ask` API call is a session of its own: memory grew ~50 KB a request with no
plateau in sight. Here a mounted app keeps at most `max_sessions` (least recently used forgotten first, the
cap Gradio's `launch()` sets and `mount_gradio_app` does not), and a session unused for its lifetime is
forgotten whole, not only its `gr.State` values.

Gradio's queue also keeps, per session, the set of its events not yet delivered and a message queue: the set is
emptied but never removed, and the message queue stays until 2,000 newer sessions push it out. Every `ask` API
call is a session of its own, so `forget_finished_streams` drops both once nothing is pending for the session.
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


def forget_finished_streams(blocks: gr.Blocks) -> int:
    """Drops the queue's records of sessions with no event waiting to be delivered (an API call's, once
    answered and read); returns how many. Runs on the server's event loop, where Gradio's queue changes them,
    so none can be joined in between. A session asking again gets new ones, as its first question did."""
    queue = blocks._queue
    pending = queue.pending_event_ids_session
    messages = queue.pending_messages_per_session
    finished = [session for session, ids in list(pending.items()) if not ids]
    finished += [session for session in list(messages) if session not in pending]
    forgotten = 0
    for session in finished:
        waiting = messages.get(session)
        if pending.get(session) or (waiting is not None and not waiting.empty()):
            continue
        pending.pop(session, None)
        messages.pop(session, None)
        forgotten += 1
    return forgotten
