"""Settings of single sign-on (OpenID Connect) and of the web console's sessions."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator

from charter.settings.section import Section

__all__ = ["IdentitySettings"]

#: Signature algorithms single sign-on may accept: asymmetric only (``none`` and HS* never).
_TOKEN_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
)


class IdentitySettings(Section):
    """Who may sign in, how tokens are checked, and how long a console session lasts (part of
    :class:`~charter.settings.Settings`)."""

    oidc_issuer: str | None = None
    """Single sign-on: the OpenID provider's issuer URL (the exact `iss` of its tokens). Charter reads its discovery
    document and JWKS through the outbound allow-list. Unset (default): people use API keys."""
    oidc_audiences: list[str] = Field(default_factory=list)
    """Accepted `aud` values of bearer tokens: Charter's client id (ID tokens) and/or the API's resource identifier
    (JWT access tokens). Required with `oidc_issuer`."""
    oidc_client_id: str | None = None
    """Charter's client id at the provider: the audience of back-channel logout tokens (default: the first of
    `oidc_audiences`)."""
    oidc_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "EdDSA"])
    """Signature algorithms accepted on tokens (asymmetric only: never `none`, never HS*)."""
    oidc_leeway_s: int = Field(default=60, ge=0, le=600)
    """Clock skew allowed on `exp`, `nbf` and `iat`."""
    oidc_max_token_age_s: int = Field(default=86400, ge=60)
    """Tokens issued longer ago than this are refused (`token_expired`), whatever their `exp`; a back-channel logout
    is remembered this long."""
    oidc_jwks_ttl_s: float = Field(default=3600.0, ge=0.0)
    """How long the provider's keys (JWKS) are used before they are re-read."""
    oidc_jwks_refetch_min_s: float = Field(default=30.0, ge=0.0)
    """A token signed with an unknown key id makes Charter re-read the JWKS (key rotation), at most once per this
    many seconds (so forged kids cannot make it hammer the provider)."""
    oidc_role_claim: str = "groups"
    """The claim whose value(s) (a string or a list) `oidc_role_map` maps to a role."""
    oidc_role_map: dict[str, str] = Field(default_factory=dict)
    """JSON object: claim value -> Charter role (admin, developer, reviewer, auditor), e.g.
    `{"charter-admins": "admin"}`; the first entry that matches wins. A person with no match is refused
    (`no_mapped_role`)."""
    oidc_tenant_claim: str | None = None
    """The claim naming the person's tenant (a tenant name); else `oidc_tenant`."""
    oidc_tenant: str | None = None
    """The tenant every signed-in person belongs to when `oidc_tenant_claim` is unset."""
    oidc_mfa_acr: list[str] = Field(default_factory=list)
    """`acr` values that count as multi-factor authentication."""
    oidc_mfa_amr: list[str] = Field(default_factory=lambda: ["mfa"])
    """`amr` values that count as multi-factor authentication (any one of them in the token's `amr`)."""
    oidc_mfa_for: Literal["admin_writes", "admin", "none"] = "admin_writes"
    """Which requests of a signed-in admin need MFA (`mfa_required` otherwise): `admin_writes` (POST, PUT, PATCH,
    DELETE), `admin` (every request) or `none`."""
    oidc_console_client_id: str | None = None
    """The web console's client id at the provider (authorization code flow with PKCE, docs/console.md): the
    audience its ID tokens must carry. Default: `oidc_client_id`."""
    oidc_console_client_secret: SecretStr | None = None
    """The console client's secret when the provider registers it as confidential (sent with HTTP Basic to the token
    endpoint); unset: a public client (PKCE only)."""
    oidc_console_redirect_uri: str | None = None
    """The console's redirect URI as registered at the provider, `https://<charter>/console/sso/callback`. Unset:
    built from the request's scheme and host."""
    oidc_console_scopes: list[str] = Field(default_factory=lambda: ["openid"])
    """Scopes the console asks for (must include `openid`; add the scope that brings the role and tenant claims,
    e.g. `groups`)."""
    oidc_console_name: str = Field(default="single sign-on", max_length=80)
    """The provider's name on the console's sign-in button ("Sign in with ...")."""
    console_idle_timeout_s: float = Field(default=900.0, ge=60.0, le=86_400.0)
    """A web console session (`/console`) ends after this many seconds without a request (default 15 minutes); the
    person signs in again."""
    console_session_max_s: float = Field(default=43_200.0, ge=300.0, le=604_800.0)
    """A web console session ends this many seconds after sign-in whatever the activity (default 12 hours)."""
    console_secure_cookies: Literal["auto", "always"] = "auto"
    """`auto`: the console's cookies are `Secure` (and `__Host-` named) and HSTS is sent when the request came over
    TLS (`CHARTER_TLS_CERTFILE`, or a proxy on loopback that sets `X-Forwarded-Proto`). `always`: whatever the
    scheme Charter sees; set it when TLS ends at a proxy on another host (Charter then sees plain HTTP); plain-HTTP
    sign-in stops working."""

    @field_validator("oidc_algorithms")
    @classmethod
    def _oidc_algorithms(cls, algorithms: list[str]) -> list[str]:
        for alg in algorithms:
            if alg not in _TOKEN_ALGORITHMS:
                raise ValueError(f"{alg!r} is not an asymmetric signature algorithm Charter accepts on tokens")
        return algorithms

    @field_validator("oidc_role_map")
    @classmethod
    def _oidc_roles(cls, mapping: dict[str, str]) -> dict[str, str]:
        for value, role in mapping.items():
            if role not in ("admin", "developer", "reviewer", "auditor"):
                raise ValueError(f"{value!r} maps to {role!r}; a person is an admin, developer, reviewer or auditor")
        return mapping

    @model_validator(mode="after")
    def _oidc_complete(self) -> Self:
        if self.oidc_issuer and not self.oidc_audiences:
            raise ValueError("oidc_audiences: single sign-on (oidc_issuer) needs the accepted token audiences")
        if self.oidc_issuer and not (self.oidc_tenant_claim or self.oidc_tenant):
            raise ValueError("oidc_tenant: single sign-on needs oidc_tenant_claim or a fixed oidc_tenant")
        if "openid" not in self.oidc_console_scopes:
            raise ValueError("oidc_console_scopes: an OpenID Connect sign-in asks for the `openid` scope")
        uri = self.oidc_console_redirect_uri
        if uri is not None and not (uri.startswith(("https://", "http://")) and "#" not in uri):
            raise ValueError("oidc_console_redirect_uri: an absolute http(s) URL without a fragment")
        return self
