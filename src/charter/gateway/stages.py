"""The governed path, one small function per stage over the exchange.

    admit → screen_input → ground → compose → route → generate → screen_output → oversee → record

``screen_input``, ``ground``, ``compose``, ``screen_output`` and ``oversee`` belong to their
capabilities (guards, knowledge, prompts, oversight) and :class:`charter.gateway.pipeline.Pipeline`
imports and calls them. A stage refuses by raising a :class:`charter.errors.CharterError`.
"""

from __future__ import annotations

import math
from dataclasses import replace

from charter.domain import Exchange
from charter.errors import CharterError, InvalidRequest, Suspended
from charter.gateway.ratelimit import END_USER_PREFIX, Reservation
from charter.gateway.state import gateway_of
from charter.monitor.budgets import meter_of
from charter.providers.router import check_requested
from charter.runtime import Runtime

__all__ = ["admit", "estimate_tokens"]


def estimate_tokens(text_chars: int, messages: int) -> int:
    """A conservative token estimate (about 4 characters a token, plus framing per message)."""
    return math.ceil(text_chars / 3.5) + 4 * messages


async def admit(ex: Exchange, rt: Runtime) -> Reservation:
    """Kill switches, input size, context window and rate limits (HO-4, PC-7, SA-5). Returns what
    was reserved of the key's token budget (the prompt estimate plus ``max_tokens``): the caller
    settles it to the real usage once the answer is generated."""
    gw = gateway_of(rt)
    charter = ex.charter
    switches = gw.switches(ex.principal.tenant_id)
    if ("global", "*") in switches:
        raise Suspended(
            "Charter is switched off by an administrator. " + charter.outage_message, code="service_suspended"
        )
    if charter.kill_switch or ("use_case", charter.name) in switches:
        raise Suspended(
            f"use case {charter.name!r} is switched off. " + charter.outage_message, code="use_case_suspended"
        )
    check_requested(charter, ex.params.model, gw.model_entries(ex.principal.tenant_id))  # before any guard runs
    # the arguments of earlier tool calls are input the model reads too
    chars = sum(len(m.content) + sum(len(c["function"]["arguments"]) for c in m.tool_calls or ()) for m in ex.messages)
    if chars > charter.max_input_chars:
        raise InvalidRequest(
            f"the input is {chars} characters; this use case accepts at most {charter.max_input_chars}",
            code="input_too_long",
            param="messages",
        )
    if charter.budget is not None:
        await meter_of(rt).check(ex.use_case_id, charter.name, charter.budget)
    tokens = estimate_tokens(chars, len(ex.messages))
    ex.usage.prompt_tokens = tokens
    limits = charter.rate_limits
    wanted = tokens + (ex.params.max_tokens or 0)
    reservation = await gw.limiter.admit(
        ex.principal.key_id, limits.requests_per_minute, limits.tokens_per_minute, wanted
    )
    per_user = charter.end_users
    if ex.subject_id is not None and (per_user.requests_per_minute or per_user.tokens_per_minute):
        counter = f"{END_USER_PREFIX}{ex.use_case_id}:{ex.subject_id}"
        try:
            own = await gw.limiter.admit(counter, per_user.requests_per_minute or 2**31,
                                         per_user.tokens_per_minute or 2**62, wanted)
        except CharterError:
            await gw.limiter.settle(reservation, 0)  # the key's tokens go back: nothing was generated
            raise
        reservation = replace(reservation, end_user=own)
    ex.verdict("admit", "pass", estimated_prompt_tokens=tokens)
    return reservation
