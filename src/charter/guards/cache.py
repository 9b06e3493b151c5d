"""The verdict cache: each distinct text is screened once per process.

A guard's result depends on the guard (name, version), on what the charter asks of it (threshold,
options, direction, role and source) and on what it is told besides the text (the system prompt,
the texts the caller is entitled to, unless the guard says it reads neither); the key is a SHA-256
over all of that and the text. An
agency's system prompt, identical on every call, and the earlier turns of a conversation, sent
again with each new turn, are then screened once. Entries hold findings (types, offsets, scores),
never text. Bounded LRU, per runtime, shared by the event loop and worker threads.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from charter.guards.base import Guard, GuardContext, GuardResult

__all__ = ["ALL_CONTEXT", "DEFAULT_SIZE", "CacheStats", "VerdictCache"]

DEFAULT_SIZE = 8192  # entries; a few hundred bytes each
#: What a guard is taken to read of its context when it does not say (``reads_context``).
ALL_CONTEXT = ("system_prompt", "authorised_texts")


@dataclass(slots=True, frozen=True)
class CacheStats:
    size: int
    capacity: int
    hits: int
    misses: int


def _blob(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=256)
def _operator_digest(prompt: str) -> bytes:
    """SHA-256 of a system prompt: the operator's text, the same on every call of a use case."""
    return hashlib.sha256(_blob(prompt)).digest()


class VerdictCache:
    """LRU of :class:`GuardResult` by key; ``capacity`` 0 turns it off."""

    def __init__(self, capacity: int = DEFAULT_SIZE) -> None:
        self.capacity = max(0, capacity)
        self._entries: OrderedDict[bytes, GuardResult] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def context_key(guard: Guard, context: GuardContext) -> hashlib._Hash:
        """A hash primed with everything but the text; :meth:`key` copies it per text. The system
        prompt and the authorised texts count only for a guard that reads them (its
        ``reads_context``; by default it is taken to read both)."""
        reads = getattr(guard, "reads_context", ALL_CONTEXT)
        h = hashlib.sha256()
        options = json.dumps(context.options, sort_keys=True, default=repr, separators=(",", ":")) \
            if context.options else "{}"
        h.update(_blob("\x00".join((guard.name, guard.version, context.direction, context.role, context.source,
                                     repr(context.threshold), options, ""))))
        if "system_prompt" in reads:
            h.update(b"s")
            h.update(_operator_digest(context.system_prompt))
        if "authorised_texts" in reads:
            h.update(b"a" + str(len(context.authorised_texts)).encode())
            for text in context.authorised_texts:
                h.update(hashlib.sha256(_blob(text)).digest())
        h.update(b"\x01")
        return h

    @staticmethod
    def key(primed: hashlib._Hash, text: str) -> bytes:
        h = primed.copy()
        h.update(_blob(text))
        return h.digest()

    def get(self, key: bytes) -> GuardResult | None:
        if not self.capacity:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return GuardResult(list(found.findings), found.verdict, found.score)

    def put(self, key: bytes, result: GuardResult) -> None:
        if not self.capacity:
            return
        entry = GuardResult(list(result.findings), result.verdict, result.score)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._entries), self.capacity, self.hits, self.misses)
