"""Runs an exchange through the governed path and shapes the OpenAI wire answer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import orjson

from charter.domain import Exchange
from charter.domain.completion import cache_object, charter_object, completion_body, usage_body
from charter.errors import CharterError, RateLimited, Suspended, Unavailable, UpstreamFailed
from charter.gateway.answer import check_answer
from charter.gateway.cache import lookup, remember
from charter.gateway.generate import generate, open_stream, route
from charter.gateway.ratelimit import Reservation
from charter.gateway.record import record
from charter.gateway.refusals import AGGREGATED_CODES, refusal_counter
from charter.gateway.stages import admit
from charter.gateway.state import gateway_of
from charter.gateway.tools import ToolCallJoiner, check_tool_calls, offer_tools
from charter.guards.stages import screen_input, screen_output, screen_output_stream
from charter.knowledge.stages import ground
from charter.monitor.metrics import observe_exchange
from charter.oversight.stages import held_response_body, must_hold_before_release, oversee
from charter.prompts.stages import compose
from charter.providers.base import ProviderError, StreamDelta
from charter.runtime import Runtime

__all__ = ["Outcome", "Pipeline"]

log = logging.getLogger(__name__)

T = TypeVar("T")


async def _timed(ex: Exchange, stage: str, step: Awaitable[T]) -> T:
    """Await one stage, noting when it ran (``Exchange.stage_times``: the trace's child spans)."""
    start = time.time_ns()
    try:
        return await step
    finally:
        ex.stage_times.append((stage, start, time.time_ns()))


class Outcome:
    """What the route turns into a response: a JSON body (status 200 or 202) or an SSE stream."""

    __slots__ = ("body", "headers", "status", "stream")

    def __init__(
        self,
        status: int,
        body: dict[str, Any] | None,
        headers: dict[str, str],
        stream: AsyncIterator[bytes] | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers
        self.stream = stream


class Pipeline:
    """admit → screen_input → ground → compose → route → generate → screen_output → oversee → record.

    With a charter's ``cache:``, a cached answer stands in for generate (``lookup`` after route,
    ``remember`` after record: charter.gateway.cache); a hit asked for as a stream is sent as one.

    A request that offers tools is checked against the charter's ``tools`` first (``offer_tools``),
    and the model's tool calls after the output guards (``check_tool_calls``): charter.gateway.tools.

    Each stage is its capability's function, imported: a missing or misnamed stage fails at start-up.
    """

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    async def _refused(self, ex: Exchange, exc: CharterError) -> None:
        # a kill switch (503 Suspended) is a deliberate refusal, not a failure of Charter or upstream
        failed = isinstance(exc, UpstreamFailed) or (exc.status >= 500 and not isinstance(exc, Suspended))
        ex.status = "error" if failed else "refused"
        ex.error_code = exc.code
        if exc.code in AGGREGATED_CODES:  # a rate-limit refusal is counted, not recorded (gateway.refusals)
            refusal_counter(self.rt).count(
                tenant_id=ex.principal.tenant_id, use_case_id=ex.use_case_id, key_id=ex.principal.key_id, code=exc.code
            )
            observe_exchange(self.rt, ex)
            return
        if isinstance(exc, RateLimited):
            ex.persist_raw = False
        try:
            await record(ex, self.rt)
        except CharterError:
            log.exception("could not record a refused exchange %s", ex.request_id)

    def _headers(self, ex: Exchange, interaction_id: str) -> dict[str, str]:
        headers = {
            "x-request-id": ex.request_id,
            "x-charter-interaction-id": interaction_id,
            "x-charter-use-case": ex.charter.name,
            "x-charter-charter-version": str(ex.charter_version),
        }
        if ex.model is not None:
            headers["x-charter-model"] = f"{ex.model.alias}/{ex.model.platform_model_id}@{ex.model.version}"
        headers.update(ex.response_headers)
        return headers

    async def chat(self, ex: Exchange) -> Outcome:
        rt = self.rt
        try:
            offer_tools(ex)
            reservation = await _timed(ex, "admit", admit(ex, rt))
            await _timed(ex, "screen_input", screen_input(ex, rt))
            await _timed(ex, "ground", ground(ex, rt))
            await _timed(ex, "compose", compose(ex, rt))
            planned = await _timed(ex, "route", route(ex, rt))
            hit = ex.charter.cache is not None and await _timed(ex, "cache", lookup(ex, rt, planned))
            hold_first = must_hold_before_release(ex)
            if ex.params.stream and not hold_first and not hit:
                opened = time.time_ns()
                deltas = await open_stream(ex, rt, planned)
                return Outcome(200, None, self._headers(ex, "pending"), self._sse(ex, deltas, reservation, opened))
            if not hit:
                await _timed(ex, "generate", generate(ex, rt, planned))
            await _timed(ex, "screen_output", screen_output(ex, rt))
            if ex.tool_calls:  # a stage (and a span) only where the model called tools
                await _timed(ex, "tool_calls", check_tool_calls(ex, rt))
            check_answer(ex)
            await _timed(ex, "oversee", oversee(ex, rt))
        except CharterError as exc:
            await self._refused(ex, exc)
            raise
        if ex.held_review_id is not None:
            ex.status = "held"
        await self._settle(ex, reservation)
        interaction_id = await record(ex, rt)
        await remember(ex, rt, interaction_id)
        headers = self._headers(ex, interaction_id)
        if ex.held_review_id is not None:
            return Outcome(202, held_response_body(ex), headers)
        if hit and ex.params.stream:
            return Outcome(200, None, headers, _replay(ex, interaction_id))
        return Outcome(200, _answer_body(ex, interaction_id), headers)

    async def _texts(
        self, ex: Exchange, deltas: AsyncIterator[StreamDelta], calls: ToolCallJoiner
    ) -> AsyncIterator[str]:
        async for delta in deltas:
            if delta.tool_calls:
                calls.add(delta.tool_calls)
            if delta.prompt_tokens:
                ex.usage.prompt_tokens = delta.prompt_tokens
            if delta.completion_tokens is not None:
                ex.usage.completion_tokens = delta.completion_tokens
            if delta.finish_reason:
                ex.finish_reason = delta.finish_reason
            if delta.text:
                ex.model_output += delta.text
                yield delta.text

    async def _settle(self, ex: Exchange, reservation: Reservation) -> None:
        """Charge the key's token budget what the exchange used instead of what admit reserved.

        The answer exists by now, so a rate-limit store that cannot be reached does not withhold it:
        its tokens are spent either way, and the key's next request is refused (``503
        ratelimit_unavailable``) until the store is back. The failure is not swallowed: it is logged
        and recorded with the interaction (verdict ``ratelimit``, outcome ``fail``)."""
        used = ex.usage.total_tokens
        try:
            limiter = gateway_of(self.rt).limiter
            await limiter.settle(reservation, used)
            if reservation.end_user is not None:
                await limiter.settle(reservation.end_user, used)
        except Unavailable as exc:
            log.error("request %s: %s; %d tokens used, %d reserved", ex.request_id, exc.message, used,
                      reservation.tokens)
            ex.verdict("ratelimit", "fail", code=exc.code, reserved_tokens=reservation.tokens, used_tokens=used)

    async def _sse(
        self, ex: Exchange, deltas: AsyncIterator[StreamDelta], reservation: Reservation, opened: int
    ) -> AsyncIterator[bytes]:
        rt = self.rt
        base = {
            "id": f"chatcmpl-{ex.request_id}",
            "object": "chat.completion.chunk",
            "created": int(ex.received_at),
            "model": ex.model.alias if ex.model else "",
        }
        calls = ToolCallJoiner()  # tool calls are held until whole and checked, then sent in one delta
        texts = screen_output_stream(ex, rt, self._texts(ex, deltas, calls))
        parts: list[str] = []
        recorded = False
        try:
            yield _chunk(base, {"role": "assistant", "content": ""}, None)
            try:
                async for text in texts:
                    parts.append(text)
                    yield _chunk(base, {"content": text}, None)
                if calls and ex.content_filter is None:  # a cut answer was not read to its end: no calls
                    ex.tool_calls = calls.calls()
            except ProviderError as exc:
                ex.status, ex.error_code = "error", "upstream_interrupted"
                ex.verdict("generate", "block", error=str(exc))
            ex.stage_times.append(("generate", opened, time.time_ns()))
            ex.output = "".join(parts)
            if ex.status == "ok":
                try:
                    await _timed(ex, "screen_output", screen_output(ex, rt))
                    if ex.tool_calls:
                        await _timed(ex, "tool_calls", check_tool_calls(ex, rt))
                    check_answer(ex)
                    await _timed(ex, "oversee", oversee(ex, rt))
                except CharterError as exc:
                    ex.status, ex.error_code = "refused", exc.code
                    ex.finish_reason = "content_filter"
                    ex.tool_calls = None
            await self._settle(ex, reservation)
            interaction_id = await record(ex, rt)
            recorded = True
            await remember(ex, rt, interaction_id)
            if ex.tool_calls and ex.status == "ok":
                yield _chunk(base, {"tool_calls": [{"index": i, **call} for i, call in enumerate(ex.tool_calls)]}, None)
            final = _chunk(base, {}, ex.finish_reason if ex.status != "error" else "error", _cut_by(ex))
            yield final
            if ex.params.include_usage:
                yield (
                    b"data: "
                    + orjson.dumps(
                        {
                            **base,
                            "choices": [],
                            "usage": usage_body(ex.usage),
                            "charter": {"interaction_id": interaction_id},
                        }
                    )
                    + b"\n\n"
                )
            yield b"data: [DONE]\n\n"
        except CharterError as exc:  # the record failed: say so, and do not send [DONE]
            yield b"data: " + orjson.dumps(exc.to_body()) + b"\n\n"
        finally:
            if not recorded:
                ex.output = "".join(parts)
                if ex.status == "ok":
                    ex.status, ex.error_code = "cancelled", "client_disconnected"
                await asyncio.shield(self._record_quietly(ex))

    async def _record_quietly(self, ex: Exchange) -> None:
        try:
            await record(ex, self.rt)
        except CharterError:
            log.exception("could not record exchange %s", ex.request_id)


def _cut_by(ex: Exchange) -> dict[str, Any] | None:
    """``{"content_filter": {"guard", "types"}}`` when an output guard cut the answer (the
    ``x-charter-guard-flags`` header of a stream has gone before the cut)."""
    return None if ex.content_filter is None else {"content_filter": ex.content_filter.as_dict()}


def _chunk(
    base: dict[str, Any], delta: dict[str, Any], finish: str | None, charter: dict[str, Any] | None = None
) -> bytes:
    body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if charter:
        body["charter"] = charter
    return b"data: " + orjson.dumps(body) + b"\n\n"


async def _replay(ex: Exchange, interaction_id: str) -> AsyncIterator[bytes]:
    """A cached answer, screened and recorded already, sent as the stream the client asked for: the
    text in one chunk, then the finish reason with ``charter.cache`` (and usage when asked)."""
    base = {
        "id": f"chatcmpl-{ex.request_id}",
        "object": "chat.completion.chunk",
        "created": int(ex.received_at),
        "model": ex.model.alias if ex.model else "",
    }
    yield _chunk(base, {"role": "assistant", "content": ""}, None)
    if ex.output and ex.content_filter is None:
        yield _chunk(base, {"content": ex.output}, None)
    yield _chunk(base, {}, ex.finish_reason, {**(_cut_by(ex) or {}), "cache": cache_object(ex)})
    if ex.params.include_usage:
        usage = {**base, "choices": [], "usage": usage_body(ex.usage), "charter": {"interaction_id": interaction_id}}
        yield b"data: " + orjson.dumps(usage) + b"\n\n"
    yield b"data: [DONE]\n\n"


def _answer_body(ex: Exchange, interaction_id: str) -> dict[str, Any]:
    return completion_body(
        completion_id=ex.request_id,
        created=int(time.time()),
        model=ex.model.alias if ex.model else "",
        content=ex.output,
        finish_reason=ex.finish_reason,
        usage=ex.usage,
        logprobs=ex.logprobs,
        tool_calls=ex.tool_calls,
        charter=charter_object(ex, interaction_id),
    )
