"""Single sign-on for people: OpenID Connect bearer tokens on the management API (SA-2).

A person signs in at the agency's OpenID provider and sends its ID token or JWT access token as
``Authorization: Bearer <JWT>`` to ``/api/v1/...``; applications keep their API keys (``chk_...``) and
the gateway (``/v1/...``) takes nothing else. :class:`OidcVerifier` turns a token into the same
:class:`~charter.domain.Principal` an API key gives (``key_id`` = ``oidc:<issuer-hash>:<sub>``, the
tenant and role mapped from claims), so every role check and every ledger actor works unchanged.

Verification (signature and key handling by ``joserfc``, the JOSE library of the authlib project:
maintained, typed, and it never picks the algorithm from the token for us): the header's ``alg``
must be one of ``CHARTER_OIDC_ALGORITHMS`` (asymmetric only, so neither ``none`` nor an HMAC keyed
with a public key can pass); ``iss`` must be the issuer; the key is found by ``kid`` in the
provider's JWKS (read from its discovery document through the outbound allow-list, kept
``oidc_jwks_ttl_s``, re-read on an unknown ``kid`` at most once per ``oidc_jwks_refetch_min_s``);
``exp``, ``nbf``, ``iat`` with ``oidc_leeway_s``; ``aud`` one of ``oidc_audiences``. Sessions the
provider ended by back-channel logout (:mod:`charter.identity.logout`) are refused on every replica.

The console's browser sign-in (authorization code with PKCE, :mod:`charter.identity.sso`) checks the
ID token it receives with :meth:`OidcVerifier.verify_id_token`: the same checks, with the audience
its client id and the ``nonce`` it sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key
from sqlalchemy import Engine, select

from charter.domain import Principal
from charter.errors import AuthenticationFailed, CharterError, PermissionDenied, Unavailable
from charter.identity.tables import oidc_revocations
from charter.outbound import OutboundPolicy
from charter.settings import Settings
from charter.store.schema import tenants, utcnow

__all__ = ["Claims", "OidcVerifier", "Person", "looks_like_jwt", "person_id", "person_prefix", "require_mfa"]

_KEY_TYPES = ("RSA", "EC", "OKP")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"

Claims = dict[str, Any]


def looks_like_jwt(raw: str) -> bool:
    """A compact JWS (``xxx.yyy.zzz``, header starting ``{"``), not an API key."""
    return raw.startswith("eyJ") and raw.count(".") == 2


def person_id(issuer: str, sub: str) -> str:
    """The stable principal id of a person: ``oidc:<12 hex of sha256(issuer)>:<sub>``. A ``sub`` longer than
    46 characters (OpenID allows 255; Entra ID's are 43, UUIDs 36) becomes ``sha256:<32 hex>`` so the id
    fits the 64-character actor columns."""
    if len(sub) > 46:
        sub = "sha256:" + hashlib.sha256(sub.encode()).hexdigest()[:32]
    return person_prefix(issuer) + sub


def person_prefix(issuer: str) -> str:
    """What every person id of ``issuer`` starts with: ``oidc:<12 hex of sha256(issuer)>:``."""
    return f"oidc:{hashlib.sha256(issuer.encode()).hexdigest()[:12]}:"


@dataclass(frozen=True, slots=True)
class Person:
    principal: Principal
    subject: str
    session: str | None
    mfa: bool
    claims: Mapping[str, Any] = field(repr=False)


def require_mfa(person: Person, method: str, mode: str) -> None:
    """403 ``mfa_required`` when ``mode`` says this request of an admin needs MFA and the token has none."""
    if person.mfa or person.principal.role != "admin" or mode == "none":
        return
    if mode == "admin_writes" and method.upper() in _SAFE_METHODS:
        return
    raise PermissionDenied(
        "this admin action needs multi-factor sign-in: sign in again at the identity provider with a second factor",
        code="mfa_required",
    )


def _invalid(message: str) -> AuthenticationFailed:
    return AuthenticationFailed(message, code="invalid_token")


def _segment(text: str) -> Any:
    padded = text + "=" * (-len(text) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def _unverified(raw: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims before the signature is checked (used only to pick the key and name the error)."""
    try:
        head, body, _ = raw.split(".")
        header, claims = _segment(head), _segment(body)
    except (ValueError, UnicodeError, json.JSONDecodeError) as exc:
        raise _invalid("the bearer token is not a well-formed JWT") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _invalid("the bearer token is not a well-formed JWT")
    return header, claims


@dataclass
class _Keys:
    keys: dict[str | None, Key] = field(default_factory=dict)
    loaded: float = -1e18  # monotonic time of the last successful read
    tried: float = -1e18  # monotonic time of the last attempt (the refetch rate limit)
    fetches: int = 0


@dataclass
class _Discovery:
    document: dict[str, Any] = field(default_factory=dict)
    loaded: float = -1e18


@dataclass
class _Snapshot:
    """What the store says, read at once and kept ``policy_cache_ttl_s``: ended sessions and tenants."""

    sids: dict[str, int] = field(default_factory=dict)  # sid -> logout time (epoch s)
    subs: dict[str, list[tuple[str | None, int]]] = field(default_factory=dict)  # sub -> [(sid, logout time)]
    tenants: dict[str, str] = field(default_factory=dict)  # name -> id
    loaded: float = -1e18


class OidcVerifier:
    """Verifies bearer JWTs for one issuer; a :class:`~charter.runtime.PolicyCache` (``invalidate``
    forgets revocations and tenants, not keys). Thread-safe; :meth:`verify` may read the network
    (JWKS) or the store (revocations, tenants): :meth:`is_ready` says when it will not."""

    def __init__(self, settings: Settings, outbound: OutboundPolicy, engine: Engine) -> None:
        if not settings.oidc_issuer or not settings.oidc_audiences:
            raise Unavailable(
                "single sign-on needs CHARTER_OIDC_ISSUER and CHARTER_OIDC_AUDIENCES", code="idp_unavailable"
            )
        self.settings = settings
        self.issuer = settings.oidc_issuer
        self.audiences = frozenset(settings.oidc_audiences)
        self.client_id = settings.oidc_client_id or settings.oidc_audiences[0]
        #: The console's client (authorization code flow): its ID tokens' audience.
        self.console_client_id = settings.oidc_console_client_id or self.client_id
        self.outbound = outbound
        self.engine = engine
        self.ttl = settings.policy_cache_ttl_s
        self._keys = _Keys()
        self._discovery = _Discovery()
        self._snapshot = _Snapshot()
        self._lock = threading.Lock()

    # -- caches ------------------------------------------------------------------------------
    @property
    def jwks_fetches(self) -> int:
        return self._keys.fetches

    def invalidate(self) -> None:
        self._snapshot.loaded = -1e18

    def is_ready(self, raw: str) -> bool:
        """Whether :meth:`verify` of ``raw`` would answer from memory (no JWKS read, no store read)."""
        now, keys = time.monotonic(), self._keys
        if now - keys.loaded > self.settings.oidc_jwks_ttl_s or now - self._snapshot.loaded > self.ttl:
            return False
        try:
            kid = _segment(raw.split(".", 1)[0]).get("kid")
        except (ValueError, UnicodeError, AttributeError):
            return True  # malformed: refused without I/O
        return kid in keys.keys or now - keys.tried < self.settings.oidc_jwks_refetch_min_s

    # -- verification ------------------------------------------------------------------------
    def verify(self, raw: str) -> Person:
        """The person behind a bearer token, or 401/403 with a stable code."""
        claims = self.verified_claims(raw)
        if "events" in claims:
            raise _invalid("a logout token is not a bearer token")
        self._check_times(claims)
        if not self.audiences & set(_audiences(claims)):
            raise AuthenticationFailed(
                "the token was issued for another audience (CHARTER_OIDC_AUDIENCES)", code="wrong_audience"
            )
        return self._person(claims)

    def verify_id_token(self, raw: str, *, client_id: str, nonce: str) -> Person:
        """The person behind an ID token the console received from the token endpoint: the checks of
        :meth:`verify`, with ``aud`` containing ``client_id`` (``azp`` equal to it when there are several
        audiences) and ``nonce`` the one the sign-in sent (``sso_nonce_mismatch``)."""
        claims = self.verified_claims(raw)
        if "events" in claims:
            raise _invalid("a logout token is not an ID token")
        self._check_times(claims)
        audiences = _audiences(claims)
        if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
            raise AuthenticationFailed(
                "the ID token was issued for another client (CHARTER_OIDC_CONSOLE_CLIENT_ID)", code="wrong_audience"
            )
        sent = claims.get("nonce")
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
            raise AuthenticationFailed(
                "the ID token does not carry the nonce this sign-in sent (a replayed or injected token); "
                "sign in again",
                code="sso_nonce_mismatch",
            )
        return self._person(claims)

    def _person(self, claims: Claims) -> Person:
        sub, sid = claims.get("sub"), claims.get("sid")
        if not isinstance(sub, str) or not sub:
            raise _invalid("the token names no subject (`sub`)")
        sid = sid if isinstance(sid, str) and sid else None
        if self._is_revoked(sub, sid, int(claims["iat"])):
            raise AuthenticationFailed("this sign-in session was ended; sign in again", code="session_revoked")
        role = self._role(claims)
        tenant = self._tenant_name(claims)
        principal = Principal(person_id(self.issuer, sub), self._tenant_id(tenant), tenant, role, use_case=None)
        return Person(principal, sub, sid, self._has_mfa(claims), claims)

    def verified_claims(self, raw: str) -> Claims:
        """Header checks, issuer, key and signature (no time, audience or session checks)."""
        header, unverified = _unverified(raw)
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.settings.oidc_algorithms:
            raise _invalid(f"tokens signed with {alg!r} are not accepted (CHARTER_OIDC_ALGORITHMS)")
        if unverified.get("iss") != self.issuer:
            raise AuthenticationFailed(
                f"the token's issuer {unverified.get('iss')!r} is not Charter's identity provider", code="wrong_issuer"
            )
        kid = header.get("kid")
        key = self._key(kid if isinstance(kid, str) else None)
        try:
            token = jwt.decode(raw, key, algorithms=[alg])
        except (JoseError, ValueError) as exc:
            raise _invalid("the token's signature does not verify") from exc
        return dict(token.claims)

    def _check_times(self, claims: Claims) -> None:
        now, leeway = time.time(), self.settings.oidc_leeway_s
        exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf")
        if not isinstance(exp, int | float) or not isinstance(iat, int | float):
            raise _invalid("the token lacks `exp` or `iat`")
        if now > exp + leeway or now - iat > self.settings.oidc_max_token_age_s:
            raise AuthenticationFailed("the token has expired; sign in again", code="token_expired")
        if iat > now + leeway or (isinstance(nbf, int | float) and nbf > now + leeway):
            raise _invalid("the token is not valid yet (check the clocks)")

    def _role(self, claims: Claims) -> str:
        found = claims.get(self.settings.oidc_role_claim)
        values = {found} if isinstance(found, str) else {v for v in found if isinstance(v, str)} if isinstance(
            found, list
        ) else set()
        for value, role in self.settings.oidc_role_map.items():
            if value in values:
                return role
        raise PermissionDenied(
            f"no Charter role is mapped to this person's `{self.settings.oidc_role_claim}` (CHARTER_OIDC_ROLE_MAP)",
            code="no_mapped_role",
        )

    def _tenant_name(self, claims: Claims) -> str:
        claim = self.settings.oidc_tenant_claim
        name = claims.get(claim) if claim else self.settings.oidc_tenant
        if not isinstance(name, str) or not name:
            raise PermissionDenied(
                "no tenant is mapped to this person (CHARTER_OIDC_TENANT_CLAIM)", code="no_mapped_role"
            )
        return name

    def _has_mfa(self, claims: Claims) -> bool:
        acr, amr = claims.get("acr"), claims.get("amr")
        if isinstance(acr, str) and acr in self.settings.oidc_mfa_acr:
            return True
        return isinstance(amr, list) and any(isinstance(a, str) and a in self.settings.oidc_mfa_amr for a in amr)

    # -- the store ---------------------------------------------------------------------------
    def _tenant_id(self, name: str) -> str:
        found = self._current().tenants.get(name)
        if found is None:
            raise PermissionDenied(f"this person's tenant {name!r} does not exist in Charter", code="no_mapped_role")
        return found

    def _is_revoked(self, sub: str, sid: str | None, iat: int) -> bool:
        revoked = self._current()
        if sid is not None and sid in revoked.sids:
            return True
        return any(
            iat <= when for row_sid, when in revoked.subs.get(sub, ()) if row_sid is None or sid is None
        )

    def _current(self) -> _Snapshot:
        now = time.monotonic()
        current = self._snapshot
        if now - current.loaded <= self.ttl:
            return current
        fresh = _Snapshot(loaded=now)
        table = oidc_revocations
        with _store_errors(), self.engine.connect() as conn:
            rows = conn.execute(
                select(table.c.sub, table.c.sid, table.c.revoked_at).where(
                    table.c.issuer == self.issuer, table.c.expires_at > utcnow()
                )
            ).all()
            fresh.tenants = {r.name: r.id for r in conn.execute(select(tenants.c.name, tenants.c.id))}
        for row in rows:
            when = int(row.revoked_at.timestamp())
            if row.sid:
                fresh.sids[row.sid] = when
            if row.sub:
                fresh.subs.setdefault(row.sub, []).append((row.sid, when))
        self._snapshot = fresh
        return fresh

    # -- the provider's keys -----------------------------------------------------------------
    def _key(self, kid: str | None) -> Key:
        keys = self._keys
        now = time.monotonic()
        if now - keys.loaded > self.settings.oidc_jwks_ttl_s:
            self._refresh(force=True)
        elif kid not in keys.keys:
            self._refresh(force=False)  # key rotation: re-read, rate-limited
        found = self._keys.keys.get(kid)
        if found is None and kid is None and len(self._keys.keys) == 1:
            found = next(iter(self._keys.keys.values()))
        if found is None:
            raise _invalid(f"the token is signed with a key ({kid!r}) the identity provider does not publish")
        return found

    def _refresh(self, *, force: bool) -> None:
        with self._lock:
            now = time.monotonic()
            keys = self._keys
            if force and now - keys.loaded <= self.settings.oidc_jwks_ttl_s:
                return  # another thread just did it
            if now - keys.tried < self.settings.oidc_jwks_refetch_min_s:
                if force:  # the last read failed moments ago: do not hammer a provider that is down
                    raise Unavailable(
                        "the identity provider's keys could not be read; retry later", code="idp_unavailable"
                    )
                return
            keys.tried = now
            keys.fetches += 1
            keys.keys = _import_keys(self._fetch_jwks())
            keys.loaded = now

    def discovery(self) -> dict[str, Any]:
        """The provider's discovery document (``/.well-known/openid-configuration``), read through the
        outbound allow-list and kept ``oidc_jwks_ttl_s``; ``503 idp_unavailable`` when it cannot be read."""
        current = self._discovery
        if time.monotonic() - current.loaded <= self.settings.oidc_jwks_ttl_s:
            return current.document
        try:
            with self.outbound.httpx_client(timeout=10.0) as client:
                document = self._read_discovery(client)
        except (CharterError, httpx.HTTPError, OSError, ValueError, KeyError, TypeError) as exc:
            raise Unavailable(
                f"the identity provider's discovery document could not be read ({type(exc).__name__}: {exc}); "
                "retry later",
                code="idp_unavailable",
            ) from exc
        return document

    def _read_discovery(self, client: httpx.Client) -> dict[str, Any]:
        discovery_url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        self.outbound.check_url(discovery_url, param="oidc_issuer")
        discovery = client.get(discovery_url).raise_for_status().json()
        if not isinstance(discovery, dict) or discovery.get("issuer") != self.issuer:
            found = discovery.get("issuer") if isinstance(discovery, dict) else None
            raise ValueError(f"the discovery document names issuer {found!r}")
        self._discovery = _Discovery(discovery, time.monotonic())
        return discovery

    def _fetch_jwks(self) -> dict[str, Any]:
        try:
            with self.outbound.httpx_client(timeout=10.0) as client:
                discovery = self._read_discovery(client)
                jwks_uri = str(discovery["jwks_uri"])
                self.outbound.check_url(jwks_uri, param="jwks_uri")
                jwks = client.get(jwks_uri).raise_for_status().json()
        except (CharterError, httpx.HTTPError, OSError, ValueError, KeyError, TypeError) as exc:
            raise Unavailable(
                f"the identity provider's keys could not be read ({type(exc).__name__}: {exc}); retry later",
                code="idp_unavailable",
            ) from exc
        if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
            raise Unavailable("the identity provider's JWKS has no `keys`", code="idp_unavailable")
        return jwks


def _import_keys(jwks: Mapping[str, Any]) -> dict[str | None, Key]:
    """Signature keys only: RSA, EC, OKP public keys (never a symmetric ``oct`` key, never ``use: enc``)."""
    found: dict[str | None, Key] = {}
    for data in jwks["keys"]:
        if not isinstance(data, dict) or data.get("kty") not in _KEY_TYPES or data.get("use", "sig") != "sig":
            continue
        try:
            key = JWKRegistry.import_key(data)
        except (JoseError, ValueError):
            continue
        found[data.get("kid")] = key
    return found


def _audiences(claims: Claims) -> list[str]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    return [a for a in aud if isinstance(a, str)] if isinstance(aud, list) else []


class _store_errors:
    """A store that cannot answer is ``503 store_unavailable`` (fail closed)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if exc is not None and not isinstance(exc, CharterError):
            raise Unavailable(
                f"the store is unreachable ({type(exc).__name__}); the sign-in could not be checked, retry later",
                code="store_unavailable",
            ) from exc
