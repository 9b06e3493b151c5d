"""U+0000 (NUL) is refused at the edge: ``400 control_characters``, on every store.

PostgreSQL cannot hold NUL in text (psycopg refuses the parameter) nor ``\\u0000`` in jsonb, and a
SQLite store would keep it silently; either way it is never meaningful input to the management API.
This middleware looks at the URL path, the query string and JSON bodies before any route runs. The
governed paths (``/v1/chat/completions``, ``/v1/embeddings``) parse and check their own bodies
(every control character, with the offending parameter named) and are only checked here for the
path and query. :func:`charter.store.engine.unstorable_input` is the backstop for anything that
still reaches PostgreSQL (multipart fields, the CLI)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from charter.api.responses import JSONResponse
from charter.errors import InvalidRequest

__all__ = ["RejectNul", "find_lone_surrogate", "find_nul"]

#: Routes that check the body themselves (charter.gateway.request).
_OWN_BODY_CHECKS = ("/v1/chat/completions", "/v1/embeddings")


def find_nul(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (key or value) holding U+0000 in a parsed JSON value, or None."""
    for where, text in _strings(value, path):
        if "\x00" in text:
            return where
    return None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _strings(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}.{i}" if path else str(i))


def _refusal(where: str | None, what: str) -> InvalidRequest:
    return InvalidRequest(
        f"{what} contains the control character U+0000 (NUL); remove it",
        code="control_characters",
        param=where,
    )


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media = bytes(value).split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


class RejectNul:
    """ASGI middleware: NUL in the path, the query or a JSON body is a 400 before routing; so is an
    unpaired surrogate in a JSON body (``invalid_encoding``, as on the gateway's own routes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        refusal: InvalidRequest | None = None
        if "\x00" in path:
            refusal = _refusal(None, "the URL path")
        else:
            query = scope.get("query_string", b"").decode("latin-1")
            if "%00" in query or "\x00" in query:
                for key, value in parse_qsl(query, keep_blank_values=True):
                    if "\x00" in key or "\x00" in value:
                        named = "\x00" not in key
                        what = f"the query parameter `{key}`" if named else "a query parameter's name"
                        refusal = _refusal(key if named else None, what)
                        break
        if refusal is None and path not in _OWN_BODY_CHECKS and _is_json(scope):
            messages, body = await _drain(receive)
            refusal = _check_body(body)
            receive = _replay(messages, receive)
        if refusal is not None:
            response = JSONResponse(refusal.to_body(), status_code=refusal.status)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


#: ``\\uD800``-``\\uDFFF`` escapes: the only way JSON text can carry a UTF-16 surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def find_lone_surrogate(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string holding an unpaired surrogate (``json.loads`` joins the
    valid pairs into one code point, so any surrogate left is unpaired), or None."""
    for where, text in _strings(value, path):
        if any("\ud800" <= ch <= "\udfff" for ch in text):
            return where
    return None


def _check_body(body: bytes) -> InvalidRequest | None:
    nul = b"\\u0000" in body or b"\x00" in body
    surrogate = _SURROGATE_ESCAPE.search(body) is not None
    if not nul and not surrogate:
        return None  # the only ways JSON can carry NUL or a surrogate; no need to parse
    try:
        parsed = json.loads(body)
    except ValueError:
        return None  # not JSON: the route answers invalid_json / invalid_encoding
    where = find_nul(parsed) if nul else None
    if where is not None:
        return _refusal(where or None, f"`{where}`" if where else "the body")
    where = find_lone_surrogate(parsed) if surrogate else None
    if where is not None:
        # the same code as the gateway's own body check (charter.gateway.request)
        return InvalidRequest(
            f"{f'`{where}`' if where else 'the body'} contains an unpaired UTF-16 surrogate; send valid Unicode",
            code="invalid_encoding",
            param=where or None,
        )
    return None


async def _drain(receive: Receive) -> tuple[list[Message], bytes]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return messages, b"".join(chunks)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
