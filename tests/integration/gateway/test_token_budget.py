"""SA-5 / PC-7: a request is charged its real token usage once. ``admit`` reserves the prompt
estimate plus ``max_tokens``; after generation the reservation is settled to the usage (it was
charged the reservation and then the completion again). A lost Redis while settling is recorded
and logged, never swallowed; the answer, already generated, is released. Both stores; the memory
and the Redis limiter."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import select

from charter.api.deps import key_cache
from charter.gateway.ratelimit import MemoryLimiter, RedisLimiter, Reservation
from charter.gateway.state import gateway_of
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import interactions
from tests.conftest import REDIS_URL, Platform, make_platform
from tests.integration.faults.test_faults import own_redis  # noqa: F401 (a fixture)
from tests.support.live import LiveCharter
from tests.support.upstream import ScriptedUpstream

ASK = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 100}
#: What the scripted upstream reports for a plain answer: 11 prompt and 7 completion tokens.
PLAIN_USAGE = 11 + 7
#: What admit reserves for ASK: the prompt estimate ("hi": 1 token + 4 for the message) + max_tokens.
RESERVED = 5 + 100


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "memory":
        return settings
    if not REDIS_URL:
        pytest.skip("set CHARTER_TEST_REDIS_URL to run Redis tests")
    return settings.model_copy(update={"redis_url": REDIS_URL})


@pytest.fixture
def platform(runtime: Runtime, upstream: ScriptedUpstream) -> Platform:
    return make_platform(runtime, upstream, tpm=300)


def _window_fresh() -> None:
    """The limiter counts in one-minute windows: run well inside one."""
    into = time.time() % 60
    if into > 45:
        time.sleep(60 - into + 0.5)


def charged(platform: Platform) -> int:
    """Tokens the app key has been charged, over every window."""
    key_id = key_cache(platform.rt).authenticate(platform.keys["app"]).key_id
    limiter = gateway_of(platform.rt).limiter
    if isinstance(limiter, MemoryLimiter):
        return limiter._tokens.get(key_id, 0)
    client = redis.Redis.from_url(platform.rt.settings.redis_url or "")
    try:
        return sum(int(client.get(k) or 0) for k in client.scan_iter(f"charter:rl:{key_id}:*:t"))
    finally:
        client.close()


def test_sa5_a_request_is_charged_its_real_usage_not_the_reservation_plus_the_completion(http, platform) -> None:
    _window_fresh()
    r = http.post("/v1/chat/completions", json=ASK, headers=platform.auth())
    assert r.status_code == 200, r.text
    assert r.json()["usage"]["total_tokens"] == PLAIN_USAGE
    assert charged(platform) == PLAIN_USAGE


def test_sa5_a_streamed_request_is_charged_its_real_usage(http, platform) -> None:
    _window_fresh()
    platform.upstream.stream_pieces = ["Renew ", "online."]
    with http.stream("POST", "/v1/chat/completions", json={**ASK, "stream": True}, headers=platform.auth()) as r:
        assert r.status_code == 200
        body = r.read().decode()
    assert body.endswith("data: [DONE]\n\n")
    assert charged(platform) == 11 + 2


def test_sa5_a_budget_holds_as_many_requests_as_their_real_usage_allows(http, platform) -> None:
    """300 tokens a minute, 100 reserved per request: charged the reservation plus the completion
    (112), only two fit; settled to their usage (18), every request whose reservation fits is served."""
    _window_fresh()
    codes = [http.post("/v1/chat/completions", json=ASK, headers=platform.auth()).status_code for _ in range(12)]
    served = (300 - RESERVED) // PLAIN_USAGE + 1  # while what was charged + the next reservation fits
    assert codes == [200] * served + [429] * (12 - served)


async def test_sa5_memory_settle_refunds_in_the_reservation_window_only() -> None:
    limiter = MemoryLimiter()
    first = await limiter.admit("k", rpm=10, tpm=300, tokens=200)
    await limiter.settle(first, 18)
    assert limiter._tokens["k"] == 18
    await limiter.admit("k", rpm=10, tpm=300, tokens=282)  # the refund is usable at once
    stale = Reservation("k", first.window - 1, 250)
    await limiter.settle(stale, 0)  # a window that is gone: nothing to settle
    assert limiter._tokens["k"] == 300


@pytest.mark.redis
async def test_sa5_redis_settle_charges_the_reservation_window() -> None:
    if not REDIS_URL:
        pytest.skip("set CHARTER_TEST_REDIS_URL to run Redis tests")
    limiter, key = RedisLimiter(REDIS_URL), f"test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        reserved = await limiter.admit(key, rpm=10, tpm=300, tokens=200)
        await limiter.settle(reserved, 18)
        assert int(client.get(f"charter:rl:{key}:{reserved.window}:t") or 0) == 18
        assert 0 < int(client.ttl(f"charter:rl:{key}:{reserved.window}:t")) <= 120
    finally:
        client.close()
        await limiter.aclose()


@pytest.fixture
def lost_redis_platform(settings: Settings, upstream: ScriptedUpstream, own_redis: Any) -> Iterator[Any]:  # noqa: F811
    if settings.redis_url is not None:
        pytest.skip("runs once per store, on its own Redis")
    url, port, _ = own_redis
    rt = Runtime.open(settings.model_copy(update={"redis_url": url}))
    try:
        yield make_platform(rt, upstream), port
    finally:
        rt.close()


@pytest.mark.redis
def test_sa5_redis_lost_while_settling_is_recorded_and_the_answer_released(lost_redis_platform) -> None:
    platform, port = lost_redis_platform
    server = LiveCharter(platform.rt).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            platform.upstream.delay = 1.0
            answer: dict[str, Any] = {}
            ask = threading.Thread(
                target=lambda: answer.update(r=http.post("/v1/chat/completions", json=ASK, headers=platform.auth()))
            )
            ask.start()
            deadline = time.monotonic() + 10
            while not platform.upstream.requests and time.monotonic() < deadline:
                time.sleep(0.02)
            subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
            ask.join(30)
            released = answer["r"]
            assert released.status_code == 200, released.text  # generated and screened: released
            assert released.json()["choices"][0]["message"]["content"] == platform.upstream.reply
            platform.upstream.delay = 0.0
            refused = http.post("/v1/chat/completions", json=ASK, headers=platform.auth())
            assert (refused.status_code, refused.json()["error"]["code"]) == (503, "ratelimit_unavailable")
    finally:
        server.stop()
    with platform.rt.engine.connect() as conn:
        rows = conn.execute(select(interactions.c.status, interactions.c.verdicts)).all()
    assert [row.status for row in rows] == ["ok"]
    unsettled = [v for v in rows[0].verdicts if v["stage"] == "ratelimit"]
    assert unsettled == [
        {
            "stage": "ratelimit",
            "outcome": "fail",
            "detail": {"code": "ratelimit_unavailable", "reserved_tokens": RESERVED, "used_tokens": PLAIN_USAGE},
        }
    ]
