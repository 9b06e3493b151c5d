"""RR-2: the in-memory response cache is bounded (least recently used out first), expires entries and
finds the nearest question of a partition."""

from __future__ import annotations

import asyncio

import numpy as np

from charter.gateway.cachestore import MemoryCacheStore


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_rr2_memory_store_keeps_at_most_max_entries_least_recently_used_out_first():
    async def run() -> list[bytes | None]:
        store = MemoryCacheStore(max_entries=2)
        await store.put("a", b"1", 60, None, None)
        await store.put("b", b"2", 60, None, None)
        await store.get("a")  # a is used: b is now the least recently used
        await store.put("c", b"3", 60, None, None)
        return [await store.get(k) for k in ("a", "b", "c")]

    assert asyncio.run(run()) == [b"1", None, b"3"]


def test_rr2_memory_store_nearest_question_forgets_expired_and_cleared_entries():
    async def run() -> tuple[object, object, object, object]:
        store = MemoryCacheStore(max_entries=10)
        await store.put("near", b"x", 60, "p", _unit(1, 0.1, 0).tobytes())
        await store.put("far", b"y", 60, "p", _unit(0, 0, 1).tobytes())
        await store.put("gone", b"z", -1, "p", _unit(1, 0, 0).tobytes())  # already expired
        await store.get("gone")
        best = await store.nearest("p", _unit(1, 0, 0))
        other = await store.nearest("q", _unit(1, 0, 0))
        await store.forget("near", "p")
        after = await store.nearest("p", _unit(1, 0, 0))
        store.clear_local()
        cleared = await store.nearest("p", _unit(1, 0, 0))
        return best, other, after, cleared

    best, other, after, cleared = asyncio.run(run())
    assert best is not None and best[0] == "near" and 0.99 < best[1] <= 1.0  # type: ignore[index]
    assert other is None and cleared is None
    assert after is not None and after[0] == "far"  # type: ignore[index]
