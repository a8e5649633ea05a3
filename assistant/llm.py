"""The optional chat model (any OpenAI-compatible endpoint) and the prompts it is given, kept as files in prompts/."""
from __future__ import annotations

import re

from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import ChatPromptTemplate

from settings import ROOT, Settings

PROMPTS = ROOT / "prompts"
_THINK = re.compile(r"<think>.*?</think>", re.S)


def chat_model(settings: Settings) -> BaseChatModel | None:
    """None when no endpoint is configured, so answers stay extractive. One try within llm_timeout_s:
    a slow model costs the user one timeout, then the extractive answer, never a retry loop."""
    if not settings.llm_base_url:
        return None
    if not settings.llm_model:
        raise ValueError("LLM_BASE_URL is set but LLM_MODEL is not: name the model the endpoint serves.")
    from langchain_openai import ChatOpenAI  # imported here: it takes seconds, and only LLM deployments need it

    return ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
                      timeout=settings.llm_timeout_s, max_retries=0, temperature=0, use_responses_api=False)


def as_data(text: str) -> str:
    """Text from a report or a chat, made unable to open or close the <source>/<history> blocks it is quoted in."""
    return text.replace("<", "\uff1c")  # a fullwidth <: no tag can start inside; row paths keep their " > "


def strip_reasoning(reply: str) -> str:
    """Reasoning models (Qwen3, DeepSeek-R1) may put a <think> block before the reply; it is not the reply."""
    return _THINK.sub("", reply).strip()


def _read(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8").strip()


def answer_prompt() -> ChatPromptTemplate:
    """Variables: question, count, sources (numbered, delimited source blocks)."""
    return ChatPromptTemplate.from_messages([("system", _read("system")), ("human", _read("answer"))])


def rewrite_prompt() -> ChatPromptTemplate:
    """Variables: history, question."""
    return ChatPromptTemplate.from_messages([("human", _read("rewrite"))])
