"""Sign-in, sign-out, the home page and the console's static files.

Sign-in takes a personal key (reviewer, auditor, developer, admin), checks it exactly as the API
checks a bearer key (:class:`~charter.principals.keys.KeyCache`), refuses application keys, and
opens a server-side session (:mod:`charter.identity.sessions`). The sign-in form has no session yet,
so its CSRF token is a double-submit cookie.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import Connection

from charter.api.deps import get_runtime, key_cache
from charter.console.web import (
    PREFIX,
    SIGN_IN_COOKIE,
    ConsoleRoute,
    Posted,
    Viewer,
    check_csrf,
    clear_session_cookie,
    cookie_name,
    is_tls,
    new_sign_in_token,
    posted,
    read_form,
    redirect,
    render,
    set_session_cookie,
    signed_in,
)
from charter.errors import CharterError, NotFound
from charter.identity import sessions
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = ["STATIC_FILES", "router", "safe_next", "sign_in_page"]

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

#: The files under console/static/ the console serves, with their media types.
STATIC_FILES = {
    "htmx.min.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "upload.js": "text/javascript; charset=utf-8",
}


def safe_next(target: str | None) -> str:
    """Only a path inside the console (no scheme, no host, no ``//``) is followed after sign-in."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return PREFIX + "/"


def sign_in_page(request: Request, *, status: int = 200, error: CharterError | None = None,
                 next_path: str | None = None) -> Response:
    """The sign-in page (with a refusal when ``error``): the key form, and single sign-on when configured."""
    token = new_sign_in_token()
    settings = get_runtime(request).settings
    response = render(request, "sign_in.html", viewer=None, status=status, error=error, sign_in_csrf=token,
                      next_path=safe_next(next_path),
                      sso_name=settings.oidc_console_name if settings.oidc_issuer else None)
    response.set_cookie(SIGN_IN_COOKIE, token, max_age=1800, path=PREFIX, secure=is_tls(request), httponly=True,
                        samesite="strict")
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:
    return sign_in_page(request, next_path=next)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await read_form(request)
    check_csrf(form.get("csrf"), request.cookies.get(SIGN_IN_COOKIE, ""))
    rt: Runtime = get_runtime(request)
    raw = form.get("key", "").strip()
    next_path = safe_next(form.get("next"))
    try:
        principal = key_cache(rt).authenticate(raw)
        now = utcnow()
        lifetime = rt.settings.console_session_max_s
        previous = request.cookies.get(cookie_name(request))

        def open_session(conn: Connection) -> str:
            if previous:  # signing in again ends the session the browser held (no two at once)
                sessions.sign_out(conn, previous, now=now)
            return sessions.sign_in(conn, principal, now=now, lifetime_s=lifetime)

        token = rt.writer.write(open_session)
    except CharterError as exc:
        return sign_in_page(request, status=exc.status, error=exc, next_path=next_path)
    response = redirect(next_path)
    set_session_cookie(response, request, token, int(rt.settings.console_session_max_s))
    response.delete_cookie(SIGN_IN_COOKIE, path=PREFIX)
    return response


@router.post("/sign-out")
def sign_out(request: Request, post: Posted = Depends(posted)) -> Response:
    rt: Runtime = get_runtime(request)
    now = utcnow()
    rt.writer.write(lambda c: sessions.sign_out(c, post.viewer.token, now=now))
    response = redirect(f"{PREFIX}/sign-in")
    clear_session_cookie(response, request)
    return response


@router.get("/")
def home(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    return render(request, "home.html", viewer=viewer)


@router.get("")
def home_no_slash() -> Response:
    return redirect(PREFIX + "/")


@router.get("/static/{name}")
def static(name: str, request: Request) -> Response:
    files: dict[str, bytes] = request.app.state.console_static
    if name not in STATIC_FILES or name not in files:
        raise NotFound(f"no console file {name!r}")
    return Response(files[name], media_type=STATIC_FILES[name], headers={"cache-control": "public, max-age=3600"})

