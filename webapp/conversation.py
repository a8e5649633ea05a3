"""One chat turn from question to finished answer, as plain dicts a Gradio session can hold.

Kept apart from the widgets so the streaming, the follow-up history and the error
handling are the same for the browser chat and the `ask` API endpoint.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict

from assistant.answer import Answer, Citation
from assistant.service import AssistantService, QuestionError, visible

log = logging.getLogger(__name__)

APOLOGY = "抱歉,系统暂时出了点问题,请稍后再试。"
MAX_HISTORY_TURNS = 6
# Turns a browser session keeps: its state lives in the server's memory for as long as the session, and
# 200 long turns held 100 MB. Older turns scroll out of the conversation.
MAX_KEPT_TURNS = 50


def citation_dict(citation: Citation) -> dict:
    return {**citation.to_json(), "row": asdict(citation.row) if citation.row is not None else None}


def history(turns: list[dict]) -> list[tuple[str, str]]:
    """(question as answered, answer) of the last answered turns: what a follow-up is read against."""
    answered = [t for t in turns if t["status"] in ("answer", "refusal")]
    return [(t["asked"], t["text"]) for t in answered[-MAX_HISTORY_TURNS:]]


def new_turn(question: str, report: str) -> dict:
    """The question is shown without control characters (a U+202E would turn the bubble's text around)."""
    question = visible(question)
    return {"question": question, "asked": question, "text": "", "status": "pending", "citations": [],
            "report": report, "feedback": None, "series": None}


def finish(turn: dict, answer: Answer) -> None:
    """An apology for a store that was down is an error, not a refusal: nothing to rate, no follow-up to it."""
    turn.update(text=answer.text, asked=answer.question or turn["question"],
                status="error" if answer.failed else "answer" if answer.found else "refusal",
                citations=[citation_dict(c) for c in answer.citations],
                series=answer.series.to_json() if answer.series is not None else None)


def stream_turn(service: AssistantService, question: str, turns: list[dict], report: str) -> Iterator[list[dict]]:
    """Yields the conversation after each streamed piece; the last yield has the finished turn.
    A question the service rejects becomes a notice; anything else going wrong, an apology (logged)."""
    turn = new_turn(question or "", report or "")
    turns = [*turns, turn][-MAX_KEPT_TURNS:]
    yield turns
    try:
        for piece in service.stream(question, history(turns[:-1]), report or None):
            if isinstance(piece, Answer):
                finish(turn, piece)
            else:
                turn["text"] += piece
                yield turns
        if turn["status"] == "pending":  # a composer that never handed over its Answer
            raise RuntimeError("stream ended without an answer")
    except QuestionError as error:
        turn.update(text=str(error), status="notice")
    except Exception:
        log.exception("answering %r failed", question[:200])
        turn.update(text=APOLOGY, status="error", citations=[])
    yield turns


def ask_json(service: AssistantService, question: str, history_pairs: list, report: str) -> dict:
    """The API's answer: the CLI's JSON shape, or an `error` field with a short message."""
    try:
        pairs = [(str(q), str(a)) for q, a in (history_pairs or [])][-MAX_HISTORY_TURNS:]
    except (TypeError, ValueError):
        return {"error": "请求格式有误:history 应为 [[问题, 回答], ...]。"}
    try:
        return service.ask(question, pairs, report or None).to_json()
    except QuestionError as error:
        return {"error": str(error)}
    except Exception:
        log.exception("answering %r through the API failed", str(question)[:200])
        return {"error": APOLOGY}
