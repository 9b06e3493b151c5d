"""Per-key and per-end-user rate limits: requests and tokens per minute (SA-5, PC-7).

A counter is named by a key id, or by ``eu:<use case id>:<subject id>`` for an end user whose
charter sets ``end_users.requests_per_minute`` / ``tokens_per_minute`` (refused with the codes
``end_user_rate_limit_exceeded`` / ``end_user_token_rate_limit_exceeded``).

Fixed one-minute windows. In one process the counters live in memory; with ``CHARTER_REDIS_URL``
they live in Redis, so every replica shares them (one round trip per request, pipelined).

Tokens are reserved, then settled: :meth:`RateLimiter.admit` takes the prompt estimate plus
``max_tokens`` from the key's budget (refusing when it does not fit) and returns a
:class:`Reservation`; once the exchange's real usage is known, :meth:`RateLimiter.settle` charges
the difference (a refund when the answer was shorter), in the window the reservation was taken in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from charter.errors import RateLimited, Unavailable

__all__ = ["END_USER_PREFIX", "MemoryLimiter", "RateLimiter", "RedisLimiter", "Reservation", "make_limiter"]


@dataclass(frozen=True, slots=True)
class Reservation:
    """What ``admit`` took from a key's tokens-per-minute budget, and in which one-minute window
    (``window``: minutes since the epoch, ``int(time.time() // 60)``: the window ``settle`` corrects)."""

    key_id: str
    window: int
    tokens: int
    #: The end user's own reservation, when the charter limits end users too (settled alongside).
    end_user: Reservation | None = None


#: Counter names of end users start with this (the key's own counters are named by the key id).
END_USER_PREFIX = "eu:"


def _refuse(kind: str, limit: int, window: int, counter: str = "") -> RateLimited:
    retry = max(1, int(60 - (time.time() - window * 60)))
    code = "rate_limit_exceeded" if kind == "requests" else "token_rate_limit_exceeded"
    who = "this key"
    if counter.startswith(END_USER_PREFIX):  # SA-5: one end user cannot spend a whole application's limit
        who, code = "this end user", "end_user_" + code
    return RateLimited(
        f"{who} may send {limit} {kind} per minute; retry in {retry} s",
        code=code,
        headers={"retry-after": str(retry)},
    )


class RateLimiter(Protocol):
    async def admit(self, key_id: str, rpm: int, tpm: int, tokens: int) -> Reservation: ...

    async def settle(self, reservation: Reservation, used: int) -> None:
        """Charge ``used`` tokens instead of the reserved ones (``503 ratelimit_unavailable`` when the
        shared store cannot be reached)."""

    async def aclose(self) -> None: ...


class MemoryLimiter:
    def __init__(self) -> None:
        self._window = -1
        self._requests: dict[str, int] = {}
        self._tokens: dict[str, int] = {}

    def _roll(self) -> int:
        window = int(time.time() // 60)
        if window != self._window:
            self._window = window
            self._requests.clear()
            self._tokens.clear()
        return window

    async def admit(self, key_id: str, rpm: int, tpm: int, tokens: int) -> Reservation:
        window = self._roll()
        count = self._requests.get(key_id, 0) + 1
        if count > rpm:
            raise _refuse("requests", rpm, window, key_id)
        used = self._tokens.get(key_id, 0)
        if used + tokens > tpm:
            raise _refuse("tokens", tpm, window, key_id)
        self._requests[key_id] = count
        self._tokens[key_id] = used + tokens
        return Reservation(key_id, window, tokens)

    async def settle(self, reservation: Reservation, used: int) -> None:
        if self._roll() == reservation.window:  # else its window, and the reservation, are gone
            key_id = reservation.key_id
            self._tokens[key_id] = max(0, self._tokens.get(key_id, 0) + used - reservation.tokens)

    async def aclose(self) -> None:
        return None


class RedisLimiter:
    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self._redis: Any = aioredis.from_url(url)

    async def admit(self, key_id: str, rpm: int, tpm: int, tokens: int) -> Reservation:
        window = int(time.time() // 60)
        rkey, tkey = f"charter:rl:{key_id}:{window}:r", f"charter:rl:{key_id}:{window}:t"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(rkey)
                pipe.expire(rkey, 120)
                pipe.incrby(tkey, tokens)
                pipe.expire(tkey, 120)
                count, _, used, _ = await pipe.execute()
        except Exception as exc:  # fail closed: without the shared counter the limit cannot be enforced
            raise Unavailable(
                f"rate-limit store unreachable ({type(exc).__name__})", code="ratelimit_unavailable"
            ) from exc
        if count > rpm:
            raise _refuse("requests", rpm, window, key_id)
        if used > tpm:
            raise _refuse("tokens", tpm, window, key_id)
        return Reservation(key_id, window, tokens)

    async def settle(self, reservation: Reservation, used: int) -> None:
        delta = used - reservation.tokens
        if delta == 0:
            return
        tkey = f"charter:rl:{reservation.key_id}:{reservation.window}:t"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incrby(tkey, delta)
                pipe.expire(tkey, 120)
                await pipe.execute()
        except Exception as exc:  # as admit: never swallowed; the caller decides what the exchange does
            raise Unavailable(
                f"rate-limit store unreachable ({type(exc).__name__})", code="ratelimit_unavailable"
            ) from exc

    async def aclose(self) -> None:
        await self._redis.aclose()


def make_limiter(redis_url: str | None) -> RateLimiter:
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
