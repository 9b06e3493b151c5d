"""Where the response cache keeps answers: in this process's memory (bounded, least recently used
first out), or in Redis when ``CHARTER_REDIS_URL`` is set, shared by every replica.

A store keeps opaque values under their exact key, each for its own time to live, and, for the
semantic mode, the question's embedding under a *partition* (everything the exact key holds but the
question). :meth:`CacheStore.nearest` scans one partition for the most similar question (at most
:data:`PARTITION_CAP` of them: the newest are kept). Every method may raise: the caller
(:mod:`charter.gateway.cache`) treats a failure as a miss, because a cache is an optimisation.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["PARTITION_CAP", "CacheStore", "MemoryCacheStore", "RedisCacheStore", "make_cache_store"]

#: The most questions one semantic partition keeps (the newest).
PARTITION_CAP = 2000
_ENTRY = "charter:rc:e:"
_PARTITION = "charter:rc:s:"


class CacheStore(Protocol):
    #: True when every replica sees the same entries (Redis): values are sealed before they go there.
    shared: bool
    #: ``time.monotonic()`` until which the gateway leaves a failing shared store alone.
    paused_until: float

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, value: bytes, ttl_s: int, partition: str | None, vector: bytes | None) -> None:
        """Keep ``value`` under ``key`` for ``ttl_s`` seconds and, given a partition, its question's vector."""

    async def nearest(self, partition: str, vector: npt.NDArray[np.float32]) -> tuple[str, float] | None:
        """The key of the most similar question in ``partition`` and its cosine similarity."""

    async def forget(self, key: str, partition: str | None = None) -> None:
        """Drop an entry (and its question from ``partition``)."""

    def clear_local(self) -> None:
        """Forget what this process holds (``Runtime.policy_changed``); a shared store is left alone."""

    async def aclose(self) -> None: ...


Vector = npt.NDArray[np.float32]


def _best(keys: list[str], matrix: Vector, vector: Vector) -> tuple[str, float] | None:
    if not keys:
        return None
    scores = matrix @ vector
    i = int(np.argmax(scores))
    return keys[i], float(scores[i])


@dataclass
class _Partition:
    vectors: OrderedDict[str, npt.NDArray[np.float32]] = field(default_factory=OrderedDict)
    matrix: tuple[list[str], npt.NDArray[np.float32]] | None = None


class MemoryCacheStore:
    """One process's cache: at most ``max_entries`` answers, the least recently used dropped first."""

    shared = False

    def __init__(self, max_entries: int) -> None:
        self.paused_until = 0.0
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._partitions: dict[str, _Partition] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        found = self._entries.get(key)
        if found is None:
            return None
        if found[0] < time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return found[1]

    async def put(self, key: str, value: bytes, ttl_s: int, partition: str | None, vector: bytes | None) -> None:
        self._entries[key] = (time.monotonic() + ttl_s, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        if partition is None or vector is None:
            return
        part = self._partitions.setdefault(partition, _Partition())
        part.vectors[key] = np.frombuffer(vector, dtype=np.float32)
        part.vectors.move_to_end(key)
        while len(part.vectors) > min(PARTITION_CAP, self.max_entries):
            part.vectors.popitem(last=False)
        part.matrix = None

    async def nearest(self, partition: str, vector: npt.NDArray[np.float32]) -> tuple[str, float] | None:
        part = self._partitions.get(partition)
        if part is None:
            return None
        dropped = [k for k in part.vectors if k not in self._entries]  # expired or pushed out
        for k in dropped:
            del part.vectors[k]
        if dropped or part.matrix is None:
            keys = list(part.vectors)
            rows = np.stack(list(part.vectors.values())) if keys else np.zeros((0, vector.shape[0]), np.float32)
            part.matrix = (keys, rows)
        if not part.vectors:
            del self._partitions[partition]
            return None
        keys, matrix = part.matrix
        if matrix.shape[1] != vector.shape[0]:
            return None
        return _best(keys, matrix, vector)

    async def forget(self, key: str, partition: str | None = None) -> None:
        self._entries.pop(key, None)
        part = self._partitions.get(partition) if partition is not None else None
        if part is not None and part.vectors.pop(key, None) is not None:
            part.matrix = None

    def clear_local(self) -> None:
        self._entries.clear()
        self._partitions.clear()

    async def aclose(self) -> None:
        return None


class RedisCacheStore:
    """Entries shared by every replica: ``charter:rc:e:<key>`` (a value, expiring on its own) and
    ``charter:rc:s:<partition>`` (a hash of key → float32 vector, expiring with its newest entry)."""

    shared = True

    def __init__(self, url: str, timeout_s: float) -> None:
        import redis.asyncio as aioredis

        self.paused_until = 0.0
        self._redis: Any = aioredis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)

    async def get(self, key: str) -> bytes | None:
        value = await self._redis.get(_ENTRY + key)
        return None if value is None else bytes(value)

    async def put(self, key: str, value: bytes, ttl_s: int, partition: str | None, vector: bytes | None) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(_ENTRY + key, value, ex=ttl_s)
            if partition is not None and vector is not None:
                pipe.hlen(_PARTITION + partition)
            done = await pipe.execute()
        if partition is None or vector is None or done[-1] >= PARTITION_CAP:
            return  # a full partition still answers exact repeats; its entries free room as they expire
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hset(_PARTITION + partition, key, vector)
            pipe.expire(_PARTITION + partition, ttl_s)
            await pipe.execute()

    async def nearest(self, partition: str, vector: npt.NDArray[np.float32]) -> tuple[str, float] | None:
        stored: dict[bytes, bytes] = await self._redis.hgetall(_PARTITION + partition)
        keys = [k.decode() for k, v in stored.items() if len(v) == 4 * vector.shape[0]]
        if not keys:
            return None
        matrix = np.frombuffer(b"".join(stored[k.encode()] for k in keys), dtype=np.float32)
        return _best(keys, matrix.reshape(len(keys), vector.shape[0]), vector)

    async def forget(self, key: str, partition: str | None = None) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.delete(_ENTRY + key)
            if partition is not None:
                pipe.hdel(_PARTITION + partition, key)
            await pipe.execute()

    def clear_local(self) -> None:
        return None  # every key names the versions it was made under: a change makes old entries unreachable

    async def aclose(self) -> None:
        await self._redis.aclose()


def make_cache_store(redis_url: str | None, *, max_entries: int, timeout_s: float) -> CacheStore:
    return RedisCacheStore(redis_url, timeout_s) if redis_url else MemoryCacheStore(max_entries)
