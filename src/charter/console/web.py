"""The console's plumbing: templates, security headers, the signed-in person, forms with CSRF, and
refusals shown as pages.

Every console page passes through :class:`ConsoleRoute`: a :class:`~charter.errors.CharterError`
becomes an HTML page with the same status and code the API would send (a missing or ended session
becomes a redirect to the sign-in page), and every response carries :data:`SECURITY_HEADERS`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, quote, urlsplit

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import Connection

from charter.api.deps import check_role, get_runtime
from charter.console.charts import number as figure
from charter.domain import Principal
from charter.errors import (
    AuthenticationFailed,
    CharterError,
    InvalidRequest,
    PermissionDenied,
    Unavailable,
    UnsupportedMediaType,
)
from charter.identity import sessions
from charter.identity.oidc import Person, person_prefix, require_mfa
from charter.store.schema import utcnow

__all__ = [
    "PREFIX",
    "SECURITY_HEADERS",
    "ConsoleRoute",
    "Filter",
    "Name",
    "Posted",
    "Stamp",
    "Viewer",
    "cookie_name",
    "holding_routes",
    "make_templates",
    "posted",
    "posted_long",
    "render",
    "same_site",
    "signed_in",
    "tenant_read",
    "write_then",
]

R = TypeVar("R")

#: Where the console is mounted.
PREFIX = "/console"

#: Sent with every console response. No inline script or style anywhere: the only scripts are the
#: vendored htmx and console.js (keyboard shortcuts), served from the package.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; object-src 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)

#: Query parameters of the list pages' filters, bounded (a longer one is ``400 invalid_value``): a name
#: (use case, model, scorer), a word from a short list (a status, a verdict), a date or date and time.
Name = Annotated[str, Query(max_length=64)]
Filter = Annotated[str, Query(max_length=16)]
Stamp = Annotated[str, Query(max_length=40)]

#: The sign-in form's own CSRF cookie (double submit: there is no session yet).
SIGN_IN_COOKIE = "charter_console_signin"
#: Most fields a console form has; more is refused.
MAX_FIELDS = 32
#: Most fields of the expert scoring form (a label and a note per sentence, 1,000 sentences at most).
LONG_FORM_FIELDS = 2010


def make_templates() -> Environment:
    """The console's Jinja2 environment (autoescaped; an undefined name is an error, not blank)."""
    env = Environment(
        loader=PackageLoader("charter.console", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["prefix"] = PREFIX
    env.filters["figure"] = figure  # a number as the tables show it (charts.number)
    return env


def is_tls(request: Request) -> bool:
    """Whether the console's cookies are ``Secure``: over TLS, or always with
    ``CHARTER_CONSOLE_SECURE_COOKIES=always`` (TLS ended at a proxy on another host)."""
    return request.url.scheme == "https" or get_runtime(request).settings.console_secure_cookies == "always"


def cookie_name(request: Request) -> str:
    """``__Host-`` cookies must be Secure, host-only and path ``/``: the browser enforces it."""
    return "__Host-charter_console" if is_tls(request) else "charter_console"


def set_session_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        cookie_name(request), token, max_age=max_age, path="/", secure=is_tls(request), httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(cookie_name(request), path="/", secure=is_tls(request), httponly=True, samesite="strict")


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person: their principal (exactly as the API would see their key) and CSRF token."""

    principal: Principal
    csrf: str
    token: str = field(repr=False)

    def require(self, *roles: str) -> Principal:
        """The principal, or ``403 role_not_allowed`` (the API's check, word for word)."""
        check_role(self.principal, roles)
        return self.principal

    def may(self, *roles: str) -> bool:
        return self.principal.role in roles


def signed_in(request: Request) -> Viewer:
    """The person behind the session cookie, read fresh from the store on every request."""
    token = request.cookies.get(cookie_name(request))
    if not token:
        raise AuthenticationFailed("sign in to use the console", code="console_session_expired")
    rt = get_runtime(request)
    now = utcnow()
    issuer = rt.settings.oidc_issuer
    try:
        session = rt.read(lambda conn: sessions.resume(conn, token, now=now, idle_s=rt.settings.console_idle_timeout_s,
                                                       sso_prefix=person_prefix(issuer) if issuer else None))
    except CharterError:
        raise
    except Exception as exc:  # fail closed: no session is trusted that the store cannot confirm
        raise Unavailable(
            f"the store is unreachable ({type(exc).__name__}); the console session could not be checked",
            code="store_unavailable",
        ) from exc
    if session.mfa is False and request.url.path != PREFIX + "/sign-out":  # the API's rule for admins' MFA
        require_mfa(Person(session.principal, "", None, False, {}), request.method, rt.settings.oidc_mfa_for)
    if session.needs_touch(now):
        rt.writer.submit_future(lambda c: sessions.touch(c, session.id, now))
    return Viewer(session.principal, sessions.csrf_token(token), token)


def same_site(request: Request) -> None:
    """A form sent from another site (its ``Origin``) is refused before its body is read."""
    origin = request.headers.get("origin")
    if origin is not None and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise PermissionDenied("this form was sent from another site", code="csrf_failed")


async def read_form(request: Request, max_fields: int = MAX_FIELDS) -> dict[str, str]:
    """The URL-encoded body of a console form; one value per name."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType(
            "console forms are sent as application/x-www-form-urlencoded", code="unsupported_media_type"
        )
    same_site(request)
    try:
        text = (await request.body()).decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, max_num_fields=max_fields)
    except UnicodeDecodeError as exc:
        raise InvalidRequest("the form is not valid UTF-8", code="invalid_encoding") from exc
    except ValueError as exc:
        raise InvalidRequest(f"a console form has at most {max_fields} fields", code="invalid_request") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise InvalidRequest(f"the form field {name!r} appears twice", code="duplicate_key", param=name)
        if "\x00" in value:
            raise InvalidRequest(f"the form field {name!r} contains U+0000", code="control_characters", param=name)
        form[name] = value
    return form


def check_csrf(sent: str | None, expected: str) -> None:
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise PermissionDenied(
            "the form's CSRF token is missing or wrong; reload the page and send it again", code="csrf_failed"
        )


@dataclass(frozen=True, slots=True)
class Posted:
    """A console form whose CSRF token matched the session's."""

    viewer: Viewer
    form: dict[str, str]

    def text(self, name: str, *, required: bool = False, max_length: int = 10_000, exact: bool = False) -> str:
        """A field's value, trimmed; ``exact``: as typed, only the browser's CRLF line ends made LF."""
        raw = self.form.get(name, "")
        value = raw.replace("\r\n", "\n") if exact else raw.strip()
        if required and not value.strip():
            raise InvalidRequest(f"fill in {name!r}", code="missing_field", param=name)
        if len(value) > max_length:
            raise InvalidRequest(f"{name!r} is longer than {max_length} characters", code="invalid_value", param=name)
        return value


async def posted(request: Request, viewer: Viewer = Depends(signed_in)) -> Posted:
    """Every console POST: the session, then the form, then its CSRF token (``403 csrf_failed``)."""
    form = await read_form(request)
    check_csrf(form.pop("csrf", None), viewer.csrf)
    return Posted(viewer, form)


async def posted_long(request: Request, viewer: Viewer = Depends(signed_in)) -> Posted:
    """:func:`posted` for a form with a field or two per sentence (expert scoring): up to
    :data:`LONG_FORM_FIELDS` fields."""
    form = await read_form(request, LONG_FORM_FIELDS)
    check_csrf(form.pop("csrf", None), viewer.csrf)
    return Posted(viewer, form)


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(24)


def render(
    request: Request, template: str, *, viewer: Viewer | None, status: int = 200, **context: Any
) -> HTMLResponse:
    env: Environment = request.app.state.console_templates
    html = env.get_template(template).render(viewer=viewer, request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _sign_in_redirect(request: Request) -> Response:
    target = request.url.path if request.method == "GET" else PREFIX + "/"
    if request.url.query and request.method == "GET":
        target += "?" + request.url.query
    location = f"{PREFIX}/sign-in?next={quote(target, safe='')}"
    response: Response
    if request.headers.get("hx-request") == "true":  # htmx: move the whole page, not the fragment
        response = Response(status_code=401, headers={"hx-redirect": location})
    else:
        response = redirect(location)
    clear_session_cookie(response, request)
    return response


def error_page(request: Request, exc: CharterError) -> Response:
    if isinstance(exc, AuthenticationFailed) and request.url.path != f"{PREFIX}/sign-in":
        return _sign_in_redirect(request)
    viewer = None
    token = request.cookies.get(cookie_name(request))
    if token and not isinstance(exc, AuthenticationFailed):
        try:
            viewer = signed_in(request)
        except CharterError:
            viewer = None
    response = render(request, "error.html", viewer=viewer, status=exc.status, error=exc)
    for name, value in exc.headers.items():
        response.headers[name] = value
    return response


class ConsoleRoute(APIRoute):
    """A console page: refusals as HTML pages, and the security headers on every response."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except CharterError as exc:
                response = error_page(request, exc)
            except RequestValidationError as exc:  # a query parameter out of its bounds
                first = exc.errors()[0] if exc.errors() else {}
                where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
                refusal = InvalidRequest(f"{where}: {first.get('msg', 'invalid')}", code="invalid_value", param=where)
                response = error_page(request, refusal)
            for name, value in SECURITY_HEADERS:
                response.headers.setdefault(name, value)
            if is_tls(request):
                response.headers.setdefault("strict-transport-security", "max-age=31536000")
            return response

        return route


def tenant_read(request: Request, viewer: Viewer, roles: tuple[str, ...], query: Callable[[Connection, str], R]) -> R:
    """``query(conn, tenant_id)`` for the viewer's tenant, once the viewer holds one of ``roles`` (the
    prologue of a page that lists one tenant's rows)."""
    p = viewer.require(*roles)
    return get_runtime(request).read(lambda conn: query(conn, p.tenant_id))


def write_then(request: Request, post: Posted, roles: tuple[str, ...],
               change: Callable[[Connection, Principal], object], then: str) -> Response:
    """The shape of a console action that sends nothing but its CSRF token: the role check, one write
    as the signed-in person (``change(conn, principal)``), then the page to go to (303)."""
    p = post.viewer.require(*roles)
    get_runtime(request).writer.write(lambda c: change(c, p))
    return redirect(then)


def holding_routes(router: APIRouter, path: str, roles: tuple[str, ...],
                   claim: Callable[[Connection, Principal, str, dt.datetime], object],
                   let_go: Callable[[Connection, Principal, str], object], *, page: str, queue: str) -> None:
    """``POST {path}/{item_id}/claim`` and ``.../release`` on ``router``, for a queue whose items one
    person holds at a time (review items, sampled answers): claiming opens the item's page
    (``page`` with ``{item_id}``), releasing goes back to the ``queue``."""

    @router.post(path + "/{item_id}/claim")
    def claim_item(item_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
        now = utcnow()
        return write_then(request, post, roles, lambda c, p: claim(c, p, item_id, now),
                          page.format(item_id=item_id))

    @router.post(path + "/{item_id}/release")
    def release_item(item_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
        return write_then(request, post, roles, lambda c, p: let_go(c, p, item_id), queue)
