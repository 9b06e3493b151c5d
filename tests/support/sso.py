"""What the single sign-on tests (the management API's and the console's) share: the settings of a
Charter that trusts the test provider (tests/support/idp.py) and that provider, started for a live
Charter so that its back-channel logout tokens reach it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from charter.settings import Settings
from tests.support.idp import Provider
from tests.support.live import LiveCharter

__all__ = ["ROLE_MAP", "provider_for", "sso_settings"]

#: The test provider's groups (tests/support/oidc/provider.mjs) and the roles they map to.
ROLE_MAP = {
    "charter-admins": "admin",
    "charter-developers": "developer",
    "charter-reviewers": "reviewer",
    "charter-auditors": "auditor",
}


def sso_settings(base: Settings, idp_port: int, **more: Any) -> Settings:
    """``base`` (the tests' settings: data directory, store, loopback allowed) with single sign-on
    through the provider on ``idp_port``: its groups mapped by :data:`ROLE_MAP`, the tenant from the
    ``tenant`` claim, MFA by ``acr``, no clock leeway, JWKS re-read at once. ``more`` adds the
    audiences and, for the console, its client."""
    return Settings(
        **base.model_dump(exclude_unset=True),
        oidc_issuer=f"http://127.0.0.1:{idp_port}",
        oidc_client_id="charter",
        oidc_role_map=ROLE_MAP,
        oidc_tenant_claim="tenant",
        oidc_mfa_acr=["urn:charter:mfa"],
        oidc_mfa_amr=[],
        oidc_leeway_s=0,
        oidc_jwks_refetch_min_s=0,
        **more,
    )


@contextmanager
def provider_for(live: LiveCharter, idp_port: int, console_redirects: tuple[str, ...] = ()) -> Iterator[Provider]:
    """The test provider on ``idp_port``, sending back-channel logout tokens to ``live``; stopped after."""
    provider = Provider(f"{live.url}/api/v1/oidc/backchannel-logout", port=idp_port,
                        console_redirects=console_redirects).start()
    try:
        yield provider
    finally:
        provider.stop()
