"""The Provider protocol: what the gateway needs from any model server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from charter.domain import GenerationParams, ModelEntry

__all__ = ["ChatRequest", "ChatResult", "Provider", "ProviderError", "RefusedProvider", "StreamDelta"]


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


@dataclass(slots=True)
class StreamDelta:
    text: str = ""
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@runtime_checkable
class Provider(Protocol):
    kind: str
    supports_embeddings: bool

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
