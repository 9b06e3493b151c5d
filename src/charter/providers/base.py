"""The Provider protocol: what the gateway needs from any model server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from charter.domain import GenerationParams, ModelEntry

__all__ = ["ChatRequest", "ChatResult", "Provider", "ProviderError", "StreamDelta"]


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
