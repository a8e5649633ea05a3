"""Follow-ups made standalone by the LLM ("那行政诉讼呢?" → "2018年行政诉讼有几件?").

On any failure the question goes on unchanged, and the service applies its rule-based rewrite as it does
without an LLM. A rewrite that still reads as a follow-up is refused too: the rule-based rewrite would then
splice the history into it a second time.
"""
from __future__ import annotations

import logging

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from assistant.llm import as_data, rewrite_prompt, strip_reasoning
from assistant.query import is_follow_up

logger = logging.getLogger(__name__)

MAX_TURNS = 3
MAX_ANSWER_CHARS = 200  # an answer's opening says what was asked about; the rest only costs time
MAX_REWRITE_CHARS = 200


class LLMRewriter:
    def __init__(self, model: BaseChatModel):
        self.chain = rewrite_prompt() | model | StrOutputParser()

    def __call__(self, question: str, history: list[tuple[str, str]]) -> str:
        turns = "\n".join(f"用户:{q}\n助手:{a[:MAX_ANSWER_CHARS]}" for q, a in history[-MAX_TURNS:])
        try:
            reply = self.chain.invoke({"history": as_data(turns), "question": question})
        except Exception as error:  # timeout, refused connection, HTTP error: the rule-based rewrite takes over
            logger.warning("LLM rewrite not used (%s: %s)", type(error).__name__, error)
            return question
        lines = [line.strip().strip("\"'“”「」") for line in strip_reasoning(reply).splitlines()]
        rewritten = next((line for line in lines if line), "")
        reason = ("empty reply" if not rewritten else "too long" if len(rewritten) > MAX_REWRITE_CHARS
                  else "still reads as a follow-up" if is_follow_up(rewritten) else "")
        if reason:
            logger.warning("LLM rewrite not used (%s): %r", reason, reply)
            return question
        return rewritten
