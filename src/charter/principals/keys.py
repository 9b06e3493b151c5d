"""API keys: created once, shown once, stored only as a SHA-256 hash with a prefix (SA-1).

Keys carry 256 bits of randomness, so a plain SHA-256 is the right hash (as for GitHub tokens): a
slow password hash would add nothing but latency to every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from charter import ledger
from charter.domain import ROLES, Principal
from charter.errors import AuthenticationFailed, CharterError, InvalidRequest, NotFound, Unavailable
from charter.store.changes import insert_recorded
from charter.store.records import from_row, pick, pick_iso
from charter.store.schema import api_keys, new_id, tenants, use_cases, utcnow
from charter.store.types import iso

__all__ = ["CreatedKey", "KeyCache", "create_key", "hash_key", "list_keys", "revoke_key"]

KEY_PREFIX = "chk_"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class CreatedKey:
    id: str
    key: str  # shown once, never stored
    prefix: str
    role: str
    tenant: str
    use_case: str | None
    expires_at: dt.datetime | None


def create_key(
    conn: Connection,
    *,
    tenant_id: str,
    role: str,
    actor: str,
    use_case_id: str | None = None,
    name: str = "",
    scopes: list[str] | None = None,
    expires_at: dt.datetime | None = None,
    platform: bool = False,
) -> CreatedKey:
    """Create a key inside the caller's write transaction and return it (the only time it is shown)."""
    if role not in ROLES:
        raise InvalidRequest(f"role must be one of {', '.join(ROLES)}", code="invalid_value", param="role")
    if role == "app" and use_case_id is None:
        raise InvalidRequest("an app key needs a use case: pass --use-case", code="missing_field", param="use_case")
    tenant = conn.execute(select(tenants.c.name).where(tenants.c.id == tenant_id)).scalar_one_or_none()
    if tenant is None:
        raise NotFound(f"tenant {tenant_id!r} does not exist", code="not_found")
    use_case_name = None
    if use_case_id is not None:
        use_case_name = conn.execute(
            select(use_cases.c.name).where(use_cases.c.id == use_case_id, use_cases.c.tenant_id == tenant_id)
        ).scalar_one_or_none()
        if use_case_name is None:
            raise NotFound("use case not found in this tenant", code="use_case_not_found", param="use_case")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key_id = new_id("key")
    now = utcnow()
    key = {"name": name, "prefix": prefix, "role": role, "scopes": sorted(scopes or []), "platform": platform}
    row = {"id": key_id, "tenant_id": tenant_id, **key, "key_hash": hash_key(raw), "use_case_id": use_case_id,
           "created_by": actor, "created_at": now, "expires_at": expires_at}
    event = {**key, "use_case": use_case_name, "expires_at": iso(expires_at)}
    insert_recorded(conn, api_keys, row, actor=actor, action="key.created", subject=key_id, event=event)
    return CreatedKey(key_id, raw, prefix, role, tenant, use_case_name, expires_at)


def revoke_key(conn: Connection, *, tenant_id: str, key_id: str, actor: str) -> dict[str, Any]:
    row = conn.execute(
        select(api_keys.c.id, api_keys.c.revoked_at).where(api_keys.c.id == key_id, api_keys.c.tenant_id == tenant_id)
    ).first()
    if row is None:
        raise NotFound(f"key {key_id!r} not found in this tenant; list keys with `charter keys list`")
    now = utcnow()
    if row.revoked_at is None:
        conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(revoked_at=now))
        ledger.append(
            conn,
            tenant_id=tenant_id,
            actor=actor,
            action="key.revoked",
            subject=key_id,
            event={"revoked_at": now.isoformat()},
        )
    return {"id": key_id, "revoked_at": (row.revoked_at or now).isoformat()}


def list_keys(conn: Connection, *, tenant_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            api_keys.c.id,
            api_keys.c.name,
            api_keys.c.prefix,
            api_keys.c.role,
            api_keys.c.scopes,
            api_keys.c.created_at,
            api_keys.c.expires_at,
            api_keys.c.revoked_at,
            api_keys.c.last_used_at,
            use_cases.c.name.label("use_case"),
        )
        .select_from(api_keys.outerjoin(use_cases, use_cases.c.id == api_keys.c.use_case_id))
        .where(api_keys.c.tenant_id == tenant_id)
        .order_by(api_keys.c.created_at)
    ).all()
    return [
        {
            **pick(r, "id", "name"),
            "prefix": f"{KEY_PREFIX}{r.prefix}",
            **pick(r, "role", "use_case", "scopes"),
            **pick_iso(r, "created_at", "expires_at", "revoked_at", "last_used_at"),
        }
        for r in rows
    ]


@dataclass(slots=True)
class _Cached:
    principal: Principal | None
    expires_at: float | None
    revoked: bool
    loaded: float


class KeyCache:
    """Resolves a presented key to a principal. Hits are cached for ``ttl`` seconds; a revocation
    through this process drops the entry at once."""

    def __init__(self, engine: Any, writer: Any, ttl: float) -> None:
        self.engine = engine
        self.writer = writer
        self.ttl = ttl
        self._cache: dict[str, _Cached] = {}
        self._last_touch: dict[str, float] = {}
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._cache.clear()

    def is_fresh(self, raw: str) -> bool:
        """Whether ``authenticate(raw)`` would answer from the cache, without reading the store."""
        entry = self._cache.get(hash_key(raw))
        return entry is not None and time.monotonic() - entry.loaded <= self.ttl

    def authenticate(self, raw: str | None) -> Principal:
        if not raw:
            raise AuthenticationFailed(
                "no API key: send `Authorization: Bearer <key>`; create one with `charter keys create`",
                code="missing_api_key",
            )
        digest = hash_key(raw)
        now = time.monotonic()
        entry = self._cache.get(digest)
        if entry is None or now - entry.loaded > self.ttl:
            entry = self._load(digest, now)
            with self._lock:
                if len(self._cache) > 100_000:
                    self._cache.clear()
                self._cache[digest] = entry
        if entry.principal is None:
            raise AuthenticationFailed("unknown API key; check it or create one with `charter keys create`")
        if entry.revoked:
            raise AuthenticationFailed("this API key was revoked; ask an admin for a new one", code="revoked_api_key")
        if entry.expires_at is not None and time.time() >= entry.expires_at:
            raise AuthenticationFailed("this API key has expired; ask an admin for a new one", code="expired_api_key")
        self._touch(entry.principal.key_id)
        return entry.principal

    def _load(self, digest: str, now: float) -> _Cached:
        """The key's row, read from the store. A store that cannot answer is ``503
        store_unavailable`` (fail closed: no cached entry past its TTL is trusted)."""
        try:
            return self._read(digest, now)
        except CharterError:
            raise
        except Exception as exc:
            raise Unavailable(
                f"the store is unreachable ({type(exc).__name__}); the API key could not be checked, retry later",
                code="store_unavailable",
            ) from exc

    def _read(self, digest: str, now: float) -> _Cached:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    api_keys.c.id.label("key_id"),
                    api_keys.c.tenant_id,
                    api_keys.c.role,
                    api_keys.c.scopes,
                    api_keys.c.platform,
                    api_keys.c.expires_at,
                    api_keys.c.revoked_at,
                    tenants.c.name.label("tenant"),
                    use_cases.c.name.label("use_case"),
                )
                .select_from(
                    api_keys.join(tenants, tenants.c.id == api_keys.c.tenant_id).outerjoin(
                        use_cases, use_cases.c.id == api_keys.c.use_case_id
                    )
                )
                .where(api_keys.c.key_hash == digest)
            ).first()
        if row is None:
            return _Cached(None, None, False, now)
        principal = from_row(Principal, row, scopes=tuple(row.scopes or ()), platform=bool(row.platform))
        expires = row.expires_at.timestamp() if row.expires_at else None
        return _Cached(principal, expires, row.revoked_at is not None, now)

    def _touch(self, key_id: str) -> None:
        """Record last use, at most once a minute per key, off the request path."""
        now = time.monotonic()
        if now - self._last_touch.get(key_id, -1e9) < 60:
            return
        self._last_touch[key_id] = now
        stamp = utcnow()

        def touch(conn: Connection) -> None:
            conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=stamp))

        self.writer.submit_future(touch)
