"""What the knowledge capability keeps alive in a runtime (``rt.parts["knowledge"]``): loaded
embedders, guards and the in-memory vector matrices."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from charter.errors import CharterError, InvalidRequest, Unavailable
from charter.guards.base import Guard
from charter.knowledge.embedders import Embedder
from charter.knowledge.index import VectorCache
from charter.knowledge.loaders import Loader
from charter.policy.service import tenant_name
from charter.runtime import Runtime
from charter.secretstore import secret_name_refusal

__all__ = ["KnowledgeState", "build_embedder", "state"]

log = logging.getLogger(__name__)

_MISSING = object()

#: What the egress checks refuse with; at use (not registration) they mean "this embedder may not run".
_EGRESS_REFUSALS = ("destination_not_allowed", "secret_not_allowed", "secret_store_invalid", "unsupported_parameter")


@dataclass
class KnowledgeState:
    rt: Runtime
    vectors: VectorCache = field(init=False)
    _embedders: dict[tuple[str, str, str], Embedder] = field(default_factory=dict)
    _guards: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        s = self.rt.settings
        self.vectors = VectorCache(
            data_dir=s.data_dir,
            mode=s.vector_index,
            min_chunks=s.vector_index_min_chunks,
            ef=s.vector_index_ef,
            engine=self.rt.engine,
        )

    def embedder(self, name: str, options: dict[str, Any] | None, *, tenant_id: str) -> Embedder:
        """A knowledge base's embedder, built once per tenant and options. Its endpoint and secret pass
        the egress checks again (a stored knowledge base is not trusted): refused, it is 503
        ``embedder_unavailable`` and nothing is sent."""
        key = (tenant_id, name, repr(sorted((options or {}).items())))
        with self._lock:
            found = self._embedders.get(key)
            if found is None:
                try:
                    found = build_embedder(self.rt, name, options, tenant_id=tenant_id)
                except CharterError as exc:
                    if exc.code not in _EGRESS_REFUSALS:
                        raise
                    raise Unavailable(
                        f"the knowledge base's embedder is refused by the operator's egress policy: {exc.message}",
                        code="embedder_unavailable",
                    ) from None
                self._embedders[key] = found
            return found

    def refresh_vectors(self, kb_id: str) -> None:
        """Bring the knowledge base's vector index up to the store after a change made here (the
        change is committed: a failure here is logged, and the next query tries again)."""
        try:
            with self.rt.engine.connect() as conn:
                self.vectors.refresh(conn, kb_id)
        except Exception:
            log.exception("vector index for %s not refreshed; the next query rebuilds it", kb_id)
            self.vectors.forget(kb_id)

    def guard(self, name: str) -> Guard | None:
        """The registered guard ``name``, built once; None when no plugin registers it."""
        with self._lock:
            found = self._guards.get(name, _MISSING)
            if found is _MISSING:
                try:
                    factory = self.rt.extensions.get("guards", name)
                except KeyError:
                    found = None
                else:
                    found = factory(self.rt.settings)
                self._guards[name] = found
            return found  # type: ignore[no-any-return]

    def loaders(self) -> dict[str, Loader]:
        return dict(self.rt.extensions.items.get("document_loaders", {}))

    def close(self) -> None:
        self._embedders.clear()
        self._guards.clear()


def build_embedder(rt: Runtime, name: str, options: dict[str, Any] | None, *, tenant_id: str) -> Embedder:
    """Build embedder ``name`` for a tenant. An ``endpoint`` option must be on the outbound allow-list
    and a ``secret`` option granted to the tenant for that host (400 ``destination_not_allowed`` /
    ``secret_not_allowed``); the secret reaches the embedder as a bound ``credential``, never a name
    of an environment variable (``api_key_env`` is refused)."""
    opts = dict(options or {})
    for named in ("api_key_env", "credential"):
        if named in opts:
            raise secret_name_refusal(named, param=f"embedder_options.{named}")
    try:
        factory = rt.extensions.get("embedders", name)
    except KeyError as exc:
        raise InvalidRequest(str(exc.args[0]), code="invalid_value", param="embedder") from None
    secret = opts.pop("secret", None)
    if "endpoint" in opts or secret is not None:
        endpoint, tenant = opts.get("endpoint"), _tenant(rt, tenant_id)
        if not isinstance(endpoint, str | None) or not isinstance(secret, str | None):
            raise InvalidRequest("embedder_options: endpoint and secret are strings", code="invalid_value")
        credential = rt.egress.credential(endpoint, secret=secret, tenant=tenant)
        if credential is not None:
            opts["credential"] = credential
    try:
        return factory(rt.settings, **opts)  # type: ignore[no-any-return]
    except TypeError as exc:
        raise InvalidRequest(f"embedder {name!r}: {exc}", code="invalid_value", param="embedder_options") from None


def _tenant(rt: Runtime, tenant_id: str) -> str:
    try:
        with rt.engine.connect() as conn:
            return tenant_name(conn, tenant_id)
    except CharterError:
        raise
    except Exception as exc:
        raise Unavailable(f"the store is unreachable ({type(exc).__name__})", code="store_unavailable") from exc


def state(rt: Runtime) -> KnowledgeState:
    return rt.part("knowledge", KnowledgeState, lambda: KnowledgeState(rt))
