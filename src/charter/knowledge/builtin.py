"""The knowledge capability's built-in plugins: document loaders, embedders and the grounding guard,
registered through the same hooks as outside plugins."""

from __future__ import annotations

from typing import Any

from charter.hookspecs import Register, hookimpl
from charter.knowledge.embedders import MiniLMEmbedder, OpenAIEmbedder, minilm_available
from charter.knowledge.grounding import GroundingGuard
from charter.knowledge.loaders import BUILTIN_LOADERS
from charter.settings import Settings


@hookimpl
def register_document_loaders(register: Register) -> None:
    for suffix, loader in BUILTIN_LOADERS.items():
        register(suffix, loader)


@hookimpl
def register_embedders(register: Register) -> None:
    if minilm_available():
        register("minilm", MiniLMEmbedder)
    register("openai", OpenAIEmbedder)


def _grounding(settings: Settings, **_options: Any) -> GroundingGuard:
    return GroundingGuard()


@hookimpl
def register_guards(register: Register) -> None:
    register("grounding", _grounding)
