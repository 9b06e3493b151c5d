"""The console's single sign-on against a real OpenID provider (oidc-provider, Node) on loopback:
authorization code with PKCE (S256), state and nonce, the role and tenant mapping, refusals on the
sign-in page with their codes, MFA for admins' changes, and back-channel logout ending the console
session. Both stores; the browser is httpx following the redirects as a browser does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from sqlalchemy import select

from charter.identity.oidc import person_id
from charter.identity.sso import Attempt
from charter.identity.tables import console_sessions
from charter.ledger.tables import ledger_entries
from charter.settings import Settings
from tests.integration.console.conftest import ALWAYS, BASE_CHARTER, Console
from tests.support.idp import NODE, Provider
from tests.support.live import LiveCharter
from tests.support.sso import provider_for, sso_settings
from tests.support.upstream import free_port

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the OpenID provider under test is Node's")

CALLBACK = "/console/sso/callback"
ATTEMPT = "charter_console_sso"


@pytest.fixture
def idp_port() -> int:
    return free_port()


@pytest.fixture
def console_client() -> str:
    """The console's client at the provider: `charter` (confidential) or `charter-console` (public)."""
    return "charter"


@pytest.fixture
def settings(settings: Settings, idp_port: int, console_client: str) -> Settings:
    return sso_settings(
        settings, idp_port,
        oidc_audiences=["charter"],
        oidc_console_client_id=console_client,
        oidc_console_client_secret="charter-secret" if console_client == "charter" else None,
        oidc_console_scopes=["openid", "charter"],
        oidc_console_name="Agency ID",
    )


@pytest.fixture
def idp(live: LiveCharter, idp_port: int) -> Iterator[Provider]:
    # the console on 127.0.0.1 (httpx) and on localhost (the browser test: another site than the provider's)
    redirects = (f"{live.url}{CALLBACK}", f"{live.url.replace('127.0.0.1', 'localhost')}{CALLBACK}")
    with provider_for(live, idp_port, redirects) as provider:
        yield provider


def _start(browser: httpx.Client, console: Console, account: str, next_path: str = "/console/review") -> httpx.Response:
    return browser.get(f"{console.url}/console/sso/start", params={"next": next_path, "login_hint": account})


def _to_callback(browser: httpx.Client, console: Console, account: str, next_path: str = "/console/review") -> str:
    """Start a sign-in and follow the provider's pages up to (not into) the console's callback."""
    response = _start(browser, console, account, next_path)
    for _ in range(12):
        assert response.is_redirect, f"{response.status_code} {response.text[-1500:]}"
        url = urljoin(str(response.url), response.headers["location"])
        if url.startswith(console.url + CALLBACK):
            return url
        response = browser.get(url)
    raise AssertionError("the provider never sent the browser back")


def _sign_in(browser: httpx.Client, console: Console, account: str) -> httpx.Response:
    return browser.get(_to_callback(browser, console, account))


def _put_attempt(browser: httpx.Client, value: str | None, callback: str) -> None:
    """The browser's attempt cookie replaced by ``value`` (what an attacker holding one could send)."""
    assert value
    browser.cookies.delete(ATTEMPT)
    browser.cookies.set(ATTEMPT, value, domain=urlsplit(callback).hostname or "", path="/console/sso")


def _sessions(console: Console) -> list[Any]:
    with console.platform.rt.engine.connect() as conn:
        return list(conn.execute(select(console_sessions)).all())


def _entries(console: Console, action: str) -> list[tuple[str, str, dict[str, object]]]:
    with console.platform.rt.engine.connect() as conn:
        rows = conn.execute(
            select(ledger_entries.c.actor, ledger_entries.c.subject, ledger_entries.c.event)
            .where(ledger_entries.c.action == action).order_by(ledger_entries.c.seq)
        ).all()
    return [(r.actor, r.subject, json.loads(r.event or "{}")) for r in rows]


def test_SA_2_sign_in_page_offers_the_provider(console: Console, idp: Provider) -> None:
    page = httpx.get(f"{console.url}/console/sign-in", params={"next": "/console/review"})
    assert page.status_code == 200
    assert "Sign in with Agency ID" in page.text
    assert 'href="/console/sso/start?next=/console/review"' in page.text


def test_SA_2_a_mapped_reviewer_signs_in_with_pkce_and_sees_the_queue(console: Console, idp: Provider) -> None:
    console.apply(ALWAYS)
    held = console.ask()
    assert held.status_code == 202, held.text
    review_id = held.json()["review"]["id"]
    browser = httpx.Client(timeout=30)

    started = _start(browser, console, "rita")
    assert started.status_code == 303
    location = urlsplit(started.headers["location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert started.headers["location"].startswith(idp.issuer + "/")
    assert query["response_type"] == "code" and query["client_id"] == "charter"
    assert query["redirect_uri"] == console.url + CALLBACK and query["scope"] == "openid charter"
    assert query["code_challenge_method"] == "S256" and len(query["state"]) >= 43 and len(query["nonce"]) >= 43
    cookie = next(h for h in started.headers.get_list("set-cookie") if h.startswith(ATTEMPT + "="))
    assert {"httponly", "samesite=lax", "path=/console/sso"} <= {p.strip().lower() for p in cookie.split(";")[1:]}
    attempt = Attempt.from_cookie(browser.cookies.get(ATTEMPT))
    assert attempt is not None and attempt.state == query["state"] and attempt.nonce == query["nonce"]
    assert query["code_challenge"] == create_s256_code_challenge(attempt.verifier)
    assert attempt.verifier not in started.headers["location"]  # only the challenge leaves the browser

    response = started
    while response.is_redirect:
        response = browser.get(urljoin(str(response.url), response.headers["location"]))
    assert response.status_code == 200, response.text
    assert str(response.url).startswith(console.url + CALLBACK)
    assert '<meta http-equiv="refresh" content="0; url=/console/review">' in response.text
    assert browser.cookies.get("charter_console") and browser.cookies.get(ATTEMPT) is None

    queue = browser.get(f"{console.url}/console/review")
    assert queue.status_code == 200 and "Review queue" in queue.text and review_id in queue.text
    assert "Signed in as <strong>reviewer</strong>" in queue.text and "single sign-on" in queue.text
    assert browser.get(f"{console.url}/console/ledger").status_code == 403  # the reviewer's role, as on the API

    (row,) = _sessions(console)
    rita = person_id(idp.issuer, "rita")
    assert (row.key_id, row.role, row.oidc_sub, row.mfa) == (rita, "reviewer", "rita", False)
    assert row.oidc_sid
    ((actor, subject, event),) = _entries(console, "console.signed_in")
    assert (actor, subject) == (rita, row.id)
    assert event["method"] == "oidc" and event["role"] == "reviewer" and event["sid"] == row.oidc_sid


@pytest.mark.parametrize("console_client", ["charter-console"])
def test_SA_2_a_public_client_signs_in_with_pkce_alone(console: Console, idp: Provider) -> None:
    browser = httpx.Client(timeout=30)
    done = _sign_in(browser, console, "otto")
    assert done.status_code == 200, done.text
    home = browser.get(f"{console.url}/console/")
    assert home.status_code == 200 and "Signed in as <strong>auditor</strong>" in home.text


def test_SA_2_a_person_without_a_mapped_role_is_refused(console: Console, idp: Provider) -> None:
    browser = httpx.Client(timeout=30)
    refused = _sign_in(browser, console, "nomad")  # groups: staff only
    assert refused.status_code == 403
    assert "Sign-in refused" in refused.text and "no_mapped_role" in refused.text
    assert browser.cookies.get("charter_console") is None and _sessions(console) == []
    assert browser.get(f"{console.url}/console/").status_code == 303  # to the sign-in page


def test_SA_2_a_wrong_state_and_a_replayed_callback_are_refused(console: Console, idp: Provider) -> None:
    browser = httpx.Client(timeout=30)
    callback = _to_callback(browser, console, "rita")
    split = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(split.query).items()}
    forged = split._replace(query=f"code={query['code']}&state=not-{query['state']}").geturl()
    kept = browser.cookies.get(ATTEMPT)
    refused = browser.get(forged)
    assert refused.status_code == 400 and "sso_state_mismatch" in refused.text
    assert _sessions(console) == []

    # another browser's code: no attempt at all in this one
    stranger = httpx.Client(timeout=30)
    refused = stranger.get(callback)
    assert refused.status_code == 400 and "sso_state_mismatch" in refused.text

    # the genuine answer (the attempt cookie as it was) signs in once ...
    _put_attempt(browser, kept, callback)
    assert browser.get(callback).status_code == 200
    assert len(_sessions(console)) == 1
    # ... and replayed: the attempt is gone from the browser
    replayed = browser.get(callback)
    assert replayed.status_code == 400 and "sso_state_mismatch" in replayed.text
    # ... and with the attempt cookie put back, the provider refuses the used code
    _put_attempt(browser, kept, callback)
    replayed = browser.get(callback)
    assert replayed.status_code == 400 and "sso_code_rejected" in replayed.text
    assert len(_sessions(console)) == 1


def test_SA_2_an_id_token_with_another_nonce_is_refused(console: Console, idp: Provider) -> None:
    browser = httpx.Client(timeout=30)
    callback = _to_callback(browser, console, "rita")
    attempt = Attempt.from_cookie(browser.cookies.get(ATTEMPT))
    assert attempt is not None
    other = replace(attempt, nonce="a-nonce-of-another-sign-in")  # same state and verifier: only the nonce differs
    _put_attempt(browser, other.cookie(), callback)
    refused = browser.get(callback)
    assert refused.status_code == 401 and "sso_nonce_mismatch" in refused.text
    assert _sessions(console) == [] and browser.cookies.get("charter_console") is None


def test_SA_2_the_provider_refusing_is_shown_with_its_code(console: Console, idp: Provider) -> None:
    browser = httpx.Client(timeout=30)
    refused = _sign_in(browser, console, "nobody-at-the-provider")  # the provider answers access_denied
    assert refused.status_code == 403 and "sso_denied" in refused.text and "access_denied" in refused.text
    assert _sessions(console) == []


def test_SA_2_back_channel_logout_ends_the_console_session(console: Console, idp: Provider) -> None:
    browser = httpx.Client(timeout=30)
    assert _sign_in(browser, console, "rita").status_code == 200
    other = httpx.Client(timeout=30)  # another person, another provider session: not ended
    assert _sign_in(other, console, "otto").status_code == 200
    assert browser.get(f"{console.url}/console/review").status_code == 200
    key_session = console.signed_in("reviewer")  # a key's session is not the provider's to end

    idp.end_session(browser)  # the provider POSTs its logout token to Charter before it answers

    ended = browser.get(f"{console.url}/console/review")
    assert ended.status_code == 303 and ended.headers["location"].startswith("/console/sign-in")
    assert other.get(f"{console.url}/console/").status_code == 200
    assert key_session.get("/console/").status_code == 200
    signed_out = _entries(console, "console.signed_out")
    assert [(e["reason"], e["person"]) for _, _, e in signed_out] == [
        ("backchannel_logout", person_id(idp.issuer, "rita"))
    ]
    rows = {r.oidc_sub: r for r in _sessions(console) if r.oidc_sub}
    assert rows["rita"].ended_at is not None and rows["otto"].ended_at is None


def test_SA_2_an_admin_without_mfa_may_look_but_not_change(console: Console, idp: Provider) -> None:
    console.apply(BASE_CHARTER)
    for account, allowed in (("adam", False), ("ada", True)):  # adam: password only; ada: acr urn:charter:mfa
        browser = httpx.Client(timeout=30, base_url=console.url)
        assert _sign_in(browser, console, account).status_code == 200
        page = browser.get("/console/usecases/tax-helpdesk")
        assert page.status_code == 200 and "Signed in as <strong>admin</strong>" in page.text
        csrf = console.csrf(browser, "/console/usecases/tax-helpdesk")
        killed = browser.post("/console/usecases/tax-helpdesk/kill", data={"csrf": csrf, "reason": "sso test",
                                                                          "confirm": "tax-helpdesk"})
        if allowed:
            assert killed.status_code in (200, 303), killed.text
        else:
            assert killed.status_code == 403 and "mfa_required" in killed.text
        out = browser.post("/console/sign-out", data={"csrf": csrf})  # signing out never needs MFA
        assert out.status_code == 303



def test_SA_2_a_provider_that_cannot_be_reached_is_a_clear_refusal(console: Console) -> None:
    browser = httpx.Client(timeout=30)  # no provider listens on the issuer's port (no idp fixture)
    refused = _start(browser, console, "rita")
    assert refused.status_code == 503 and "idp_unavailable" in refused.text and "Sign-in refused" in refused.text
    assert browser.cookies.get(ATTEMPT) is None
