"""The edge: what every HTTP request passes before any route runs.

In this order, and without reading a byte of the body until the caller is known:

1. **Credentials and URL.** Two ``Authorization`` headers (or an ``Authorization`` and an ``api-key``
   that differ) are ``400 ambiguous_credentials``; U+0000 in the path or the query is
   ``400 control_characters``.
2. **Size.** A declared ``Content-Length`` over the route's cap is ``413 body_too_large`` at once.
   The cap is ``CHARTER_MAX_BODY_BYTES`` everywhere except the routes that take a file
   (``CHARTER_MAX_UPLOAD_BYTES``; they stream it to disk).
3. **Authentication and role.** Every route under ``/api/`` and ``/v1/`` needs a key (on ``/api/``,
   or a person's single sign-on token: :mod:`charter.identity.oidc`, with ``mfa_required`` checked
   here too; a route marked ``@public`` checks its caller itself); the route's
   roles (from its ``require_roles`` dependency or its ``@roles`` mark) are checked here, so a
   request that will be refused (401, 403) is refused before its body is read.
4. **Body.** Read under the cap (a chunked body is counted as it arrives) and within
   ``CHARTER_BODY_TIMEOUT_S`` of the request's start (``408 body_timeout`` after that). Routes that
   parse their own bodies (the gateway's) get the guarded stream; every other route's body is read
   here and, when it is JSON, checked once: valid JSON (``invalid_json``, ``invalid_encoding``), at
   most :data:`MAX_DEPTH` levels deep, no duplicate keys (``duplicate_key``), no NaN or infinite
   numbers (``invalid_value``), no U+0000 (``control_characters``) and no unpaired surrogate
   (``invalid_encoding``). The route then reads the same bytes.

A client that goes away while its body is read is dropped quietly (one debug line, no traceback).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import anyio
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from charter.api.deps import PRINCIPAL, bearer_of, check_role, key_cache, person_for
from charter.api.responses import JSONResponse
from charter.domain import Principal
from charter.errors import CharterError, InvalidRequest, PayloadTooLarge, RequestTimeout
from charter.identity.oidc import Person, require_mfa
from charter.principals.keys import KeyCache
from charter.settings import Settings

__all__ = ["MAX_DEPTH", "Edge", "check_json_body", "find_lone_surrogate", "find_nul"]

log = logging.getLogger(__name__)

#: Deepest JSON nesting a management body may have (no Charter body needs more than a handful).
MAX_DEPTH = 64
#: Path prefixes whose every route needs a key.
_AUTHENTICATED_PREFIXES = ("/api/", "/v1/")


@dataclass(frozen=True, slots=True)
class RoutePolicy:
    authenticated: bool
    roles: tuple[str, ...]  # empty: any role
    upload: bool = False
    own_body: bool = False  # the route parses and checks its own body


_NO_ROUTE = RoutePolicy(authenticated=False, roles=())


def _route_policy(route: APIRoute) -> RoutePolicy:
    endpoint = route.endpoint
    found: tuple[str, ...] | None = getattr(endpoint, "charter_roles", None)
    stack = list(route.dependant.dependencies)
    while stack and found is None:
        dep = stack.pop()
        found = getattr(dep.call, "charter_roles", None)
        stack.extend(dep.dependencies)
    public = bool(getattr(endpoint, "charter_public", False))
    return RoutePolicy(
        authenticated=not public and (found is not None or route.path.startswith(_AUTHENTICATED_PREFIXES)),
        roles=found or (),
        upload=bool(getattr(endpoint, "charter_upload", False)),
        own_body=bool(getattr(endpoint, "charter_own_body", False)),
    )


class _Disconnected(Exception):
    """The client went away before its body arrived."""


class Edge:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp, settings: Settings, routes: Sequence[APIRoute]) -> None:
        self.app = app
        self.routes = routes
        self.max_body = settings.max_body_bytes
        self.max_upload = settings.max_upload_bytes
        self.body_timeout = settings.body_timeout_s
        self._policies: dict[int, RoutePolicy] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.body_timeout
        policy = self._policy(scope)
        limit = self.max_upload if policy.upload else self.max_body
        try:
            _check_credentials_headers(scope)
            _check_url(scope)
            _check_declared_size(scope, limit)
            if policy.authenticated:
                principal, person = await _authenticate(scope)
                check_role(principal, policy.roles)
                if person is not None:
                    require_mfa(person, scope.get("method", ""), scope["app"].state.runtime.settings.oidc_mfa_for)
                scope.setdefault("state", {})[PRINCIPAL] = principal
        except CharterError as exc:
            await _refuse(exc, scope, receive, send)
            return
        guarded = _guarded(receive, limit, deadline)
        if policy.own_body or policy.upload or not _has_body(scope):
            await self.app(scope, guarded, send)
            return
        try:
            body = await _read_all(guarded)
            if _is_json(scope):
                check_json_body(body)
        except _Disconnected:
            log.debug("client disconnected while sending %s %s", scope.get("method"), scope.get("path"))
            return
        except CharterError as exc:
            await _refuse(exc, scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _policy(self, scope: Scope) -> RoutePolicy:
        path: str = scope.get("path", "")
        method: str = scope.get("method", "")
        for route in self.routes:
            if method in (route.methods or ()) and route.path_regex.match(path):
                policy = self._policies.get(id(route))
                if policy is None:
                    policy = self._policies[id(route)] = _route_policy(route)
                return policy
        return _NO_ROUTE  # 404 or 405: answered without reading the body


async def _refuse(exc: CharterError, scope: Scope, receive: Receive, send: Send) -> None:
    headers = dict(exc.headers)
    if _has_body(scope):
        # the body was not (all) read: close the connection rather than let the server drain it
        headers["connection"] = "close"
    response = JSONResponse(exc.to_body(), status_code=exc.status, headers=headers)
    await response(scope, receive, send)


def _headers(scope: Scope, name: bytes) -> list[bytes]:
    return [bytes(v) for k, v in scope.get("headers", ()) if k == name]


def _check_credentials_headers(scope: Scope) -> None:
    auth = _headers(scope, b"authorization")
    api_key = _headers(scope, b"api-key")
    if len(auth) > 1 or len(api_key) > 1:
        raise InvalidRequest(
            "send one credential: the request has more than one Authorization or api-key header",
            code="ambiguous_credentials",
        )
    if auth and api_key:
        bearer = auth[0][7:].strip() if auth[0][:7].lower() == b"bearer " else auth[0]
        if bearer != api_key[0].strip():
            raise InvalidRequest(
                "send one credential: the Authorization and api-key headers name different keys",
                code="ambiguous_credentials",
            )


def _nul_refusal(where: str | None, what: str) -> InvalidRequest:
    return InvalidRequest(
        f"{what} contains the control character U+0000 (NUL); remove it",
        code="control_characters",
        param=where,
    )


def _check_url(scope: Scope) -> None:
    if "\x00" in scope.get("path", ""):
        raise _nul_refusal(None, "the URL path")
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" in query or "\x00" in query:
        for key, value in parse_qsl(query, keep_blank_values=True):
            if "\x00" in key or "\x00" in value:
                named = "\x00" not in key
                what = f"the query parameter `{key}`" if named else "a query parameter's name"
                raise _nul_refusal(key if named else None, what)


def _check_declared_size(scope: Scope, limit: int) -> None:
    declared = _headers(scope, b"content-length")
    if declared and declared[0].strip().isdigit() and int(declared[0]) > limit:
        raise PayloadTooLarge(
            f"request body is {int(declared[0])} bytes; the limit for this route is {limit}",
            code="body_too_large",
        )


def _has_body(scope: Scope) -> bool:
    declared = _headers(scope, b"content-length")
    if declared:
        return declared[0].strip() not in (b"0", b"")
    return bool(_headers(scope, b"transfer-encoding"))


def _is_json(scope: Scope) -> bool:
    """Whether the route will parse the body as JSON (FastAPI does when the type is absent, too)."""
    content_type = _headers(scope, b"content-type")
    if not content_type:
        return True
    media = content_type[0].split(b";", 1)[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


async def _authenticate(scope: Scope) -> tuple[Principal, Person | None]:
    """An API key's principal, or a person's (with the person) for a JWT while single sign-on is on."""
    runtime = scope["app"].state.runtime
    raw = bearer_of(_first(scope, b"authorization"), _first(scope, b"api-key"))
    verifier = person_for(runtime, raw, scope.get("path", ""))
    if verifier is not None and raw is not None:
        if verifier.is_ready(raw):
            person = verifier.verify(raw)
        else:
            person = await anyio.to_thread.run_sync(verifier.verify, raw)
        return person.principal, person
    cache: KeyCache = key_cache(runtime)
    if raw and not cache.is_fresh(raw):
        return await anyio.to_thread.run_sync(cache.authenticate, raw), None
    return cache.authenticate(raw), None


def _first(scope: Scope, name: bytes) -> str | None:
    values = _headers(scope, name)
    return values[0].decode("latin-1") if values else None


def _guarded(receive: Receive, limit: int, deadline: float) -> Receive:
    """``receive`` with the size cap and the body deadline; after the body, plain ``receive``."""
    size = 0
    done = False

    async def guarded() -> Message:
        nonlocal size, done
        if done:
            return await receive()
        try:
            async with asyncio.timeout_at(_loop_time(deadline)):
                message = await receive()
        except TimeoutError:
            done = True
            raise RequestTimeout(
                "the request body did not arrive in time; send it at once", code="body_timeout"
            ) from None
        if message["type"] != "http.request":
            done = True
            return message
        size += len(message.get("body", b""))
        if size > limit:
            done = True
            raise PayloadTooLarge(f"request body is over this route's {limit}-byte limit", code="body_too_large")
        if not message.get("more_body", False):
            done = True
        return message

    return guarded


def _loop_time(deadline: float) -> float:
    """``time.monotonic`` deadline on the running loop's clock."""
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())


async def _read_all(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _Disconnected
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


# -- the JSON body check -------------------------------------------------------------------------
class _Refused(Exception):
    def __init__(self, error: InvalidRequest) -> None:
        self.error = error


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(
                    InvalidRequest(
                        f"the key `{key}` appears twice in one object; send it once", code="duplicate_key", param=key
                    )
                )
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise _Refused(
        InvalidRequest(f"`{name}` is not a number Charter accepts; send a finite number", code="invalid_value")
    )


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Refused(
            InvalidRequest(f"the number {text[:40]} is too large; send a finite number", code="invalid_value")
        )
    return value


def check_json_body(body: bytes) -> None:
    """Refuse a JSON body the store or the route could not take (see the module docstring).
    Bodies that are not JSON at all pass: the route answers ``invalid_json`` in its own words."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(f"the body is not valid UTF-8 (byte {exc.start})", code="invalid_encoding") from None
    if not text.strip():
        return
    try:
        parsed = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float)
    except _Refused as refused:
        raise refused.error from None
    except RecursionError:
        raise InvalidRequest(f"the body nests deeper than {MAX_DEPTH} levels", code="invalid_json") from None
    except ValueError:
        return
    if _depth(parsed) > MAX_DEPTH:
        raise InvalidRequest(f"the body nests deeper than {MAX_DEPTH} levels", code="invalid_json")
    where = find_nul(parsed)
    if where is not None:
        raise _nul_refusal(where or None, f"`{where}`" if where else "the body")
    where = find_lone_surrogate(parsed)
    if where is not None:
        # the same code as the gateway's own body check (charter.gateway.request)
        raise InvalidRequest(
            f"{f'`{where}`' if where else 'the body'} contains an unpaired UTF-16 surrogate; send valid Unicode",
            code="invalid_encoding",
            param=where or None,
        )


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, iteratively."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
            stack.extend((child, depth) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def find_nul(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (key or value) holding U+0000 in a parsed JSON value, or None."""
    for where, text in _strings(value, path):
        if "\x00" in text:
            return where
    return None


def find_lone_surrogate(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string holding an unpaired surrogate (``json.loads`` joins the
    valid pairs into one code point, so any surrogate left is unpaired), or None."""
    for where, text in _strings(value, path):
        if any("\ud800" <= ch <= "\udfff" for ch in text):
            return where
    return None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string of a parsed JSON value with its dotted path, iteratively (depth is unbounded)."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                at = f"{where}.{key}" if where else str(key)
                yield at, str(key)
                children.append((child, at))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(child, f"{where}.{i}" if where else str(i)) for i, child in enumerate(item)]))
