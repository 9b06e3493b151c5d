"""SA-5 / PC-7: requests and tokens per minute per key, in memory or shared through Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from charter.errors import RateLimited
from charter.gateway.ratelimit import MemoryLimiter, RedisLimiter, Reservation
from tests.conftest import REDIS_URL, make_platform, needs_redis

GOOD = {"messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def database_url():
    return None


@pytest.fixture
def platform(runtime, upstream):
    return make_platform(runtime, upstream, rpm=3, tpm=1_000_000)


def test_sa5_requests_per_minute_per_key(http, platform):
    codes = [http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.json()["error"]["code"] == "rate_limit_exceeded"
    assert int(r.headers["retry-after"]) >= 1
    other = platform.key("app")  # another key has its own budget
    assert http.post("/v1/chat/completions", json=GOOD, headers={"authorization": f"Bearer {other}"}).status_code == 200


async def test_sa5_tokens_per_minute_in_memory():
    limiter = MemoryLimiter()
    await limiter.admit("k", rpm=100, tpm=100, tokens=60)
    with pytest.raises(RateLimited) as err:
        await limiter.admit("k", rpm=100, tpm=100, tokens=60)
    assert err.value.code == "token_rate_limit_exceeded"
    await limiter.admit("other", rpm=100, tpm=100, tokens=60)


@needs_redis
@pytest.mark.redis
async def test_sa5_redis_limit_is_shared_between_limiters():
    assert REDIS_URL
    a, b = RedisLimiter(REDIS_URL), RedisLimiter(REDIS_URL)
    key = f"test-{uuid.uuid4().hex}"
    try:
        results = await asyncio.gather(
            *[(a if i % 2 else b).admit(key, rpm=10, tpm=10**9, tokens=1) for i in range(16)],
            return_exceptions=True,
        )
        refused = [r for r in results if isinstance(r, RateLimited)]
        assert len(refused) == 6 and sum(isinstance(r, Reservation) for r in results) == 10
    finally:
        await a.aclose()
        await b.aclose()
