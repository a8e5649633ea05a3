"""Wires the answering service from settings: the one place the CLI and the web app get it from."""
from __future__ import annotations

from assistant.llm import chat_model
from assistant.llm_compose import LLMComposer
from assistant.llm_rewrite import LLMRewriter
from assistant.service import AssistantService
from index.components import Components


def build_service(components: Components | None = None) -> AssistantService:
    """The example reports are indexed first on a fresh machine, so every entry point answers out of the box.
    With an LLM endpoint configured, it rewrites follow-ups and phrases answers; without one nothing changes."""
    components = components or Components()
    components.ensure_example_index()
    model = chat_model(components.settings)
    service = AssistantService(components, rewriter=LLMRewriter(model) if model else None)
    if model is not None:
        # The LLM composer checks against the service's own corpus, which exists only once the service does.
        service.composer = LLMComposer(service.corpus, model, fallback=service.composer)
    return service
