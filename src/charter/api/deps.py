"""FastAPI dependencies shared by every router: the runtime and the authenticated principal."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from charter.domain import Principal
from charter.errors import PermissionDenied
from charter.principals.keys import KeyCache
from charter.runtime import Runtime

__all__ = ["authenticate", "get_runtime", "key_cache", "require_roles"]


def get_runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def key_cache(rt: Runtime) -> KeyCache:
    cache = rt.parts.get("keys")
    if cache is None:
        cache = rt.parts["keys"] = KeyCache(rt.engine, rt.writer, rt.settings.policy_cache_ttl_s)
    assert isinstance(cache, KeyCache)
    return cache


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("api-key") or None


def authenticate(request: Request) -> Principal:
    return key_cache(get_runtime(request)).authenticate(bearer(request))


def require_roles(*roles: str) -> Callable[[Request], Principal]:
    """A dependency that authenticates the caller and checks the role (403 otherwise)."""

    def dependency(request: Request) -> Principal:
        principal = authenticate(request)
        if principal.role not in roles:
            raise PermissionDenied(
                f"role {principal.role!r} may not do this; it needs one of: {', '.join(roles)}",
                code="role_not_allowed",
            )
        return principal

    return dependency
