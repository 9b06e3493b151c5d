"""An OpenAI-compatible HTTP provider: vLLM, TGI, Ollama, llama.cpp server, cloud endpoints."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson

from charter.domain import ModelEntry
from charter.providers.base import ChatRequest, ChatResult, ProviderError, StreamDelta

__all__ = ["OpenAIHTTPProvider"]

_RETRYABLE = {408, 409, 425, 429, 500, 502, 503, 504}


def _body(request: ChatRequest, stream: bool) -> dict[str, Any]:
    p = request.params
    body: dict[str, Any] = {"model": request.model.platform_model_id, "messages": request.messages}
    for name in ("max_tokens", "temperature", "top_p", "stop", "seed"):
        value = getattr(p, name)
        if value is not None:
            body[name] = value
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return body


class OpenAIHTTPProvider:
    """Talks to one endpoint's ``/chat/completions`` and ``/embeddings`` with a pooled client.

    The credential comes from the environment variable the model entry names (never from config
    files or the database: SA-3).
    """

    kind = "openai"
    supports_embeddings = True

    def __init__(self, entry: ModelEntry, *, timeout: float = 60.0) -> None:
        if not entry.endpoint:
            raise ValueError(f"model {entry.alias}: the openai provider needs an endpoint")
        headers = {"content-type": "application/json"}
        if entry.api_key_env:
            secret = os.environ.get(entry.api_key_env)
            if secret:
                headers["authorization"] = f"Bearer {secret}"
        self._client = httpx.AsyncClient(
            base_url=entry.endpoint.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=128),
        )

    async def chat(self, request: ChatRequest) -> ChatResult:
        try:
            response = await self._client.post("/chat/completions", content=orjson.dumps(_body(request, False)))
        except httpx.TimeoutException as exc:
            raise ProviderError(f"timeout: {exc}", retryable=True) from exc
        except httpx.TransportError as exc:
            raise ProviderError(f"connection failed: {exc}", retryable=True) from exc
        if response.status_code != 200:
            raise ProviderError(
                f"upstream answered {response.status_code}",
                retryable=response.status_code in _RETRYABLE,
                status=response.status_code,
            )
        try:
            data = orjson.loads(response.content)
            choice = data["choices"][0]
            usage = data.get("usage") or {}
            return ChatResult(
                text=choice["message"].get("content") or "",
                finish_reason=choice.get("finish_reason") or "stop",
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
            )
        except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise ProviderError(f"upstream answer is not an OpenAI chat completion ({exc})", retryable=False) from exc

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        try:
            async with self._client.stream(
                "POST", "/chat/completions", content=orjson.dumps(_body(request, True))
            ) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise ProviderError(
                        f"upstream answered {response.status_code}",
                        retryable=response.status_code in _RETRYABLE,
                        status=response.status_code,
                    )
                async for line in response.aiter_lines():
                    delta = _parse_sse_line(line)
                    if delta is not None:
                        yield delta
        except httpx.TimeoutException as exc:
            raise ProviderError(f"timeout: {exc}", retryable=True) from exc
        except httpx.TransportError as exc:
            raise ProviderError(f"connection failed: {exc}", retryable=True) from exc

    async def embed(self, model: ModelEntry, texts: list[str]) -> tuple[list[list[float]], int]:
        try:
            response = await self._client.post(
                "/embeddings", content=orjson.dumps({"model": model.platform_model_id, "input": texts})
            )
        except httpx.TransportError as exc:
            raise ProviderError(f"connection failed: {exc}", retryable=True) from exc
        if response.status_code != 200:
            raise ProviderError(
                f"upstream answered {response.status_code}",
                retryable=response.status_code in _RETRYABLE,
                status=response.status_code,
            )
        data = orjson.loads(response.content)
        vectors = [item["embedding"] for item in sorted(data["data"], key=lambda d: d["index"])]
        return vectors, int((data.get("usage") or {}).get("prompt_tokens") or 0)

    async def aclose(self) -> None:
        await self._client.aclose()


def _parse_sse_line(line: str) -> StreamDelta | None:
    if not line.startswith("data:"):
        return None
    payload = line[5:].strip()
    if not payload or payload == "[DONE]":
        return None
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise ProviderError("upstream stream sent malformed JSON", retryable=False) from exc
    delta = StreamDelta()
    usage = data.get("usage")
    if usage:
        delta.prompt_tokens = int(usage.get("prompt_tokens") or 0)
        delta.completion_tokens = int(usage.get("completion_tokens") or 0)
    choices = data.get("choices") or []
    if choices:
        choice = choices[0]
        delta.text = (choice.get("delta") or {}).get("content") or ""
        delta.finish_reason = choice.get("finish_reason")
    return delta
