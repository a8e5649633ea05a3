"""Wires the answering service from settings: the one place the CLI and the web app get it from."""
from __future__ import annotations

from assistant.service import AssistantService
from index.components import Components


def build_service(components: Components | None = None) -> AssistantService:
    """The example reports are indexed first on a fresh machine, so every entry point answers out of the box."""
    components = components or Components()
    components.ensure_example_index()
    return AssistantService(components)
