"""Single sign-on on the management API against a real OpenID provider (oidc-provider, Node) on
loopback: people's ID and access tokens, the errors each bad token gets, key rotation, back-channel
logout, MFA for admin actions; API keys and the gateway unchanged. Both stores."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from charter.errors import Unavailable
from charter.identity.oidc import OidcVerifier, person_id
from charter.identity.tables import oidc_revocations
from charter.ledger.tables import ledger_entries
from charter.outbound import OutboundPolicy
from charter.settings import Settings
from tests.conftest import Platform
from tests.support.idp import NODE, RESOURCE, Provider
from tests.support.live import LiveCharter
from tests.support.sso import provider_for, sso_settings
from tests.support.upstream import free_port

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the OpenID provider under test is Node's")

CHAT = {"model": "mock", "messages": [{"role": "user", "content": "When is the filing deadline?"}]}


@pytest.fixture
def idp_port() -> int:
    return free_port()


@pytest.fixture
def settings(settings: Settings, idp_port: int) -> Settings:
    return sso_settings(settings, idp_port, oidc_audiences=["charter", "charter-short", RESOURCE])


@pytest.fixture
def idp(live: LiveCharter, idp_port: int) -> Iterator[Provider]:
    with provider_for(live, idp_port) as provider:
        yield provider


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, Any]:
    body = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))


def test_each_mapped_role_works_on_a_management_route_and_keeps_its_role(idp, http, platform):
    for account, role in (("ada", "admin"), ("dev", "developer"), ("rita", "reviewer"), ("otto", "auditor")):
        tokens = idp.sign_in(account)
        for token in (tokens.id_token, tokens.access_token):
            r = http.get("/api/v1/usecases", headers=bearer(token))
            assert r.status_code == 200, (account, r.text)
            assert [u["name"] for u in r.json()] == ["tax-helpdesk"]
        keys = http.get("/api/v1/keys", headers=bearer(tokens.id_token))  # admin only
        assert (keys.status_code == 200) if role == "admin" else error(keys) == (403, "role_not_allowed")


def test_an_admins_write_is_ledgered_under_the_persons_id(idp, http, platform):
    tokens = idp.sign_in("ada")  # signed in with a second factor (acr urn:charter:mfa)
    created = []
    for token in (tokens.id_token, tokens.access_token):
        r = http.post("/api/v1/keys", json={"role": "developer", "name": "from-sso"}, headers=bearer(token))
        assert r.status_code == 201, r.text
        created.append(r.json()["id"])
    with platform.rt.engine.connect() as conn:
        actors = conn.execute(
            select(ledger_entries.c.actor).where(
                ledger_entries.c.action == "key.created", ledger_entries.c.subject.in_(created)
            )
        ).scalars().all()
    assert actors == [person_id(idp.issuer, "ada")] * 2
    assert actors[0].startswith("oidc:") and len(actors[0]) <= 64


def test_admin_action_without_mfa_is_refused_but_reading_is_not(idp, http, platform):
    tokens = idp.sign_in("adam")  # an admin signed in with a password only
    assert http.get("/api/v1/keys", headers=bearer(tokens.id_token)).status_code == 200
    r = http.post("/api/v1/keys", json={"role": "developer"}, headers=bearer(tokens.id_token))
    assert error(r) == (403, "mfa_required")


def test_a_person_without_a_mapped_role_is_refused(idp, http, platform):
    tokens = idp.sign_in("nomad")
    assert error(http.get("/api/v1/usecases", headers=bearer(tokens.id_token))) == (403, "no_mapped_role")


def test_a_token_for_another_application_is_wrong_audience(idp, http, platform):
    tokens = idp.sign_in("ada", client="other-app", resource=False)
    assert claims_of(tokens.id_token)["aud"] == "other-app"
    assert error(http.get("/api/v1/usecases", headers=bearer(tokens.id_token))) == (401, "wrong_audience")


def test_an_expired_token_is_refused(idp, http, platform):
    token = idp.sign_in("ada", client="charter-short", resource=False).id_token  # lives 1 s
    deadline = time.monotonic() + 10
    codes = []
    while time.monotonic() < deadline:
        r = http.get("/api/v1/usecases", headers=bearer(token))
        codes.append(r.status_code)
        if r.status_code == 401:
            break
        time.sleep(0.2)
    assert error(r) == (401, "token_expired") and time.time() > claims_of(token)["exp"]


def test_a_token_from_another_provider_is_wrong_issuer(idp, http, platform):
    other = Provider().start()
    try:
        token = other.sign_in("ada").id_token
    finally:
        other.stop()
    assert error(http.get("/api/v1/usecases", headers=bearer(token))) == (401, "wrong_issuer")


def test_malformed_unsigned_and_forged_tokens_are_invalid(idp, http, platform):
    real = idp.sign_in("ada").id_token
    head, body, signature = real.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    jwks = httpx.get(f"{idp.issuer}/jwks").json()["keys"][0]
    forged = {
        "malformed": "eyJhbGciOiJSUzI1NiJ9.not-json.sig",
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{body}.",
        "HS256 keyed with the public key": _hs256(header | {"alg": "HS256"}, body, json.dumps(jwks).encode()),
        "tampered claims": f"{head}.{b64(claims_of(real) | {'sub': 'eve'})}.{signature}",
        "unknown kid": f"{b64(header | {'kid': 'nope'})}.{body}.{signature}",
    }
    for what, token in forged.items():
        assert error(http.get("/api/v1/usecases", headers=bearer(token))) == (401, "invalid_token"), what


def _hs256(header: dict[str, Any], body: str, secret: bytes) -> str:
    import hashlib
    import hmac

    signing_input = f"{b64(header)}.{body}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_key_rotation_at_the_provider_is_picked_up(idp, http, platform):
    before = idp.sign_in("ada").id_token
    assert http.get("/api/v1/usecases", headers=bearer(before)).status_code == 200
    verifier = platform.rt.parts["oidc"]
    assert isinstance(verifier, OidcVerifier) and verifier.jwks_fetches == 1
    new_kid = idp.rotate()
    after = idp.sign_in("dev").id_token
    assert json.loads(base64.urlsafe_b64decode(after.split(".")[0] + "==="))["kid"] == new_kid
    assert http.get("/api/v1/usecases", headers=bearer(after)).status_code == 200
    assert http.get("/api/v1/usecases", headers=bearer(before)).status_code == 200  # old key still published
    assert verifier.jwks_fetches == 2


def test_unknown_kids_refetch_the_keys_at_most_once_per_interval(idp, platform):
    settings = platform.rt.settings.model_copy(update={"oidc_jwks_refetch_min_s": 60.0})
    verifier = OidcVerifier(settings, platform.rt.egress.outbound, platform.rt.engine)
    real = idp.sign_in("ada").id_token
    head, body, sig = real.split(".")
    verifier.verify(real)
    for i in range(5):
        forged = f"{b64(json.loads(base64.urlsafe_b64decode(head + '===')) | {'kid': f'k{i}'})}.{body}.{sig}"
        with pytest.raises(Exception, match="does not publish"):
            verifier.verify(forged)
    assert verifier.jwks_fetches == 1  # within a minute of the last read, forged kids cause no read


def test_back_channel_logout_revokes_the_session_on_every_token(idp, http, platform):
    tokens = idp.sign_in("ada")
    other = idp.sign_in("dev")  # another person's session stays valid
    for token in (tokens.id_token, tokens.access_token):
        assert http.get("/api/v1/usecases", headers=bearer(token)).status_code == 200
    idp.sign_out(tokens)  # the provider POSTs its logout token to Charter before it answers
    with platform.rt.engine.connect() as conn:
        rows = conn.execute(select(oidc_revocations.c.sub, oidc_revocations.c.sid)).all()
        actions = conn.execute(select(ledger_entries.c.action, ledger_entries.c.subject)).all()
    assert [(r.sub, r.sid) for r in rows] == [("ada", claims_of(tokens.id_token)["sid"])], idp.log()
    assert ("oidc.session_revoked", person_id(idp.issuer, "ada")) in [tuple(a) for a in actions]
    for token in (tokens.id_token, tokens.access_token):
        assert error(http.get("/api/v1/usecases", headers=bearer(token))) == (401, "session_revoked")
    assert http.get("/api/v1/usecases", headers=bearer(other.id_token)).status_code == 200
    fresh = idp.sign_in("ada")  # a new session works
    assert http.get("/api/v1/usecases", headers=bearer(fresh.id_token)).status_code == 200


def test_a_forged_logout_token_is_refused(idp, http, platform):
    id_token = idp.sign_in("ada").id_token  # signed by the issuer, but not a logout token
    r = http.post("/api/v1/oidc/backchannel-logout", data={"logout_token": id_token})
    assert error(r) == (400, "invalid_logout_token")
    assert http.get("/api/v1/usecases", headers=bearer(id_token)).status_code == 200


def test_app_keys_and_the_gateway_are_unaffected(idp, http, platform: Platform):
    r = http.post("/v1/chat/completions", json=CHAT, headers=platform.auth("app"))
    assert r.status_code == 200, r.text
    assert http.get("/api/v1/keys", headers=platform.auth("admin")).status_code == 200
    token = idp.sign_in("dev").access_token
    assert error(http.post("/v1/chat/completions", json=CHAT, headers=bearer(token))) == (401, "invalid_token")


def test_a_provider_whose_keys_cannot_be_read_fails_closed(idp, http, platform):
    token = idp.sign_in("ada").id_token
    off_list = platform.rt.settings.model_copy(update={"outbound_allow": []})
    verifier = OidcVerifier(off_list, OutboundPolicy.from_settings(off_list), platform.rt.engine)
    with pytest.raises(Unavailable) as refused:
        verifier.verify(token)
    assert refused.value.code == "idp_unavailable" and "allow-list" in refused.value.message
    idp.stop()  # the provider is down before Charter ever read its keys
    assert error(http.get("/api/v1/usecases", headers=bearer(token))) == (503, "idp_unavailable")
