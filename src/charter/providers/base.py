"""The Provider protocol: what the gateway needs from any model server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from charter.domain import GenerationParams, ModelEntry

__all__ = [
    "OPTIONAL_PARAMETERS",
    "ChatRequest",
    "ChatResult",
    "Provider",
    "ProviderError",
    "RefusedProvider",
    "StreamDelta",
    "requested_parameters",
]

#: Request fields a provider may or may not be able to honour. Each provider declares the ones it
#: passes on in ``supports``; the route stage keeps only models whose provider supports every one a
#: request sets, and refuses the request (``400 unsupported_parameter``) when none is left. The
#: basic fields (messages, max_tokens, temperature, top_p, stop, seed, stream) every provider takes.
OPTIONAL_PARAMETERS: frozenset[str] = frozenset(
    {
        "response_format",
        "logprobs",
        "top_logprobs",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "service_tier",
        "store",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
    }
)


def requested_parameters(params: GenerationParams) -> list[str]:
    """The optional parameters ``params`` sets, in a stable order."""
    wanted = {
        "response_format": params.response_format is not None,
        "logprobs": params.logprobs,
        "top_logprobs": params.top_logprobs is not None,
        "presence_penalty": params.presence_penalty is not None,
        "frequency_penalty": params.frequency_penalty is not None,
        "logit_bias": params.logit_bias is not None,
        "service_tier": params.service_tier is not None,
        "store": params.store is not None,
        "tools": params.tools is not None,
        "tool_choice": params.tool_choice is not None,
        "parallel_tool_calls": params.parallel_tool_calls is not None,
    }
    return [name for name, set_ in wanted.items() if set_]


class ProviderError(Exception):
    """A provider call failed. ``retryable``: worth another try (connection, 5xx, 429, timeout)."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(slots=True)
class ChatRequest:
    model: ModelEntry
    messages: list[dict[str, Any]]
    params: GenerationParams


@dataclass(slots=True)
class ChatResult:
    text: str
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    #: OpenAI's ``choices[0].logprobs`` when the request asked for them and the model sent them.
    logprobs: dict[str, Any] | None = None
    #: OpenAI's ``message.tool_calls`` (``[{"id", "type": "function", "function": {"name",
    #: "arguments"}}]``) when the model called tools.
    tool_calls: list[dict[str, Any]] | None = None


@dataclass(slots=True)
class StreamDelta:
    text: str = ""
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    #: OpenAI's streamed ``delta.tool_calls`` pieces, as sent (``index``, then ``id``, ``function.name``
    #: and pieces of ``function.arguments``); the gateway joins them (charter.gateway.tools).
    tool_calls: list[dict[str, Any]] | None = None


@runtime_checkable
class Provider(Protocol):
    kind: str
    supports_embeddings: bool
    #: Which of :data:`OPTIONAL_PARAMETERS` this provider passes on to its model.
    supports: frozenset[str]

    async def chat(self, request: ChatRequest) -> ChatResult: ...

    def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]: ...

    async def embed(self, model: ModelEntry, texts: list[str]) -> tuple[list[list[float]], int]: ...

    async def aclose(self) -> None: ...


class RefusedProvider:
    """Stands in for a model the operator's egress policy refuses (an endpoint off the outbound
    allow-list, a secret not granted to the tenant or not bound to the endpoint's host): every call
    fails at once, is not retried, and nothing is sent anywhere."""

    kind = "refused"
    supports_embeddings = True
    supports = OPTIONAL_PARAMETERS  # so that the request fails for the egress reason, not a parameter

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _error(self) -> ProviderError:
        return ProviderError(self.reason, retryable=False)

    async def chat(self, request: ChatRequest) -> ChatResult:
        raise self._error()

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        raise self._error()
        yield StreamDelta()  # an async generator, like every provider's stream

    async def embed(self, model: ModelEntry, texts: list[str]) -> tuple[list[list[float]], int]:
        raise self._error()

    async def aclose(self) -> None:
        return None
