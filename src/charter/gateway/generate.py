"""The route and generate stages: plan the fallback chain, call providers with retries, breakers and
fallbacks (MD-7), and check the context window (PC-7)."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from charter.domain import Exchange, ModelEntry
from charter.errors import InvalidRequest, UpstreamFailed
from charter.gateway.state import gateway_of
from charter.providers.base import ChatRequest, Provider, ProviderError, StreamDelta, requested_parameters
from charter.providers.router import Route, backoff, keep_supporting, pick_weighted, plan_route, split_canary
from charter.runtime import Runtime

__all__ = ["generate", "open_stream", "route", "upstream_failed"]

log = logging.getLogger(__name__)

T = TypeVar("T")


async def route(ex: Exchange, rt: Runtime) -> Route:
    gw = gateway_of(rt)
    switches = gw.switches(ex.principal.tenant_id)
    killed = {target for scope, target in switches if scope == "model"}
    planned = plan_route(ex.charter, ex.params.model, gw.model_entries(ex.principal.tenant_id), killed)
    needed = requested_parameters(ex.params)
    if "tools" not in needed and any(m.tool_calls or m.tool_call_id for m in ex.messages):
        needed.append("tools")  # a conversation with tool calls needs a model that takes them
    if needed:  # the one place a request's optional parameters meet the providers' capabilities
        planned = keep_supporting(
            planned,
            needed,
            lambda entry: getattr(gw.provider(entry), "supports", frozenset()),
            lambda entry: getattr(gw.provider(entry), "conflicts", ()),
        )
    planned, canary = split_canary(planned, ex.request_id)
    detail = {} if canary is None else {"canary": canary}  # which arm served: charter.training.canary
    ex.verdict(
        "route", "pass", chain=[next(e.alias for e in alias) for alias in planned.chain], filtered=planned.filtered,
        **detail,
    )
    return planned


def _request(ex: Exchange, entry: ModelEntry) -> ChatRequest:
    messages = ex.prompt_messages if ex.prompt_messages is not None else ex.messages
    wire = [m.wire() for m in messages]
    needed = ex.usage.prompt_tokens + (ex.params.max_tokens or 0)
    if needed > entry.context_window:
        raise InvalidRequest(
            f"about {ex.usage.prompt_tokens} prompt tokens + {ex.params.max_tokens or 0} max_tokens exceed the "
            f"{entry.context_window}-token context window of {entry.alias}; shorten the input or lower max_tokens",
            code="context_length_exceeded",
            param="messages",
        )
    return ChatRequest(model=entry, messages=wire, params=ex.params)


def _candidates(planned: Route) -> list[ModelEntry]:
    order: list[ModelEntry] = []
    for alias_entries in planned.chain:
        order.extend(pick_weighted(alias_entries))
    return order


def upstream_failed(ex: Exchange, what: str = "answer") -> UpstreamFailed:
    """The 502 after every allowed model failed. Where and why each attempt failed (hosts, ports,
    connection errors) stays in the interaction record and the log; the client learns the outage
    message and how many attempts were made, never which internal destinations answered."""
    ex.verdict("generate", "fail", attempts=list(ex.attempts))
    log.warning("request %s: every allowed model failed: %s", ex.request_id, ex.attempts)
    return UpstreamFailed(
        f"no allowed model could {what}. " + ex.charter.outage_message,
        code="upstream_unavailable",
        extra={"attempts": len(ex.attempts)},
    )


async def _first_success(
    ex: Exchange, rt: Runtime, planned: Route, call: Callable[[Provider, ChatRequest], Awaitable[T]], **detail: Any
) -> T:
    """The one retry loop: each candidate along the fallback chain, behind its circuit breaker, with
    retries and backoff for retryable provider errors. The first success sets the exchange's model
    and time to first result and records the ``generate`` verdict; when none succeeds, the 502."""
    gw = gateway_of(rt)
    retries, base = rt.settings.upstream_retries, rt.settings.upstream_backoff_s
    for entry in _candidates(planned):
        breaker = gw.breaker(entry)
        request = _request(ex, entry)
        for attempt in range(retries + 1):
            if not breaker.allow():
                ex.attempts.append({"model": entry.alias, "id": entry.id, "error": "circuit open"})
                break
            started = time.perf_counter()
            try:
                result = await call(gw.provider(entry), request)
            except ProviderError as exc:
                breaker.failure()
                ex.attempts.append({"model": entry.alias, "id": entry.id, "error": str(exc), "status": exc.status})
                if not exc.retryable:
                    break
                if attempt < retries:
                    await backoff(attempt, base)
                continue
            breaker.success()
            ex.model = entry
            ex.ttft_ms = (time.perf_counter() - started) * 1000.0
            ex.verdict("generate", "pass", model=entry.alias, attempts=len(ex.attempts) + 1, **detail)
            return result
    raise upstream_failed(ex)


async def generate(ex: Exchange, rt: Runtime, planned: Route) -> None:
    """Non-streaming generation along the fallback chain."""
    result = await _first_success(ex, rt, planned, lambda provider, request: provider.chat(request))
    ex.output = ex.model_output = result.text
    ex.logprobs = result.logprobs
    ex.tool_calls = result.tool_calls
    ex.finish_reason = result.finish_reason
    if result.prompt_tokens:
        ex.usage.prompt_tokens = result.prompt_tokens
    ex.usage.completion_tokens = result.completion_tokens


async def open_stream(ex: Exchange, rt: Runtime, planned: Route) -> AsyncIterator[StreamDelta]:
    """Start a streamed generation along the fallback chain. Falls back only before the first
    token; returns an iterator whose first item has already arrived (errors surface as HTTP errors)."""
    return await _first_success(ex, rt, planned, _open, stream=True)


async def _open(provider: Provider, request: ChatRequest) -> AsyncIterator[StreamDelta]:
    """Open a stream and wait for its first delta (a provider error before it is a failed attempt)."""
    iterator = provider.stream(request).__aiter__()
    try:
        first = await iterator.__anext__()
    except StopAsyncIteration:
        first = StreamDelta(finish_reason="stop")
    return _chain_first(first, iterator)


async def _chain_first(first: StreamDelta, rest: AsyncIterator[StreamDelta]) -> AsyncIterator[StreamDelta]:
    yield first
    async for delta in rest:
        yield delta
