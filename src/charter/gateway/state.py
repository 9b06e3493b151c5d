"""The gateway's live state in one process: policy caches, providers, circuit breakers, limiter and
the response cache's store (charter.gateway.cache; emptied with the policy caches when in memory).

Caches hold use-case charters, model entries and kill switches for ``policy_cache_ttl_s`` seconds
(default 1 s). A change made through this process clears them at once (the writer calls
:meth:`charter.runtime.Runtime.policy_changed`, which calls :meth:`Gateway.invalidate`); other
replicas see it within the TTL — well inside HO-4's 5 seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from charter.catalog import load_entries
from charter.domain import Charter, ModelEntry
from charter.errors import CharterError, NotFound, Unavailable
from charter.gateway.cachestore import CacheStore, make_cache_store
from charter.gateway.ratelimit import RateLimiter, make_limiter
from charter.policy.controls import active_controls
from charter.policy.current import IN_FORCE
from charter.policy.tenants import PLATFORM_TENANT, tenant_name
from charter.providers.base import Provider, RefusedProvider
from charter.providers.router import CircuitBreaker
from charter.runtime import Runtime
from charter.store.schema import charter_versions, tenants, use_cases

__all__ = ["Gateway", "UseCasePolicy", "gateway_of"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UseCasePolicy:
    use_case_id: str
    version: int
    charter: Charter


class _TTLCache:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any) -> Any:
        hit = self._items.get(key)
        if hit is not None and time.monotonic() - hit[0] <= self.ttl:
            return hit[1]
        return None

    def put(self, key: Any, value: Any) -> None:
        self._items[key] = (time.monotonic(), value)

    def clear(self) -> None:
        self._items.clear()


class Gateway:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        ttl = rt.settings.policy_cache_ttl_s
        self._policies = _TTLCache(ttl)
        self._models = _TTLCache(ttl)
        self._controls = _TTLCache(ttl)
        self._platform_tenant: str | None = None
        self._tenant_names: dict[str, str] = {}
        self.providers: dict[str, Provider] = {}
        self.breakers: dict[str, CircuitBreaker] = {}
        self.limiter: RateLimiter = make_limiter(rt.settings.redis_url)
        #: The response cache's store (charter.gateway.cache): Redis when configured, else this process's memory.
        self.responses: CacheStore = make_cache_store(
            rt.settings.redis_url,
            max_entries=rt.settings.response_cache_max_entries,
            timeout_s=rt.settings.response_cache_timeout_s,
        )

    def invalidate(self) -> None:
        self._policies.clear()
        self._models.clear()
        self._controls.clear()
        self.responses.clear_local()  # an answer made under the old policy is not served again here

    # -- policy -----------------------------------------------------------------------------
    def policy(self, tenant_id: str, use_case: str) -> UseCasePolicy:
        key = (tenant_id, use_case)
        cached = self._policies.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        try:
            with self.rt.engine.connect() as conn:
                row = conn.execute(
                    select(use_cases.c.id, use_cases.c.current_version, charter_versions.c.body)
                    .join(charter_versions, IN_FORCE)
                    .where(use_cases.c.tenant_id == tenant_id, use_cases.c.name == use_case)
                ).first()
        except Exception as exc:
            raise Unavailable(f"the store is unreachable ({type(exc).__name__})", code="store_unavailable") from exc
        if row is None:
            raise NotFound(f"use case {use_case!r} no longer exists", code="use_case_not_found")
        policy = UseCasePolicy(row.id, row.current_version, Charter.model_validate(row.body))
        self._policies.put(key, policy)
        return policy

    def model_entries(self, tenant_id: str) -> list[ModelEntry]:
        cached = self._models.get(tenant_id)
        if cached is None:
            with self.rt.engine.connect() as conn:
                cached = load_entries(conn, tenant_id)
            self._models.put(tenant_id, cached)
        return cached  # type: ignore[no-any-return]

    def switches(self, tenant_id: str) -> set[tuple[str, str]]:
        """(scope, target) of the kill switches that apply to ``tenant_id`` (its own and the global one)."""
        cached = self._controls.get(tenant_id)
        if cached is None:
            with self.rt.engine.connect() as conn:
                platform = self._platform_id(conn)
                ids = [tenant_id] + ([platform] if platform else [])
                rows = active_controls(conn, ids)
            cached = {(scope, target) for tid, scope, target in rows if tid == tenant_id or scope == "global"}
            self._controls.put(tenant_id, cached)
        return cached  # type: ignore[no-any-return]

    def _platform_id(self, conn: Any) -> str | None:
        if self._platform_tenant is None:
            found = conn.execute(select(tenants.c.id).where(tenants.c.name == PLATFORM_TENANT)).scalar_one_or_none()
            self._platform_tenant = found
        return self._platform_tenant

    # -- providers --------------------------------------------------------------------------
    def provider(self, entry: ModelEntry) -> Provider:
        provider = self.providers.get(entry.id)
        if provider is None:
            provider = self.providers[entry.id] = self._build(entry)
        return provider

    def _build(self, entry: ModelEntry) -> Provider:
        """The entry's provider, after the egress checks of registration run again (a stored row is
        not trusted): a refused entry gets a provider that fails every call and sends nothing."""
        factory = self.rt.extensions.get("providers", entry.provider)
        try:
            tenant = self._tenant_name(entry.tenant_id)
            credential = self.rt.egress.credential(entry.endpoint, secret=entry.secret, tenant=tenant)
            provider: Provider = factory(entry, self.rt.settings, credential)
        except CharterError as exc:
            if isinstance(exc, Unavailable) and exc.code == "store_unavailable":
                raise
            log.warning("model %s (%s) refused by the egress policy: %s", entry.alias, entry.id, exc.message)
            return RefusedProvider(f"refused by the egress policy ({exc.code}): {exc.message}")
        return provider

    def _tenant_name(self, tenant_id: str) -> str:
        name = self._tenant_names.get(tenant_id)
        if name is None:
            try:
                with self.rt.engine.connect() as conn:
                    name = tenant_name(conn, tenant_id)
            except CharterError:
                raise
            except Exception as exc:
                raise Unavailable(
                    f"the store is unreachable ({type(exc).__name__})", code="store_unavailable"
                ) from exc
            self._tenant_names[tenant_id] = name
        return name

    def breaker(self, entry: ModelEntry) -> CircuitBreaker:
        key = entry.endpoint or entry.id
        breaker = self.breakers.get(key)
        if breaker is None:
            s = self.rt.settings
            breaker = self.breakers[key] = CircuitBreaker(failures=s.circuit_failures, reset_s=s.circuit_reset_s)
        return breaker

    async def aclose(self) -> None:
        await asyncio.gather(*(p.aclose() for p in self.providers.values()), return_exceptions=True)
        self.providers.clear()
        await self.limiter.aclose()
        await self.responses.aclose()


def gateway_of(rt: Runtime) -> Gateway:
    return rt.part("gateway", Gateway, lambda: Gateway(rt))
