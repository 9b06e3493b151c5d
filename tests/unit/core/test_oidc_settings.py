"""Single sign-on settings refuse what would weaken token checks, and a person's id fits the actor columns."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from charter.domain import Principal
from charter.errors import PermissionDenied
from charter.identity.oidc import Person, looks_like_jwt, person_id, require_mfa
from charter.settings import Settings

SSO = {"oidc_issuer": "https://login.agency.example", "oidc_audiences": ["charter"], "oidc_tenant": "agency"}


@pytest.mark.parametrize("alg", ["none", "HS256", "HS512", "bogus"])
def test_symmetric_and_unsigned_algorithms_are_refused(tmp_path, alg):
    with pytest.raises(ValidationError, match="asymmetric"):
        Settings(data_dir=tmp_path, oidc_algorithms=["RS256", alg], **SSO)


def test_people_cannot_be_mapped_to_the_app_role(tmp_path):
    with pytest.raises(ValidationError, match="admin, developer, reviewer or auditor"):
        Settings(data_dir=tmp_path, oidc_role_map={"everyone": "app"}, **SSO)


def test_an_issuer_needs_audiences_and_a_tenant(tmp_path):
    with pytest.raises(ValidationError, match="oidc_audiences"):
        Settings(data_dir=tmp_path, **(SSO | {"oidc_audiences": []}))
    with pytest.raises(ValidationError, match="oidc_tenant"):
        Settings(data_dir=tmp_path, **{k: v for k, v in SSO.items() if k != "oidc_tenant"})


def test_person_ids_are_stable_and_fit_64_characters():
    short = person_id("https://login.agency.example", "8d2f0c6e-9a7b-4c1d-b1e3-5f6a7b8c9d0e")
    assert short == person_id("https://login.agency.example", "8d2f0c6e-9a7b-4c1d-b1e3-5f6a7b8c9d0e")
    assert short.endswith(":8d2f0c6e-9a7b-4c1d-b1e3-5f6a7b8c9d0e") and short.startswith("oidc:")
    assert person_id("https://other.example", "x") != person_id("https://login.agency.example", "x")
    long = person_id("https://login.agency.example", "s" * 255)
    assert len(long) <= 64 and long != person_id("https://login.agency.example", "s" * 254)


def test_api_keys_never_look_like_tokens():
    assert not looks_like_jwt("chk_0123abcd_" + "A" * 43)
    assert looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")


def test_mfa_modes():
    admin = Person(Principal("oidc:x:a", "t", "agency", "admin", None), "a", None, False, {})
    require_mfa(admin, "GET", "admin_writes")
    require_mfa(admin, "POST", "none")
    for method, mode in (("POST", "admin_writes"), ("GET", "admin")):
        with pytest.raises(PermissionDenied, match="multi-factor"):
            require_mfa(admin, method, mode)
    developer = Person(Principal("oidc:x:d", "t", "agency", "developer", None), "d", None, False, {})
    require_mfa(developer, "POST", "admin")
