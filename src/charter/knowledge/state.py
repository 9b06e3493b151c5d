"""What the knowledge capability keeps alive in a runtime (``rt.parts["knowledge"]``): loaded
embedders, guards and the in-memory vector matrices."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from charter.errors import InvalidRequest
from charter.guards.base import Guard
from charter.knowledge.embedders import Embedder
from charter.knowledge.index import VectorCache
from charter.knowledge.loaders import Loader
from charter.runtime import Runtime

__all__ = ["KnowledgeState", "state"]

_MISSING = object()


@dataclass
class KnowledgeState:
    rt: Runtime
    vectors: VectorCache = field(default_factory=VectorCache)
    _embedders: dict[tuple[str, str], Embedder] = field(default_factory=dict)
    _guards: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def embedder(self, name: str, options: dict[str, Any] | None = None) -> Embedder:
        key = (name, repr(sorted((options or {}).items())))
        with self._lock:
            found = self._embedders.get(key)
            if found is None:
                try:
                    factory = self.rt.registry.get("embedders", name)
                except KeyError as exc:
                    raise InvalidRequest(str(exc.args[0]), code="invalid_value", param="embedder") from None
                found = self._embedders[key] = factory(self.rt.settings, **(options or {}))
            return found

    def guard(self, name: str) -> Guard | None:
        """The registered guard ``name``, built once; None when no plugin registers it."""
        with self._lock:
            found = self._guards.get(name, _MISSING)
            if found is _MISSING:
                try:
                    factory = self.rt.registry.get("guards", name)
                except KeyError:
                    found = None
                else:
                    found = factory(self.rt.settings)
                self._guards[name] = found
            return found  # type: ignore[no-any-return]

    def loaders(self) -> dict[str, Loader]:
        return dict(self.rt.registry.items.get("document_loaders", {}))

    def close(self) -> None:
        self._embedders.clear()
        self._guards.clear()


def state(rt: Runtime) -> KnowledgeState:
    found = rt.parts.get("knowledge")
    if found is None:
        found = rt.parts["knowledge"] = KnowledgeState(rt)
    assert isinstance(found, KnowledgeState)
    return found
