"""The compose stage: turn a request into the messages the model gets.

When the charter names a prompt (``prompt: tax-answer``, ``prompt_label: production``), the version
that label points at is rendered in the sandbox with:

- ``variables``: the request's ``metadata.variables`` object (the gateway hands it over as
  ``ex.variables``, which the response does not declare, so it is never echoed), checked
  against the version's variables schema, defaults filled in; each variable is also a top-level name;
- ``context``: the chunks the ground stage retrieved (``ex.context``: dicts with at least ``text``);
- ``question``: the last user message; ``use_case``: the use case name.

The rendered messages come first, then the conversation. If the template does not use ``context``
and chunks were retrieved, they follow in a numbered system message so grounding is never lost.
Without a charter prompt, a charter ``system_prompt`` is prepended as a system message. The version
rendered is recorded on the exchange (``ex.prompt_version_id``) and so on the interaction.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from charter.domain import ChatMessage, Exchange
from charter.errors import InvalidRequest
from charter.prompts.render import render_messages, template_variables, validate_variables
from charter.prompts.versions import PromptVersion, get_version
from charter.runtime import Runtime

__all__ = ["PromptCache", "build_messages", "compose", "context_block", "prompt_cache"]


@dataclass
class PromptCache:
    """Label → version lookups, kept ``ttl`` seconds (label moves made elsewhere show up within that
    time; here at once: a :class:`charter.runtime.PolicyCache`)."""

    ttl: float
    entries: dict[tuple[str, str, str], tuple[float, PromptVersion]] = field(default_factory=dict)

    def get(self, key: tuple[str, str, str]) -> PromptVersion | None:
        hit = self.entries.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: tuple[str, str, str], version: PromptVersion) -> None:
        self.entries[key] = (time.monotonic() + self.ttl, version)

    def invalidate(self) -> None:
        self.entries.clear()


def prompt_cache(rt: Runtime) -> PromptCache:
    return rt.part("prompts", PromptCache, lambda: PromptCache(ttl=rt.settings.policy_cache_ttl_s))


def _chunk_text(chunk: Mapping[str, Any]) -> str:
    return str(chunk.get("text") or chunk.get("content") or "")


def context_block(context: Sequence[Mapping[str, Any]]) -> ChatMessage:
    lines = ["Use the following context to answer. Cite sources by their number."]
    lines += [f"[{i}] {_chunk_text(c)}" for i, c in enumerate(context, 1)]
    return ChatMessage(role="system", content="\n".join(lines))


def build_messages(
    *,
    version: PromptVersion | None,
    system_prompt: str,
    messages: Sequence[ChatMessage],
    variables: Mapping[str, Any],
    context: Sequence[Mapping[str, Any]],
    use_case: str,
) -> list[ChatMessage]:
    """The messages a model gets: rendered prompt (or system prompt), context, then the conversation."""
    head: list[ChatMessage] = []
    uses_context = False
    if version is not None:
        values = validate_variables(version.variables, variables)
        question = next((m.content for m in reversed(messages) if m.role == "user"), "")
        scope = {
            **values,
            "variables": values,
            "context": [dict(c) for c in context],
            "question": question,
            "use_case": use_case,
        }
        head = render_messages(version.kind, version.template, scope, where=f"prompt {version.name}@{version.version}")
        uses_context = "context" in template_variables(version.template)
    elif system_prompt:
        head = [ChatMessage(role="system", content=system_prompt)]
    if context and not uses_context:
        head.append(context_block(context))
    return [*head, *messages]


async def _version_for(ex: Exchange, rt: Runtime, name: str, label: str) -> PromptVersion:
    cache = prompt_cache(rt)
    key = (ex.principal.tenant_id, name, label)
    version = cache.get(key)
    if version is None:

        def read() -> PromptVersion:
            with rt.engine.connect() as conn:
                return get_version(conn, ex.principal.tenant_id, name, label=label)

        version = await asyncio.to_thread(read)
        cache.put(key, version)
    return version


def _apply_params(ex: Exchange, params: Mapping[str, Any]) -> None:
    """A version's model parameters fill in what the request did not set."""
    for name in ("temperature", "top_p", "max_tokens", "stop", "seed"):
        if name in params and getattr(ex.params, name) is None:
            setattr(ex.params, name, params[name])


async def compose(ex: Exchange, rt: Runtime) -> None:
    """Render the charter's prompt label (or its system prompt) around the conversation."""
    raw = ex.variables or {}
    if not isinstance(raw, dict):
        raise InvalidRequest("metadata.variables must be an object", code="invalid_type", param="variables")
    charter = ex.charter
    version = None
    if charter.prompt:
        version = await _version_for(ex, rt, charter.prompt, charter.prompt_label)
        _apply_params(ex, version.model_params)
    composed = build_messages(
        version=version,
        system_prompt=charter.system_prompt,
        messages=ex.messages,
        variables=raw,
        context=ex.context,
        use_case=charter.name,
    )
    added = composed[: len(composed) - len(ex.messages)]
    ex.prompt_messages = composed
    ex.usage.prompt_tokens += math.ceil(sum(len(m.content) for m in added) / 3.5) + 4 * len(added)
    if version is not None:
        ex.prompt_version_id = version.id
        ex.verdict(
            "compose",
            "pass",
            prompt=version.name,
            version=version.version,
            label=charter.prompt_label,
            sha256=version.sha256,
        )
    else:
        ex.verdict("compose", "pass", system_prompt=bool(charter.system_prompt), context_chunks=len(ex.context))
