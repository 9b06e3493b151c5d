"""The ``http`` connector: one request to one allow-listed URL.

Options: ``url`` (required; ``{name}`` placeholders in its path or query are filled from the
arguments, URL-quoted; the scheme, host and port are fixed and must be on ``CHARTER_OUTBOUND_ALLOW``),
``method`` (GET, HEAD, POST, PUT, PATCH or DELETE; default GET), ``secret`` (a secret of the secrets
file granted to the tenant and bound to the URL's host, sent as ``Authorization: Bearer``),
``headers`` (fixed, non-secret), ``timeout_s`` (default 10, at most 120), ``max_bytes`` (response
cap, default 1 MiB, at most 16 MiB), ``parameters`` (the arguments' JSON schema; default: each
placeholder a required string), ``idempotent``. Arguments not used by placeholders go as the query
string (GET, HEAD, DELETE) or as the JSON body. Consequential by default unless GET or HEAD.

Fails closed (``ConnectorFailed``): a timeout, a refused address, a response over the cap, a status
of 400 or more. It never follows redirects and never reads proxy settings.
"""

from __future__ import annotations

import re
import string
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, Field

from charter.connectors.base import CallContext, ConnectorFailed, ConnectorSpec, connector_invalid, connector_options
from charter.errors import CharterError
from charter.outbound import OutboundRefused
from charter.runtime import Runtime

__all__ = ["HttpConnector"]

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_SAFE = ("GET", "HEAD")
_FORBIDDEN_HEADERS = {"authorization", "proxy-authorization", "cookie", "host"}


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    method: str = "GET"
    secret: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    max_bytes: int = Field(default=1 << 20, ge=1, le=16 << 20)
    parameters: dict[str, Any] | None = None
    idempotent: bool | None = None


class HttpConnector:
    def __init__(self, spec: ConnectorSpec, rt: Runtime) -> None:
        opts = connector_options(spec, _Options)
        method = opts.method.upper()
        if method not in _METHODS:
            raise connector_invalid(spec.name, f"method must be one of {', '.join(_METHODS)}")
        bad = sorted(h for h in opts.headers if h.lower() in _FORBIDDEN_HEADERS)
        if bad:
            raise connector_invalid(spec.name, f"headers may not set {', '.join(bad)} (a credential is a `secret`)")
        self.placeholders = [f for _, f, _, _ in string.Formatter().parse(opts.url) if f]
        if any(not re.fullmatch(r"[a-z_][a-z0-9_]*", p) for p in self.placeholders):
            raise connector_invalid(spec.name, "url placeholders are {lower_case_names}")
        sample = opts.url.format(**{p: "x" for p in self.placeholders})
        if "{" in urlsplit(opts.url).netloc or "{" in opts.url.split("://", 1)[0]:
            raise connector_invalid(spec.name, "placeholders may appear only in the path or query, never the host")
        try:
            host = rt.egress.outbound.check_url(sample, param=f"connectors.{spec.name}.url").host
            if opts.secret is not None and isinstance(spec.tenants, list):
                for tenant in spec.tenants:
                    rt.egress.secrets.check(opts.secret, tenant=tenant, host=host,
                                            param=f"connectors.{spec.name}.secret")
        except CharterError as exc:
            raise connector_invalid(spec.name, exc.message) from None
        self.name = spec.name
        self.description = spec.description
        self.method = method
        self.opts = opts
        self.rt = rt
        self.consequential = spec.consequential if spec.consequential is not None else method not in _SAFE
        self.idempotent = opts.idempotent if opts.idempotent is not None else method in _SAFE
        self.parameters = opts.parameters or {
            "type": "object",
            "properties": {p: {"type": "string"} for p in self.placeholders},
            "required": list(self.placeholders),
            "additionalProperties": False,
        }

    def _url(self, arguments: dict[str, Any]) -> str:
        values = {p: quote(str(arguments.get(p, "")), safe="") for p in self.placeholders}
        return self.opts.url.format(**values)

    async def call(self, arguments: dict[str, Any], context: CallContext) -> Any:
        url = self._url(arguments)
        rest = {k: v for k, v in arguments.items() if k not in self.placeholders}
        headers = {"accept": "application/json", **self.opts.headers}
        credential = self.rt.egress.credential(url, secret=self.opts.secret, tenant=context.principal.tenant)
        if credential is not None:
            headers["authorization"] = credential.authorization(url)
        request: dict[str, Any] = {"headers": headers}
        if self.method in ("GET", "HEAD", "DELETE"):
            request["params"] = {k: v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in rest.items()}
        elif rest:
            request["content"] = orjson.dumps(rest)
            headers["content-type"] = "application/json"
        try:
            async with (
                self.rt.egress.outbound.async_httpx_client(timeout=self.opts.timeout_s) as client,
                client.stream(self.method, url, **request) as response,
            ):
                if response.status_code >= 400:
                    raise ConnectorFailed(f"connector {self.name!r}: the service answered HTTP {response.status_code}")
                body = bytearray()
                async for piece in response.aiter_bytes():
                    body += piece
                    if len(body) > self.opts.max_bytes:
                        raise ConnectorFailed(f"connector {self.name!r}: the response is larger than "
                                              f"{self.opts.max_bytes} bytes (max_bytes)")
        except httpx.TimeoutException:
            raise ConnectorFailed(f"connector {self.name!r} timed out after {self.opts.timeout_s:g} s") from None
        except (httpx.HTTPError, OutboundRefused, OSError) as exc:
            raise ConnectorFailed(f"connector {self.name!r} could not connect ({type(exc).__name__})") from None
        return {"status": response.status_code, "body": _decode(bytes(body), response.headers.get("content-type", ""))}


def _decode(body: bytes, content_type: str) -> Any:
    if not body:
        return None
    if "json" in content_type:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    return body.decode("utf-8", errors="replace")

