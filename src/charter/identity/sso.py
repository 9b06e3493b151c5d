"""The console's single sign-on: OpenID Connect authorization code flow with PKCE (S256).

:meth:`ConsoleSso.begin` makes one sign-in attempt: a random ``state`` (the browser's proof that the
callback answers *its* request), a random ``nonce`` (the ID token's proof that it was issued for this
attempt) and a PKCE ``code_verifier`` whose S256 challenge goes to the provider (so a stolen code is
useless without the verifier). The attempt travels in a short-lived HttpOnly cookie of the console
(:class:`Attempt`); the browser goes to the provider's ``authorization_endpoint`` (from its discovery
document).

:meth:`ConsoleSso.finish` takes the callback's query and the attempt: the ``state`` must match (else
``sso_state_mismatch``; a callback without an attempt, one already used or older than
:data:`ATTEMPT_TTL_S` too), a provider error is ``sso_denied``, an ``iss`` parameter (RFC 9207) must name
the issuer, the code is exchanged at the ``token_endpoint`` through the outbound allow-list (a code the
provider refuses: used twice, expired, wrong verifier is ``sso_code_rejected``), and the ID token is
checked by :meth:`~charter.identity.oidc.OidcVerifier.verify_id_token` (signature with the provider's
rotating keys, issuer, audience = the console's client id, times, ``nonce``, ended sessions, role and
tenant mapping). What comes back is the :class:`~charter.identity.oidc.Person` the console opens its
session for (:mod:`charter.identity.sessions`).

The attempt cookie is not signed: every value in it is a random secret of this browser's attempt or
re-checked on use (the next path). Someone who can plant cookies in a victim's browser could plant
their own attempt, and a signature would not stop that either (they would start a real attempt to
get one); what it cannot do is finish a sign-in with another browser's code, which the state, the
nonce and PKCE prevent.

The authorization URL is built by authlib (``prepare_grant_uri``) and the S256 challenge computed by
authlib (``create_s256_code_challenge``); the token request is a plain form POST over the outbound
policy's httpx client (authlib's own clients would bypass the allow-list), and the ID token is
verified with joserfc, as the API's bearer tokens are.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from charter.errors import AuthenticationFailed, CharterError, InvalidRequest, PermissionDenied, Unavailable
from charter.identity.oidc import OidcVerifier, Person
from charter.settings import Settings

__all__ = ["ATTEMPT_TTL_S", "Attempt", "ConsoleSso"]

#: How long a sign-in at the provider may take (the attempt cookie's life).
ATTEMPT_TTL_S = 600
#: Longest attempt cookie accepted (a few random values and a path).
_MAX_COOKIE = 2048
_MAX_HINT = 254


def _mismatch(message: str) -> InvalidRequest:
    return InvalidRequest(f"{message}; start the sign-in again", code="sso_state_mismatch", param="state")


def _printable(text: object, limit: int = 200) -> str:
    """A provider-supplied value as it may appear on a page: printable ASCII, bounded."""
    return "".join(c for c in str(text) if " " <= c <= "~")[:limit]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One sign-in in progress: what the callback must match, kept in the browser's cookie."""

    state: str
    nonce: str
    verifier: str
    next_path: str
    started: int  # epoch seconds

    def cookie(self) -> str:
        """base64url of the JSON, unpadded (a cookie value needs no quoting)."""
        raw = base64.urlsafe_b64encode(json.dumps(asdict(self), separators=(",", ":")).encode())
        return raw.decode().rstrip("=")

    @classmethod
    def from_cookie(cls, raw: str | None) -> Attempt | None:
        """The attempt in a cookie, or None when there is none or it is not one."""
        if not raw or len(raw) > _MAX_COOKIE:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
            attempt = cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError, UnicodeError, binascii.Error):
            return None
        if attempt is None or not all(isinstance(v, str) for v in (attempt.state, attempt.nonce, attempt.verifier,
                                                                    attempt.next_path)):
            return None
        return attempt if isinstance(attempt.started, int) else None


class ConsoleSso:
    """The console's OpenID Connect client (one issuer: the API's, :class:`OidcVerifier`)."""

    def __init__(self, settings: Settings, verifier: OidcVerifier) -> None:
        self.settings = settings
        self.verifier = verifier
        self.client_id = verifier.console_client_id
        secret = settings.oidc_console_client_secret
        self._secret = secret.get_secret_value() if secret is not None else None

    def _endpoint(self, name: str) -> str:
        document = self.verifier.discovery()
        url = document.get(name)
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise Unavailable(f"the identity provider's discovery document names no {name}", code="idp_unavailable")
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise Unavailable("the identity provider does not support PKCE with S256", code="idp_unavailable")
        return url

    def begin(self, redirect_uri: str, next_path: str, *, login_hint: str | None = None) -> tuple[str, Attempt]:
        """The provider URL to send the browser to, and the attempt to keep in its cookie."""
        endpoint = self._endpoint("authorization_endpoint")
        attempt = Attempt(
            state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32), verifier=secrets.token_urlsafe(48),
            next_path=next_path, started=int(time.time()),
        )
        extra: dict[str, str] = {
            "nonce": attempt.nonce,
            "code_challenge": create_s256_code_challenge(attempt.verifier),
            "code_challenge_method": "S256",
        }
        if login_hint:
            extra["login_hint"] = _printable(login_hint, _MAX_HINT)
        url = prepare_grant_uri(
            endpoint, self.client_id, "code", redirect_uri=redirect_uri,
            scope=" ".join(self.settings.oidc_console_scopes), state=attempt.state, **extra,
        )
        return str(url), attempt

    def finish(self, attempt: Attempt | None, query: Mapping[str, str], redirect_uri: str) -> Person:
        """The person the provider signed in, or a refusal with a stable code (nothing is opened)."""
        state = query.get("state", "")
        if attempt is None:
            raise _mismatch("no sign-in is in progress in this browser (already finished, or cookies are blocked)")
        if not state or not hmac.compare_digest(state.encode(), attempt.state.encode()):
            raise _mismatch("the provider's answer is not for the sign-in this browser started (state mismatch)")
        if time.time() - attempt.started > ATTEMPT_TTL_S:
            raise _mismatch("the sign-in took longer than 10 minutes")
        issuer = query.get("iss")
        if issuer is not None and issuer != self.verifier.issuer:
            raise AuthenticationFailed(
                f"the answer comes from issuer {_printable(issuer)!r}, not Charter's identity provider",
                code="wrong_issuer",
            )
        if "error" in query:
            detail = _printable(query.get("error_description", ""))
            raise PermissionDenied(
                f"the identity provider did not sign you in ({_printable(query['error'], 60)}"
                + (f": {detail}" if detail else "") + ")",
                code="sso_denied",
            )
        code = query.get("code", "")
        if not code:
            raise InvalidRequest("the provider's answer carries no authorization code", code="missing_field",
                                 param="code")
        id_token = self._exchange(code, attempt.verifier, redirect_uri)
        return self.verifier.verify_id_token(id_token, client_id=self.client_id, nonce=attempt.nonce)

    def _exchange(self, code: str, verifier: str, redirect_uri: str) -> str:
        """The ID token the token endpoint gives for ``code`` (RFC 6749 4.1.3 with RFC 7636's verifier)."""
        endpoint = self._endpoint("token_endpoint")
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": verifier}
        auth: httpx.BasicAuth | None = None
        if self._secret is None:
            form["client_id"] = self.client_id  # a public client names itself
        else:
            # client_secret_basic: both form-urlencoded first (RFC 6749 2.3.1), as authlib's clients do
            auth = httpx.BasicAuth(quote(self.client_id, safe=""), quote(self._secret, safe=""))
        outbound = self.verifier.outbound
        try:
            outbound.check_url(endpoint, param="token_endpoint")
            with outbound.httpx_client(timeout=10.0, auth=auth) as client:
                response = client.post(endpoint, data=form, headers={"accept": "application/json"})
        except CharterError as exc:
            raise Unavailable(f"the token endpoint may not be reached: {exc.message}", code="idp_unavailable") from exc
        except (httpx.HTTPError, OSError) as exc:
            raise Unavailable(
                f"the identity provider's token endpoint could not be reached ({type(exc).__name__}); retry later",
                code="idp_unavailable",
            ) from exc
        body = _json(response)
        if response.status_code in (400, 401):
            error = _printable(body.get("error", "error"), 60)
            detail = _printable(body.get("error_description", ""))
            raise InvalidRequest(
                f"the identity provider refused the sign-in's code ({error}" + (f": {detail}" if detail else "")
                + "); a code works once and only with this sign-in's verifier: start again",
                code="sso_code_rejected",
                param="code",
            )
        if response.status_code != 200:
            raise Unavailable(
                f"the identity provider's token endpoint answered {response.status_code}; retry later",
                code="idp_unavailable",
            )
        id_token = body.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise Unavailable("the token endpoint returned no ID token (is `openid` a scope?)", code="idp_unavailable")
        return id_token


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
