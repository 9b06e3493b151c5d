"""The web console's sessions: a person signs in with a personal key, the console keeps the session.

The session token (256 random bits) lives only in the person's cookie; the store keeps its SHA-256
(``console_sessions``), so a copy of the database opens no session. Every request re-reads the key
the session was opened with: a key revoked or expired ends its sessions at once. A session ends after
``idle_s`` without a request, at ``expires_at`` whatever the activity, or when the person signs out.
Sign-in and sign-out are recorded in the ledger (``console.signed_in``, ``console.signed_out``); a
session's row is deleted by the first sign-in a day after its ``expires_at``.

Only people sign in: reviewer, auditor, developer and admin keys. An application's key (``app``) is
refused (``403 role_not_allowed``): it belongs to a program, not to a person.

A person may also sign in through the agency's OpenID provider (:mod:`charter.identity.sso`): the session
then has no key; it keeps the role and tenant mapped at sign-in, the OpenID subject and session id, and
whether the sign-in was multi-factor. The provider's back-channel logout ends it
(:func:`end_for_logout`, called by :mod:`charter.identity.logout` in the same transaction).

The CSRF token of a session is derived from its token (an HMAC), so it needs no storage and nobody
without the cookie can compute it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, delete, or_, select, update

from charter import ledger
from charter.domain import Principal
from charter.errors import AuthenticationFailed, PermissionDenied
from charter.identity.tables import console_sessions
from charter.store.records import from_row
from charter.store.schema import api_keys, new_id, tenants, use_cases

__all__ = [
    "PEOPLE_ROLES", "ConsoleSession", "SsoSignIn", "csrf_token", "end_for_logout", "resume", "sign_in", "sign_out",
    "token_sha256", "touch",
]

#: The roles a person signs in to the console with (``app`` keys are programs' keys).
PEOPLE_ROLES = ("reviewer", "auditor", "developer", "admin")
#: How long a session's row outlives its ``expires_at`` (then the next sign-in deletes it).
KEEP_ENDED = dt.timedelta(days=1)
#: How often (at most) a session's ``last_seen_at`` is written.
TOUCH_EVERY = dt.timedelta(seconds=30)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_token(token: str) -> str:
    """The CSRF token of the session whose cookie is ``token``."""
    return hmac.new(token.encode("utf-8", "surrogatepass"), b"charter-console-csrf", hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class SsoSignIn:
    """What a single sign-on session keeps of the ID token: ``issuer``, ``sub``, ``sid``, whether it was MFA."""

    issuer: str
    sub: str
    sid: str | None
    mfa: bool


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    id: str
    principal: Principal
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    #: None: a key session; else whether the single sign-on was multi-factor.
    mfa: bool | None = None

    def needs_touch(self, now: dt.datetime) -> bool:
        return now - self.last_seen_at >= TOUCH_EVERY


def sign_in(
    conn: Connection, principal: Principal, *, now: dt.datetime, lifetime_s: float, sso: SsoSignIn | None = None
) -> str:
    """Open a session for ``principal`` (in the writer) and return its token, shown once (the cookie).
    ``sso``: the person signed in through the OpenID provider (``principal.key_id`` is their person id)."""
    if principal.role not in PEOPLE_ROLES:
        raise PermissionDenied(
            f"a {principal.role!r} key belongs to an application and cannot sign in to the console; "
            "sign in with a personal key (reviewer, auditor, developer or admin)",
            code="role_not_allowed",
        )
    # rows past their end are no use (sign-in and sign-out are in the ledger): each sign-in drops them
    conn.execute(delete(console_sessions).where(console_sessions.c.expires_at < now - KEEP_ENDED))
    token = secrets.token_urlsafe(32)
    session_id = new_id("cse")
    expires = now + dt.timedelta(seconds=lifetime_s)
    conn.execute(
        console_sessions.insert().values(
            id=session_id,
            token_sha256=token_sha256(token),
            tenant_id=principal.tenant_id,
            key_id=principal.key_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
            role=principal.role if sso else None,
            oidc_sub=sso.sub if sso else None,
            oidc_sid=sso.sid if sso else None,
            mfa=sso.mfa if sso else None,
        )
    )
    event: dict[str, object] = {"role": principal.role, "expires_at": expires.isoformat()}
    if sso is not None:
        event.update({"method": "oidc", "issuer": sso.issuer, "sid": sso.sid, "mfa": sso.mfa})
    ledger.append(conn, tenant_id=principal.tenant_id, actor=principal.key_id, action="console.signed_in",
                  subject=session_id, event=event)
    return token


def _expired(what: str) -> AuthenticationFailed:
    return AuthenticationFailed(f"{what}; sign in again", code="console_session_expired")


def resume(
    conn: Connection, token: str, *, now: dt.datetime, idle_s: float, sso_prefix: str | None = None
) -> ConsoleSession:
    """The session of ``token`` with its principal, read fresh (the key is checked on every request).
    ``sso_prefix``: the person-id prefix of the configured issuer (``oidc:<hash>:``); a single sign-on
    session of another issuer, or any when single sign-on is off (None), has ended."""
    s = console_sessions.c
    row = conn.execute(
        select(
            s.id, s.last_seen_at, s.expires_at, s.ended_at, s.key_id.label("session_key_id"),
            s.tenant_id.label("session_tenant_id"),
            s.role.label("sso_role"), s.mfa,
            api_keys.c.id.label("key_id"), api_keys.c.tenant_id, api_keys.c.role, api_keys.c.scopes,
            api_keys.c.platform, api_keys.c.expires_at.label("key_expires_at"), api_keys.c.revoked_at,
            tenants.c.name.label("tenant"), use_cases.c.name.label("use_case"),
        )
        .select_from(
            console_sessions.outerjoin(
                api_keys,
                (api_keys.c.id == s.key_id) & (api_keys.c.tenant_id == s.tenant_id) & s.role.is_(None),
            )
            .join(tenants, tenants.c.id == s.tenant_id)
            .outerjoin(use_cases, use_cases.c.id == api_keys.c.use_case_id)
        )
        .where(s.token_sha256 == token_sha256(token))
    ).first()
    if row is None or row.ended_at is not None:
        raise _expired("no such console session (signed out, or never opened)")
    if row.expires_at <= now:
        raise _expired("the console session reached its maximum length")
    if row.last_seen_at + dt.timedelta(seconds=idle_s) <= now:
        raise _expired("the console session was idle too long")
    if row.sso_role is not None:  # opened by single sign-on: no key behind it
        if sso_prefix is None or not row.session_key_id.startswith(sso_prefix) or row.sso_role not in PEOPLE_ROLES:
            raise _expired("single sign-on is no longer configured for this session's identity provider")
        person = Principal(
            key_id=row.session_key_id, tenant_id=row.session_tenant_id, tenant=row.tenant, role=row.sso_role,
            use_case=None,
        )
        return ConsoleSession(row.id, person, row.last_seen_at, row.expires_at, bool(row.mfa))
    if row.key_id is None:
        raise _expired("the key this session was opened with no longer exists")
    if row.revoked_at is not None:
        raise AuthenticationFailed("the key this session was opened with was revoked", code="revoked_api_key")
    if row.key_expires_at is not None and row.key_expires_at <= now:
        raise AuthenticationFailed("the key this session was opened with has expired", code="expired_api_key")
    if row.role not in PEOPLE_ROLES:  # a key's role never changes; checked again all the same
        raise PermissionDenied("this key cannot use the console", code="role_not_allowed")
    principal = from_row(Principal, row, scopes=tuple(row.scopes or ()), platform=bool(row.platform))
    return ConsoleSession(row.id, principal, row.last_seen_at, row.expires_at)


def touch(conn: Connection, session_id: str, now: dt.datetime) -> None:
    """Record activity (the idle timeout counts from here)."""
    conn.execute(
        update(console_sessions)
        .where(console_sessions.c.id == session_id, console_sessions.c.ended_at.is_(None))
        .values(last_seen_at=now)
    )


def sign_out(conn: Connection, token: str, *, now: dt.datetime) -> bool:
    """End the session of ``token`` (in the writer); False when there was none to end."""
    row = conn.execute(
        select(console_sessions.c.id, console_sessions.c.tenant_id, console_sessions.c.key_id).where(
            console_sessions.c.token_sha256 == token_sha256(token), console_sessions.c.ended_at.is_(None)
        )
    ).first()
    if row is None:
        return False
    conn.execute(update(console_sessions).where(console_sessions.c.id == row.id).values(ended_at=now))
    ledger.append(
        conn, tenant_id=row.tenant_id, actor=row.key_id, action="console.signed_out", subject=row.id, event={}
    )
    return True


def end_for_logout(
    conn: Connection, *, person: str | None, sid: str | None, now: dt.datetime, actor: str
) -> list[str]:
    """End the single sign-on sessions a back-channel logout names (in the logout's transaction), as
    :class:`charter.identity.oidc.OidcVerifier` refuses that session's tokens: ``sid`` ends the sessions
    opened with that provider session; ``person`` (``oidc:<issuer hash>:<sub>``) without ``sid`` ends every
    session of the person; with ``sid``, also the person's sessions whose ID token carried no ``sid``
    (they cannot show they belong to another session). Returns the ended sessions' ids."""
    s = console_sessions.c
    named: list[ColumnElement[bool]] = []
    if sid is not None:
        named.append(s.oidc_sid == sid)
    if person is not None:
        named.append((s.key_id == person) & s.oidc_sid.is_(None) if sid is not None else s.key_id == person)
    if not named:
        return []
    rows = conn.execute(
        select(s.id, s.tenant_id, s.key_id).where(
            s.role.is_not(None), s.ended_at.is_(None), s.expires_at > now, or_(*named)
        )
    ).all()
    for row in rows:
        conn.execute(update(console_sessions).where(s.id == row.id).values(ended_at=now))
        ledger.append(
            conn, tenant_id=row.tenant_id, actor=actor, action="console.signed_out", subject=row.id,
            event={"reason": "backchannel_logout", "person": row.key_id, "sid": sid},
        )
    return [row.id for row in rows]
