"""An OpenAI-compatible HTTP provider: vLLM, TGI, Ollama, llama.cpp server, cloud endpoints.

Built on aiohttp rather than httpx: on the hot path httpx's connection pool costs about a third of
the gateway's CPU per request (it polls every pooled socket on each checkout), aiohttp a fraction
of that (measured with py-spy; BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

from charter.domain import ModelEntry
from charter.outbound import OutboundPolicy, OutboundRefused
from charter.providers.base import OPTIONAL_PARAMETERS, ChatRequest, ChatResult, ProviderError, StreamDelta
from charter.providers.llama import llama_json_mode
from charter.secretstore import Credential

__all__ = ["LlamaServerProvider", "OpenAIHTTPProvider"]

_RETRYABLE = {408, 409, 425, 429, 500, 502, 503, 504}
#: Every optional request field goes to the upstream as the client sent it (``logprobs`` only when
#: true, ``store`` only ever false: ``store: true`` is refused when the request is read).
_PASSED_ON = tuple(sorted(OPTIONAL_PARAMETERS))


def _body(request: ChatRequest, stream: bool) -> dict[str, Any]:
    p = request.params
    body: dict[str, Any] = {"model": request.model.platform_model_id, "messages": request.messages}
    for name in ("max_tokens", "temperature", "top_p", "stop", "seed", *_PASSED_ON):
        value = getattr(p, name)
        if value is None or (name == "logprobs" and not value):
            continue
        body[name] = value
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return body


class OpenAIHTTPProvider:
    """Talks to one endpoint's ``/chat/completions`` and ``/embeddings`` over a pooled session.

    The credential is the operator secret the entry references, resolved and checked by the gateway
    (never from the database: SA-3); it refuses to be sent to a host outside its ``hosts``. Every
    connection goes through the outbound allow-list (checked again here, and on every DNS answer),
    and redirects are not followed.
    """

    kind = "openai"
    supports_embeddings = True
    supports = OPTIONAL_PARAMETERS

    def __init__(
        self,
        entry: ModelEntry,
        *,
        timeout: float = 60.0,
        credential: Credential | None = None,
        outbound: OutboundPolicy | None = None,
    ) -> None:
        if not entry.endpoint:
            raise ValueError(f"model {entry.alias}: the openai provider needs an endpoint")
        self.base = entry.endpoint.rstrip("/")
        self.outbound = OutboundPolicy() if outbound is None else outbound
        self.outbound.check_url(self.base)
        self.headers = {"content-type": "application/json"}
        if credential is not None:
            self.headers["authorization"] = credential.authorization(self.base)
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 5.0))
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = self.outbound.aiohttp_connector(limit=256, limit_per_host=256, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self.timeout, headers=self.headers, skip_auto_headers=("User-Agent",)
            )
        return self._session

    def body(self, request: ChatRequest, stream: bool) -> dict[str, Any]:
        """The upstream request body (a subclass may speak a server's dialect)."""
        return _body(request, stream)

    async def _post(self, path: str, payload: dict[str, Any]) -> bytes:
        try:
            async with self._client().post(
                self.base + path, data=orjson.dumps(payload), allow_redirects=False
            ) as response:
                content = await response.read()
                if response.status != 200:
                    raise ProviderError(
                        f"upstream answered {response.status}",
                        retryable=response.status in _RETRYABLE,
                        status=response.status,
                    )
                return content
        except TimeoutError as exc:
            raise ProviderError("timeout", retryable=True) from exc
        except aiohttp.ClientError as exc:
            raise _connection_failed(exc) from exc

    async def chat(self, request: ChatRequest) -> ChatResult:
        content = await self._post("/chat/completions", self.body(request, False))
        try:
            data = orjson.loads(content)
            choice = data["choices"][0]
            usage = data.get("usage") or {}
            return ChatResult(
                text=choice["message"].get("content") or "",
                finish_reason=choice.get("finish_reason") or "stop",
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
                logprobs=_logprobs(choice, request),
                tool_calls=_tool_calls(choice["message"].get("tool_calls")),
            )
        except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise ProviderError(f"upstream answer is not an OpenAI chat completion ({exc})", retryable=False) from exc

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        try:
            async with self._client().post(
                self.base + "/chat/completions", data=orjson.dumps(self.body(request, True)), allow_redirects=False
            ) as response:
                if response.status != 200:
                    await response.read()
                    raise ProviderError(
                        f"upstream answered {response.status}",
                        retryable=response.status in _RETRYABLE,
                        status=response.status,
                    )
                async for raw in response.content:
                    delta = _parse_sse_line(raw.decode("utf-8", "replace"))
                    if delta is not None:
                        yield delta
        except TimeoutError as exc:
            raise ProviderError("timeout", retryable=True) from exc
        except aiohttp.ClientError as exc:
            raise _connection_failed(exc) from exc

    async def embed(self, model: ModelEntry, texts: list[str]) -> tuple[list[list[float]], int]:
        content = await self._post("/embeddings", {"model": model.platform_model_id, "input": texts})
        try:
            data = orjson.loads(content)
            vectors = [item["embedding"] for item in sorted(data["data"], key=lambda d: d["index"])]
            return vectors, int((data.get("usage") or {}).get("prompt_tokens") or 0)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ProviderError(f"upstream answer is not an embeddings list ({exc})", retryable=False) from exc

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
            await asyncio.sleep(0)


class LlamaServerProvider(OpenAIHTTPProvider):
    """llama-cpp-python's OpenAI-compatible server (``python -m llama_cpp.server``), provider kind
    ``llama-server``: the OpenAI provider, except that JSON mode is sent in llama.cpp's dialect. The
    server answers ``response_format: {"type": "json_schema"}`` with a 500, and without a schema a small
    model's JSON rarely follows it; ``{"type": "json_object", "schema": ...}`` is constrained by a
    grammar built from the schema."""

    kind = "llama-server"

    def body(self, request: ChatRequest, stream: bool) -> dict[str, Any]:
        body = super().body(request, stream)
        if isinstance(body.get("response_format"), dict):
            body["response_format"] = llama_json_mode(body["response_format"])
        return body


def _connection_failed(exc: aiohttp.ClientError) -> ProviderError:
    if isinstance(exc, aiohttp.ClientConnectorError) and isinstance(exc.os_error, OutboundRefused):
        return ProviderError(f"refused by the outbound allow-list: {exc.os_error}", retryable=False)
    return ProviderError(f"connection failed: {exc}", retryable=True)


def _logprobs(choice: dict[str, Any], request: ChatRequest) -> dict[str, Any] | None:
    """The choice's ``logprobs`` object, when the request asked for it (anything else is dropped)."""
    found = choice.get("logprobs")
    if not request.params.logprobs or found is None:
        return None
    if not isinstance(found, dict):
        raise ValueError("logprobs is not an object")
    return found


def _tool_calls(found: Any) -> list[dict[str, Any]] | None:
    """The message's ``tool_calls`` in OpenAI's form; a model that calls tools it was not offered
    has its calls kept (the gateway's tools stage withholds them), one malformed is an upstream error."""
    if not found:
        return None
    if not isinstance(found, list):
        raise ValueError("tool_calls is not a list")
    calls = []
    for call in found:
        function = call["function"]
        arguments = function.get("arguments")
        calls.append(
            {
                "id": str(call["id"]),
                "type": "function",
                "function": {
                    "name": str(function["name"]),
                    "arguments": arguments if isinstance(arguments, str) else orjson.dumps(arguments).decode(),
                },
            }
        )
    return calls


def _parse_sse_line(line: str) -> StreamDelta | None:
    line = line.strip()
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
        piece = choice.get("delta") or {}
        delta.text = piece.get("content") or ""
        delta.finish_reason = choice.get("finish_reason")
        calls = piece.get("tool_calls")
        if calls:
            if not isinstance(calls, list) or not all(isinstance(c, dict) for c in calls):
                raise ProviderError("upstream stream sent malformed tool_calls", retryable=False)
            delta.tool_calls = calls
    return delta
