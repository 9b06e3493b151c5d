"""The verdict cache: each distinct text is screened once per process.

A guard's result depends on the guard (name, version), on what the charter asks of it (threshold,
options, direction, role and source) and on what it is told besides the text (the system prompt,
the texts the caller is entitled to, unless the guard says it reads neither); the key is the SHA-256
of all of that (:meth:`VerdictCache.context_key`) followed by the text's own SHA-256. An
agency's system prompt, identical on every call, and the earlier turns of a conversation, sent
again with each new turn, are then screened once. Entries hold findings (types, offsets, scores),
never text. Bounded LRU, per runtime, shared by the event loop and worker threads.

Within one stage the digests are worked out once (:class:`Digests`): each text once however many
guards screen it, the authorised texts once for every output guard that reads them, and the system
prompt once per process.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from charter.domain import Finding
from charter.guards.base import Guard, GuardContext, GuardResult

__all__ = ["ALL_CONTEXT", "DEFAULT_SIZE", "CacheStats", "Digests", "VerdictCache"]

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


@functools.lru_cache(maxsize=256)
def _options_json(items: tuple[tuple[str, type, Any], ...]) -> str:
    return json.dumps({k: v for k, _, v in items}, sort_keys=True, default=repr, separators=(",", ":"))


def _options(options: dict[str, Any]) -> str:
    """The options as canonical JSON; worked out once per distinct set when every value is hashable
    (the type is part of the lookup: ``1``, ``1.0`` and ``True`` are equal keys but not equal JSON)."""
    if not options:
        return "{}"
    try:
        return _options_json(tuple(sorted((k, type(v), v) for k, v in options.items())))
    except TypeError:  # a list or a mapping among the values
        return json.dumps(options, sort_keys=True, default=repr, separators=(",", ":"))


class Digests:
    """The digests one stage needs, each worked out once: a text screened by several guards (the
    question by ``pii`` and ``injection``, the answer by every output guard) and the authorised
    texts every output guard that reads them is told. It lives for one stage and holds the texts
    only that long (the cache itself keeps digests, never text)."""

    __slots__ = ("_lists", "_texts")

    def __init__(self) -> None:
        self._texts: dict[str, bytes] = {}
        self._lists: list[tuple[list[str], bytes]] = []

    def text(self, text: str) -> bytes:
        found = self._texts.get(text)
        if found is None:
            found = self._texts[text] = hashlib.sha256(_blob(text)).digest()
        return found

    def texts(self, texts: list[str]) -> bytes:
        """One digest for a list of texts (the same list object is digested once)."""
        for seen, digest in self._lists:
            if seen is texts:
                return digest
        h = hashlib.sha256(str(len(texts)).encode())
        for text in texts:
            h.update(self.text(text))
        digest = h.digest()
        self._lists.append((texts, digest))
        return digest


class VerdictCache:
    """LRU of :class:`GuardResult` by key; ``capacity`` 0 turns it off."""

    def __init__(self, capacity: int = DEFAULT_SIZE) -> None:
        self.capacity = max(0, capacity)
        # an entry is a tuple (findings, verdict, score): a pass with no findings, nearly every entry,
        # is then a tuple of constants, which the garbage collector stops tracking (a cache of
        # GuardResult objects and lists was thousands more objects for every full collection to scan)
        self._entries: OrderedDict[bytes, tuple[tuple[Finding, ...], Literal["pass", "flag"], float]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def context_key(guard: Guard, context: GuardContext, digests: Digests | None = None) -> bytes:
        """The digest of everything but the text; :meth:`key` adds the text's. The system prompt and
        the authorised texts count only for a guard that reads them (its ``reads_context``; by
        default it is taken to read both)."""
        reads = getattr(guard, "reads_context", ALL_CONTEXT)
        h = hashlib.sha256(_blob("\x00".join((guard.name, guard.version, context.direction, context.role,
                                               context.source, repr(context.threshold), _options(context.options),
                                               ""))))
        if "system_prompt" in reads:
            h.update(b"s")
            h.update(_operator_digest(context.system_prompt))
        if "authorised_texts" in reads:
            h.update(b"a")
            h.update((digests or Digests()).texts(context.authorised_texts))
        return h.digest()

    @staticmethod
    def key(context_key: bytes, text: str | bytes) -> bytes:
        """The key of ``text`` (or of its digest, :meth:`Digests.text`) in a context: the two digests
        side by side (both 32 bytes, so no two pairs give the same key; no third hash needed)."""
        digest = hashlib.sha256(_blob(text)).digest() if isinstance(text, str) else text
        return context_key + digest

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
        return GuardResult(list(found[0]), found[1], found[2])

    def put(self, key: bytes, result: GuardResult) -> None:
        if not self.capacity:
            return
        entry = (tuple(result.findings), result.verdict, result.score)
        entries = self._entries
        with self._lock:
            if key in entries:  # a new key goes in last already
                entries.move_to_end(key)
            entries[key] = entry
            while len(entries) > self.capacity:
                entries.popitem(last=False)

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._entries), self.capacity, self.hits, self.misses)
