"""Single sign-on into the console: ``/console/sso/start`` and ``/console/sso/callback``.

The flow itself (state, nonce, PKCE S256, the code exchange, the ID token's checks and the role and
tenant mapping) is :mod:`charter.identity.sso`; this module moves the browser and opens the same
server-side session a key sign-in opens (:mod:`charter.identity.sessions`), marked with the person's
OpenID subject and session id so that the provider's back-channel logout ends it.

The attempt cookie is ``SameSite=Lax``: the provider sends the browser back with a cross-site
redirect, on which a ``Strict`` cookie would not travel. For the same reason the callback does not
redirect: it answers a small page that moves on with ``<meta http-equiv="refresh">``, a navigation
from Charter's own page, so the new ``SameSite=Strict`` session cookie goes with it.
"""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from sqlalchemy import Connection

from charter.api.deps import get_runtime, oidc_verifier
from charter.console.auth import safe_next, sign_in_page
from charter.console.web import PREFIX, ConsoleRoute, cookie_name, is_tls, redirect, render, set_session_cookie
from charter.errors import CharterError, NotFound
from charter.identity import sessions
from charter.identity.oidc import Person, require_mfa
from charter.identity.sso import ATTEMPT_TTL_S, Attempt, ConsoleSso
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = ["ATTEMPT_COOKIE", "router"]

router = APIRouter(prefix=PREFIX + "/sso", route_class=ConsoleRoute, include_in_schema=False)

#: The sign-in attempt in progress (state, nonce, PKCE verifier, where to go next).
ATTEMPT_COOKIE = "charter_console_sso"
_COOKIE_PATH = PREFIX + "/sso"


def _sso(rt: Runtime) -> ConsoleSso:
    verifier = oidc_verifier(rt)
    if verifier is None:
        raise NotFound("single sign-on is not configured (CHARTER_OIDC_ISSUER); sign in with your key",
                       code="not_found")
    return rt.part("console_sso", ConsoleSso, lambda: ConsoleSso(rt.settings, verifier))


def _redirect_uri(request: Request, rt: Runtime) -> str:
    return rt.settings.oidc_console_redirect_uri or str(request.base_url).rstrip("/") + _COOKIE_PATH + "/callback"


def _forget_attempt(response: Response, request: Request) -> None:
    response.delete_cookie(ATTEMPT_COOKIE, path=_COOKIE_PATH, secure=is_tls(request), httponly=True, samesite="lax")


@router.get("/start")
async def start(request: Request, next: str | None = None, login_hint: str | None = None) -> Response:
    """Send the browser to the provider's sign-in with a fresh attempt (state, nonce, PKCE challenge)."""
    rt: Runtime = get_runtime(request)
    next_path = safe_next(next)
    try:
        sso = _sso(rt)
        url, attempt = await anyio.to_thread.run_sync(
            lambda: sso.begin(_redirect_uri(request, rt), next_path, login_hint=login_hint)
        )
    except NotFound:
        raise
    except CharterError as exc:
        return sign_in_page(request, status=exc.status, error=exc, next_path=next_path)
    response = redirect(url)
    response.set_cookie(ATTEMPT_COOKIE, attempt.cookie(), max_age=ATTEMPT_TTL_S, path=_COOKIE_PATH,
                        secure=is_tls(request), httponly=True, samesite="lax")
    return response


@router.get("/callback")
async def callback(request: Request) -> Response:
    """The provider's answer: check it, open the console session, move on to where the person was going."""
    rt: Runtime = get_runtime(request)
    attempt = Attempt.from_cookie(request.cookies.get(ATTEMPT_COOKIE))
    query = {name: value for name, value in request.query_params.items()}
    next_path = safe_next(attempt.next_path if attempt else None)
    try:
        sso = _sso(rt)
        person: Person = await anyio.to_thread.run_sync(
            lambda: sso.finish(attempt, query, _redirect_uri(request, rt))
        )
        # an admin who must always sign in with a second factor (CHARTER_OIDC_MFA_FOR=admin) is refused here;
        # with admin_writes the session opens and the console refuses their changes (charter.console.web)
        require_mfa(person, "GET", rt.settings.oidc_mfa_for)
        token = await anyio.to_thread.run_sync(lambda: rt.writer.write(lambda c: _open(c, request, rt, sso, person)))
    except NotFound:
        raise
    except CharterError as exc:
        response = sign_in_page(request, status=exc.status, error=exc, next_path=next_path)
        _forget_attempt(response, request)
        return response
    response = render(request, "sso_done.html", viewer=None, next_path=next_path)
    set_session_cookie(response, request, token, int(rt.settings.console_session_max_s))
    _forget_attempt(response, request)
    return response


def _open(conn: Connection, request: Request, rt: Runtime, sso: ConsoleSso, person: Person) -> str:
    now = utcnow()
    previous = request.cookies.get(cookie_name(request))
    if previous:  # signing in again ends the session the browser held (no two at once)
        sessions.sign_out(conn, previous, now=now)
    return sessions.sign_in(
        conn, person.principal, now=now, lifetime_s=rt.settings.console_session_max_s,
        sso=sessions.SsoSignIn(sso.verifier.issuer, person.subject, person.session, person.mfa),
    )
