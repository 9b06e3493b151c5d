"""Targets: what produces the answers an experiment scores.

- :class:`ProviderTarget` calls Charter's registered models through their providers (the models
  under test, without the gateway's guards): the default for ``charter eval run``.
- :class:`OpenAICompatibleTarget` posts to any ``/chat/completions`` endpoint, Charter's own
  gateway included (``--target http://127.0.0.1:8080/v1`` with an app key measures the whole
  governed path: guards, refusals, grounding), or a scripted upstream in tests.
- :class:`CallableTarget` wraps a plain Python function (tests, notebooks).

A target returns an :class:`Answer` for every item it could ask about (a refusal is an answer);
it raises :class:`TargetError` when it could not ask at all, and the item is retried on resume.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import httpx

from charter.domain import ChatMessage, GenerationParams
from charter.evals.base import Answer
from charter.gateway.state import gateway_of
from charter.outbound import OutboundPolicy
from charter.providers.base import ChatRequest, ProviderError
from charter.secretstore import Credential

__all__ = [
    "CallableTarget",
    "OpenAICompatibleTarget",
    "ProviderTarget",
    "Target",
    "TargetError",
    "TargetSpec",
    "build_target",
]


class TargetError(Exception):
    """The target could not produce an answer (connection, server error): retry the item later."""


@runtime_checkable
class Target(Protocol):
    name: str

    async def generate(self, model: str, messages: Sequence[ChatMessage], params: GenerationParams) -> Answer: ...

    async def aclose(self) -> None: ...


def _wire(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in messages]


class CallableTarget:
    """``fn(model, messages, params)`` returning text or an :class:`Answer`, sync or async."""

    def __init__(self, fn: Callable[..., str | Answer | Awaitable[str | Answer]], name: str = "callable") -> None:
        self.fn = fn
        self.name = name

    async def generate(self, model: str, messages: Sequence[ChatMessage], params: GenerationParams) -> Answer:
        started = time.perf_counter()
        result = self.fn(model, list(messages), params)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, Answer):
            return result
        return Answer(text=str(result), latency_ms=(time.perf_counter() - started) * 1000.0)

    async def aclose(self) -> None:
        return None


class OpenAICompatibleTarget:
    """POST ``{base_url}/chat/completions``; HTTP 400 ``content_filter`` (a Charter guard) is a refusal.

    ``base_url`` must be on the outbound allow-list (checked here and on every DNS answer);
    ``credential`` is an operator secret bound to the target's host (``--secret``)."""

    def __init__(
        self,
        base_url: str,
        *,
        outbound: OutboundPolicy,
        credential: Credential | None = None,
        timeout: float = 120.0,
        prices: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        base = base_url.rstrip("/")
        outbound.check_url(base, param="target")
        headers = {"authorization": credential.authorization(base)} if credential is not None else {}
        self.name = f"openai:{base_url}"
        self.prices = prices or {}
        self._client = outbound.async_httpx_client(
            base_url=base, headers=headers, timeout=httpx.Timeout(timeout, connect=5.0)
        )

    def _cost(self, model: str, prompt: int, completion: int) -> float:
        p, c = self.prices.get(model, (0.0, 0.0))
        return (prompt * p + completion * c) / 1000.0

    async def generate(self, model: str, messages: Sequence[ChatMessage], params: GenerationParams) -> Answer:
        body: dict[str, Any] = {"model": model, "messages": _wire(messages)}
        for field in ("max_tokens", "temperature", "top_p", "stop", "seed"):
            value = getattr(params, field)
            if value is not None:
                body[field] = value
        started = time.perf_counter()
        try:
            response = await self._client.post("/chat/completions", json=body)
        except httpx.HTTPError as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}") from exc
        elapsed = (time.perf_counter() - started) * 1000.0
        if response.status_code == 400:
            code = _error_code(response)
            if code == "content_filter":
                return Answer(text="", refused=True, error=code, latency_ms=elapsed)
            return Answer(text="", error=code or "bad_request", latency_ms=elapsed)
        if response.status_code >= 300:
            raise TargetError(f"HTTP {response.status_code} from the target")
        data = response.json()
        choice = data["choices"][0]
        usage = data.get("usage") or {}
        prompt, completion = int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))
        return Answer(
            text=choice["message"].get("content") or "",
            refused=choice.get("finish_reason") == "content_filter",
            latency_ms=elapsed,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cost=self._cost(model, prompt, completion),
        )

    async def aclose(self) -> None:
        await self._client.aclose()


def _error_code(response: httpx.Response) -> str | None:
    try:
        code = response.json().get("error", {}).get("code")
    except ValueError:
        return None
    return str(code) if code else None


class ProviderTarget:
    """Charter's registered models of one tenant, called through their providers.

    The entry used for an alias is its enabled entry with the highest traffic weight (ties: the
    newest version), so a run measures one model version, never a weighted mix. ``alias@N`` names
    version N of the model registry (charter.training.registry), serving or not: how a candidate
    is measured before the gate lets it serve anyone."""

    def __init__(self, rt: Any, tenant_id: str) -> None:
        self.rt = rt
        self.tenant_id = tenant_id
        self.name = "providers"

    def _entry(self, model: str) -> Any:
        alias, at, number = model.rpartition("@")
        if at and number.isdigit():
            found = [
                e for e in gateway_of(self.rt).model_entries(self.tenant_id)
                if e.alias == alias and e.registry_version == int(number)
            ]
            if not found:
                raise TargetError(f"no registered version {model!r}; see `charter models versions {alias}`")
            return found[0]
        entries = [e for e in gateway_of(self.rt).model_entries(self.tenant_id) if e.alias == model and e.enabled]
        if not entries:
            raise TargetError(f"no enabled model with alias {model!r}; see `charter models list`")
        return max(entries, key=lambda e: (e.weight, e.version))

    async def generate(self, model: str, messages: Sequence[ChatMessage], params: GenerationParams) -> Answer:
        entry = self._entry(model)
        started = time.perf_counter()
        try:
            result = (
                await gateway_of(self.rt)
                .provider(entry)
                .chat(ChatRequest(model=entry, messages=_wire(messages), params=params))
            )
        except ProviderError as exc:
            raise TargetError(str(exc)) from exc
        cost = (
            result.prompt_tokens * entry.price_prompt_per_1k + result.completion_tokens * entry.price_completion_per_1k
        ) / 1000.0
        return Answer(
            text=result.text,
            refused=result.finish_reason == "content_filter",
            latency_ms=(time.perf_counter() - started) * 1000.0,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            cost=cost,
        )

    async def aclose(self) -> None:
        return None


@dataclass(frozen=True)
class TargetSpec:
    """How to build a target, as plain data: a fan-out worker in another process builds its own from it
    (:mod:`charter.evals.fanout`). ``providers``: the tenant's registered models; ``url``: an
    OpenAI-compatible base URL with an optional operator secret; ``callable``: ``fn`` (picklable)."""

    kind: Literal["providers", "url", "callable"]
    tenant: str = ""
    tenant_id: str = ""
    url: str = ""
    secret: str | None = None
    fn: Callable[..., str | Answer | Awaitable[str | Answer]] | None = None


def build_target(rt: Any, spec: TargetSpec) -> Target:
    """The target ``spec`` names, for runtime ``rt`` (its egress policy and secrets for a URL)."""
    if spec.kind == "providers":
        return ProviderTarget(rt, spec.tenant_id)
    if spec.kind == "url":
        credential = rt.egress.credential(spec.url, secret=spec.secret, tenant=spec.tenant)
        return OpenAICompatibleTarget(spec.url, outbound=rt.egress.outbound, credential=credential)
    if spec.fn is None:
        raise ValueError("a callable target spec needs fn")
    return CallableTarget(spec.fn)
