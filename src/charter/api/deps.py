"""FastAPI dependencies shared by every router: the runtime and the authenticated principal.

The edge (:mod:`charter.api.edge`) authenticates every request under ``/api/`` and ``/v1/`` and
checks the route's roles before the body is read. The dependencies here reuse its principal and
carry the marks the edge reads: ``charter_roles`` on a dependency or an endpoint (``@roles``), and
``charter_upload`` on a route that takes a file (``@takes_upload``), ``charter_public`` on the one
route under ``/api/`` that authenticates its caller by other means (``@public``: the OpenID provider's
back-channel logout, whose credential is the signed logout token).

A route takes its caller and the runtime as typed parameters, ``p: Builder, rt: RuntimeDep``: one alias
per role group of :mod:`charter.principals.roles` that several routers use (a group one router alone
uses is aliased there); a route that records a time takes the request's, ``now: RequestTime``.

A bearer credential is an API key (``chk_...``) or, when single sign-on is configured
(``CHARTER_OIDC_ISSUER``), a person's OpenID Connect token (a JWT) on the management API: both give a
:class:`~charter.domain.Principal` (:mod:`charter.identity.oidc`)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from charter.domain import Principal
from charter.errors import AuthenticationFailed, PermissionDenied
from charter.identity.oidc import OidcVerifier, Person, looks_like_jwt, require_mfa
from charter.principals import roles as groups
from charter.principals.keys import KeyCache
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = [
    "PRINCIPAL",
    "Admin",
    "Anyone",
    "AppUser",
    "Auditor",
    "Builder",
    "Caller",
    "Overseer",
    "RecordReader",
    "RequestTime",
    "Reviewer",
    "RuntimeDep",
    "Staff",
    "authenticate",
    "bearer_of",
    "check_role",
    "get_runtime",
    "is_loopback",
    "key_cache",
    "oidc_verifier",
    "person_for",
    "public",
    "request_time",
    "require_roles",
    "roles",
    "takes_upload",
]

#: Where the edge leaves the authenticated principal (``request.state``).
PRINCIPAL = "charter_principal"

F = TypeVar("F", bound=Callable[..., Any])


def get_runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


async def request_time() -> dt.datetime:
    """When the request is handled: the one ``now`` a route's writes record (async, so no worker thread
    is taken to read the clock)."""
    return utcnow()


def key_cache(rt: Runtime) -> KeyCache:
    return rt.part("keys", KeyCache, lambda: KeyCache(rt.engine, rt.writer, rt.settings.policy_cache_ttl_s))


def oidc_verifier(rt: Runtime) -> OidcVerifier | None:
    """The single sign-on verifier (None when ``CHARTER_OIDC_ISSUER`` is unset)."""
    if not rt.settings.oidc_issuer:
        return None
    return rt.part("oidc", OidcVerifier, lambda: OidcVerifier(rt.settings, rt.egress.outbound, rt.engine))


def person_for(rt: Runtime, raw: str | None, path: str) -> OidcVerifier | None:
    """The verifier that must check ``raw`` (a JWT while single sign-on is on), else None (an API key).
    People's tokens are for the management API: on the gateway (``/v1/``) a JWT is ``invalid_token``."""
    if not raw or not looks_like_jwt(raw):
        return None
    verifier = oidc_verifier(rt)
    if verifier is None:
        return None
    if not path.startswith("/api/"):
        raise AuthenticationFailed(
            "people's sign-in tokens are for the management API (/api/v1); applications use API keys",
            code="invalid_token",
        )
    return verifier


def bearer_of(authorization: str | None, api_key: str | None) -> str | None:
    """The key a request presents: ``Authorization: Bearer <key>``, else Azure's ``api-key``."""
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return api_key or None


def check_role(principal: Principal, allowed: tuple[str, ...]) -> None:
    """403 unless the principal has one of ``allowed`` (empty: any role)."""
    if allowed and principal.role not in allowed:
        raise PermissionDenied(
            f"role {principal.role!r} may not do this; it needs one of: {', '.join(allowed)}",
            code="role_not_allowed",
        )


def authenticate(request: Request) -> Principal:
    principal = request.scope.get("state", {}).get(PRINCIPAL)
    if isinstance(principal, Principal):
        return principal
    rt = get_runtime(request)
    raw = bearer_of(request.headers.get("authorization"), request.headers.get("api-key"))
    verifier = person_for(rt, raw, request.url.path)
    if verifier is not None and raw is not None:
        person: Person = verifier.verify(raw)
        require_mfa(person, request.method, rt.settings.oidc_mfa_for)
        return person.principal
    return key_cache(rt).authenticate(raw)


authenticate.charter_roles = ()  # type: ignore[attr-defined]


def require_roles(*allowed: str) -> Callable[[Request], Principal]:
    """A dependency that authenticates the caller and checks the role (403 otherwise)."""

    def dependency(request: Request) -> Principal:
        principal = authenticate(request)
        check_role(principal, allowed)
        return principal

    dependency.charter_roles = allowed  # type: ignore[attr-defined]
    return dependency


#: The runtime, as a route parameter: ``rt: RuntimeDep``.
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
#: The time of the request, as a route parameter: ``now: RequestTime`` (read once, before the route runs).
RequestTime = Annotated[dt.datetime, Depends(request_time)]
#: Any authenticated caller, whatever its role (the route decides what it may see).
Caller = Annotated[Principal, Depends(authenticate)]

# The caller, authenticated and in one of the role groups of :mod:`charter.principals.roles`, as a
# route parameter (``p: Builder``); the edge reads the group from the dependency before the body.
Admin = Annotated[Principal, Depends(require_roles(*groups.ADMINS))]
Builder = Annotated[Principal, Depends(require_roles(*groups.BUILDERS))]
Staff = Annotated[Principal, Depends(require_roles(*groups.STAFF))]
Reviewer = Annotated[Principal, Depends(require_roles(*groups.REVIEWERS))]
Overseer = Annotated[Principal, Depends(require_roles(*groups.OVERSEERS))]
Auditor = Annotated[Principal, Depends(require_roles(*groups.AUDITORS))]
RecordReader = Annotated[Principal, Depends(require_roles(*groups.RECORD_READERS))]
AppUser = Annotated[Principal, Depends(require_roles(*groups.APP_USERS))]
Anyone = Annotated[Principal, Depends(require_roles(*groups.EVERYONE))]


def roles(*allowed: str) -> Callable[[F], F]:
    """Mark a route that authenticates and parses its body by itself with the roles the edge checks."""

    def mark(endpoint: F) -> F:
        endpoint.charter_roles = allowed  # type: ignore[attr-defined]
        endpoint.charter_own_body = True  # type: ignore[attr-defined]
        return endpoint

    return mark


def public(endpoint: F) -> F:
    """Mark a route under ``/api/`` that the edge must not authenticate (it checks its caller itself)."""
    endpoint.charter_public = True  # type: ignore[attr-defined]
    return endpoint


def takes_upload(endpoint: F) -> F:
    """Mark a route whose body is a file: the upload cap applies and the route streams the body."""
    endpoint.charter_upload = True  # type: ignore[attr-defined]
    return endpoint


def is_loopback(request: Request) -> bool:
    """Whether the client connected from this host (what ``loopback`` access to /metrics and the
    detail of /readyz rely on: put a proxy on another host, or switch those to ``key``)."""
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
