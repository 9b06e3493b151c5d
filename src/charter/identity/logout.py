"""OpenID Connect back-channel logout: the provider tells Charter that a person's session ended.

The provider POSTs ``logout_token=<JWT>`` (form-encoded) to ``/api/v1/oidc/backchannel-logout``. The
token is checked as the specification asks (signature by the issuer's keys, ``iss``, ``aud`` = Charter's
client id, ``iat``, the back-channel-logout event, no ``nonce``, a ``sub`` or a ``sid``), then one row
goes into ``oidc_revocations`` and one ``oidc.session_revoked`` entry into the platform ledger, in the
same transaction. From then on every replica refuses the session's tokens (``session_revoked``):

- a ``sid`` ends that session: any token carrying that ``sid``;
- a ``sub`` without ``sid`` ends every session of the person: their tokens issued up to the logout;
- a token without ``sid`` (some access tokens) of a person with an ended session is refused too when
  it was issued up to the logout: it cannot show it belongs to another session (fail closed).

The web console's single sign-on sessions the token names end in the same transaction
(:func:`charter.identity.sessions.end_for_logout`, ledgered ``console.signed_out``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import Connection

from charter import ledger
from charter.errors import AuthenticationFailed, InvalidRequest
from charter.identity import sessions
from charter.identity.oidc import LOGOUT_EVENT, OidcVerifier, person_id
from charter.identity.tables import oidc_revocations
from charter.ledger.tables import GLOBAL_TENANT
from charter.runtime import Runtime
from charter.store.schema import new_id, utcnow

__all__ = ["accept_logout"]


def _bad(message: str) -> InvalidRequest:
    return InvalidRequest(message, code="invalid_logout_token", param="logout_token")


def _checked(verifier: OidcVerifier, raw: str) -> dict[str, Any]:
    try:
        claims = verifier.verified_claims(raw)
    except AuthenticationFailed as exc:
        raise _bad(f"logout_token: {exc.message}") from exc
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if not {verifier.client_id, verifier.console_client_id} & set(audiences):
        raise _bad("logout_token: issued for another client (CHARTER_OIDC_CLIENT_ID, CHARTER_OIDC_CONSOLE_CLIENT_ID)")
    events = claims.get("events")
    if not isinstance(events, dict) or LOGOUT_EVENT not in events:
        raise _bad("logout_token: no back-channel logout event")
    if "nonce" in claims:
        raise _bad("logout_token: a logout token carries no nonce")
    iat = claims.get("iat")
    leeway = verifier.settings.oidc_leeway_s
    if not isinstance(iat, int) or abs(time.time() - iat) > verifier.settings.oidc_max_token_age_s + leeway:
        raise _bad("logout_token: missing or stale `iat`")
    sub, sid = claims.get("sub"), claims.get("sid")
    if not (isinstance(sub, str) and sub) and not (isinstance(sid, str) and sid):
        raise _bad("logout_token: names neither `sub` nor `sid`")
    return claims


def accept_logout(rt: Runtime, verifier: OidcVerifier, raw: str) -> dict[str, Any]:
    """Check a logout token and record the ended session (store + ledger, one transaction)."""
    claims = _checked(verifier, raw)
    sub = claims.get("sub") if isinstance(claims.get("sub"), str) else ""
    sid = claims.get("sid") if isinstance(claims.get("sid"), str) and claims.get("sid") else None
    revoked_at = dt.datetime.fromtimestamp(int(claims["iat"]), dt.UTC)
    expires_at = revoked_at + dt.timedelta(seconds=verifier.settings.oidc_max_token_age_s)
    row_id = new_id("orv")
    ended: list[str] = []

    def write(conn: Connection) -> None:
        conn.execute(
            oidc_revocations.insert().values(
                id=row_id, tenant_id=GLOBAL_TENANT, issuer=verifier.issuer, sub=sub or "", sid=sid,
                revoked_at=revoked_at, expires_at=expires_at,
            )
        )
        ledger.append(
            conn,
            tenant_id=GLOBAL_TENANT,
            actor=f"oidc:{verifier.issuer}",
            action="oidc.session_revoked",
            subject=person_id(verifier.issuer, sub) if sub else f"sid:{sid}",
            event={"sid": sid, "jti": claims.get("jti"), "logout_at": revoked_at.isoformat()},
        )
        ended[:] = sessions.end_for_logout(
            conn, person=person_id(verifier.issuer, sub) if sub else None, sid=sid, now=utcnow(),
            actor=f"oidc:{verifier.issuer}",
        )

    rt.writer.write(write)
    verifier.invalidate()
    return {"revoked": row_id, "console_sessions_ended": len(ended)}
