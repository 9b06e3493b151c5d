"""The console over plain HTTP (no browser), on SQLite and PostgreSQL: sign-in and sessions, CSRF,
security headers, and every page's role and tenant checks, which must match the API's."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from sqlalchemy import select, update

from charter.api.deps import key_cache
from charter.identity.tables import console_sessions
from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.tables import ledger_entries
from charter.policy.service import ensure_tenant
from tests.integration.console.conftest import ALWAYS, BASE_CHARTER, Console, csrf_of


def _held(console: Console, text: str = "When is the filing deadline?") -> str:
    r = console.ask(text)
    assert r.status_code == 202, r.text
    review_id: str = r.json()["review"]["id"]
    return review_id


def _actions(console: Console, action_prefix: str) -> list[str]:
    with console.platform.rt.engine.connect() as conn:
        rows = conn.execute(select(ledger_entries.c.action).order_by(ledger_entries.c.seq)).scalars()
        return [a for a in rows if a.startswith(action_prefix)]


def test_sa_sign_in_opens_a_server_side_session_with_a_strict_httponly_cookie(console: Console) -> None:
    client = console.client()
    r = console.sign_in(client, "reviewer")
    assert r.status_code == 303 and r.headers["location"] == "/console/"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("charter_console="))
    token = cookie.split(";")[0].split("=", 1)[1]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= flags
    assert "secure" not in flags  # plain HTTP on loopback; behind TLS the cookie is __Host- and Secure
    with console.platform.rt.engine.connect() as conn:
        rows = conn.execute(select(console_sessions)).all()
    assert len(rows) == 1
    assert rows[0].token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(v) for v in rows[0]}  # only the hash is stored
    assert _actions(console, "console.") == ["console.signed_in"]
    home = client.get("/console/")
    assert home.status_code == 200 and "Signed in as <strong>reviewer</strong>" in home.text


def test_sa_every_console_response_carries_the_security_headers(console: Console) -> None:
    client = console.signed_in("admin")
    for path in ("/console/sign-in", "/console/", "/console/usecases", "/console/static/console.css",
                 "/console/static/htmx.min.js", "/console/static/console.js", "/console/usecases/no-such-use-case"):
        r = client.get(path)
        assert r.status_code in (200, 404), (path, r.status_code)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
    page = client.get("/console/usecases")
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text and " style=" not in page.text and " on" + "click=" not in page.text


def test_sa_an_app_key_cannot_sign_in(console: Console) -> None:
    client = console.client()
    r = console.sign_in(client, "app")
    assert r.status_code == 403
    assert "role_not_allowed" in r.text and "cannot sign in" in r.text
    assert not any(h.startswith("charter_console=") for h in r.headers.get_list("set-cookie"))
    assert client.get("/console/").status_code == 303
    with console.platform.rt.engine.connect() as conn:
        assert conn.execute(select(console_sessions)).all() == []


def test_sa_an_unknown_key_is_refused(console: Console) -> None:
    client = console.client()
    page = client.get("/console/sign-in")
    r = client.post("/console/sign-in", data={"csrf": csrf_of(page.text), "key": "chk_00000000_nope"})
    assert r.status_code == 401 and "invalid_api_key" in r.text


def test_sa_a_form_without_its_csrf_token_is_refused(console: Console) -> None:
    client = console.client()
    client.get("/console/sign-in")
    r = client.post("/console/sign-in", data={"key": console.platform.keys["admin"]})
    assert r.status_code == 403 and "csrf_failed" in r.text
    admin = console.signed_in("admin")
    for data in ({"reason": "testing", "confirm": "yes"}, {"reason": "testing", "confirm": "yes", "csrf": "x" * 64}):
        r = admin.post("/console/usecases/tax-helpdesk/kill", data=data)
        assert r.status_code == 403 and "csrf_failed" in r.text
    assert console.ask().status_code == 200  # the switch was not flipped
    assert _actions(console, "kill_switch") == []


def test_sa_a_form_sent_from_another_site_is_refused(console: Console) -> None:
    admin = console.signed_in("admin")
    csrf = console.csrf(admin, "/console/usecases/tax-helpdesk")
    r = admin.post("/console/usecases/tax-helpdesk/kill", data={"csrf": csrf, "reason": "x", "confirm": "yes"},
                   headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and "csrf_failed" in r.text
    assert console.ask().status_code == 200


@pytest.mark.parametrize(
    ("role", "path", "allowed"),
    [
        ("reviewer", "/console/review", True),
        ("admin", "/console/review", True),
        ("developer", "/console/review", False),
        ("auditor", "/console/review", False),
        ("reviewer", "/console/interactions", False),
        ("auditor", "/console/interactions", True),
        ("developer", "/console/interactions", True),
        ("auditor", "/console/usecases", True),
        ("reviewer", "/console/usecases/tax-helpdesk", True),
    ],
)
def test_sa_pages_check_the_role_as_the_api_does(console: Console, role: str, path: str, allowed: bool) -> None:
    r = console.signed_in(role).get(path)
    if allowed:
        assert r.status_code == 200, r.text
    else:
        assert r.status_code == 403 and "role_not_allowed" in r.text


def test_sa_only_an_admin_flips_the_kill_switch(console: Console) -> None:
    for role in ("reviewer", "auditor", "developer"):
        client = console.signed_in(role)
        csrf = console.csrf(client, "/console/usecases/tax-helpdesk")
        r = client.post("/console/usecases/tax-helpdesk/kill", data={"csrf": csrf, "reason": "x", "confirm": "yes"})
        assert r.status_code == 403 and "role_not_allowed" in r.text, role
    assert console.ask().status_code == 200


def test_sa_another_tenants_person_sees_nothing_of_this_tenant(console: Console) -> None:
    console.apply(ALWAYS)
    review_id = _held(console)
    interaction = console.requester_view(review_id)
    assert interaction.status_code == 202
    platform = console.platform
    platform.rt.writer.write(lambda c: ensure_tenant(c, "other"))
    for role in ("reviewer", "admin"):
        platform.keys[f"other-{role}"] = platform.key(role, use_case=None, tenant="other")
    reviewer = console.signed_in("other-reviewer")
    assert "No" + "thing here." in reviewer.get("/console/review").text
    assert reviewer.get(f"/console/review/{review_id}").status_code == 404
    csrf = console.csrf(reviewer, "/console/review")
    assert reviewer.post(f"/console/review/{review_id}/claim", data={"csrf": csrf}).status_code == 404
    admin = console.signed_in("other-admin")
    assert admin.get("/console/usecases/tax-helpdesk").status_code == 404
    csrf = console.csrf(admin, "/console/usecases")
    r = admin.post("/console/usecases/tax-helpdesk/kill", data={"csrf": csrf, "reason": "x", "confirm": "yes"})
    assert r.status_code == 404
    with platform.rt.engine.connect() as conn:
        interaction_id = conn.execute(select(ledger_entries.c.subject).where(
            ledger_entries.c.action == "interaction.recorded")).scalars().first()
    assert interaction_id is not None
    assert admin.get(f"/console/interactions/{interaction_id}").status_code == 404


def test_ho1_a_reviewer_edits_a_held_answer_and_the_requester_receives_exactly_the_edit(console: Console) -> None:
    console.apply(ALWAYS)
    review_id = _held(console)
    reviewer = console.signed_in("reviewer")
    queue = reviewer.get("/console/review")
    assert review_id in queue.text and "due in" in queue.text
    csrf = csrf_of(queue.text)
    assert reviewer.post(f"/console/review/{review_id}/claim", data={"csrf": csrf}).status_code == 303
    page = reviewer.get(f"/console/review/{review_id}")
    assert "It may be wrong" in page.text and console.platform.upstream.reply in page.text
    edited = "File by April 30.\r\nLate filing costs 5% of the balance owing."
    diff = reviewer.post(f"/console/review/{review_id}/diff",
                         data={"csrf": csrf, "proposed": console.platform.upstream.reply, "text": edited})
    assert diff.status_code == 200 and "<ins>+File by April 30.</ins>" in diff.text
    r = reviewer.post(f"/console/review/{review_id}/edit", data={"csrf": csrf, "text": edited, "comment": "dates"})
    assert r.status_code == 200 and "Recorded: edited" in r.text
    released = console.requester_view(review_id)
    assert released.status_code == 200
    assert released.json()["choices"][0]["message"]["content"] == edited.replace("\r\n", "\n")
    assert _actions(console, "review.") == ["review.opened", "review.viewed", "review.edited"]


def test_ho1_reject_needs_a_reason(console: Console) -> None:
    console.apply(ALWAYS)
    review_id = _held(console)
    reviewer = console.signed_in("reviewer")
    csrf = console.csrf(reviewer, "/console/review")
    reviewer.post(f"/console/review/{review_id}/claim", data={"csrf": csrf})
    r = reviewer.post(f"/console/review/{review_id}/reject", data={"csrf": csrf, "reason": "  "})
    assert r.status_code == 400 and "missing_field" in r.text
    assert console.requester_view(review_id).status_code == 202


def test_ho5_the_kill_switch_needs_a_reason_and_a_confirmation(console: Console) -> None:
    admin = console.signed_in("admin")
    csrf = console.csrf(admin, "/console/usecases/tax-helpdesk")
    r = admin.post("/console/usecases/tax-helpdesk/kill", data={"csrf": csrf, "reason": ""})
    assert r.status_code == 400 and "missing_field" in r.text
    r = admin.post("/console/usecases/tax-helpdesk/kill", data={"csrf": csrf, "reason": "wrong dates in answers"})
    assert r.status_code == 200 and "Yes, switch it off" in r.text
    assert console.ask().status_code == 200  # asked, not yet flipped
    r = admin.post("/console/usecases/tax-helpdesk/kill",
                   data={"csrf": csrf, "reason": "wrong dates in answers", "confirm": "yes"})
    assert r.status_code == 303
    refused = console.ask()
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "use_case_suspended"
    assert "wrong dates in answers" in admin.get("/console/usecases/tax-helpdesk").text
    assert _actions(console, "kill_switch") == ["kill_switch.on"]


def test_sa_a_session_ends_on_sign_out_on_revocation_and_when_idle(console: Console) -> None:
    client = console.signed_in("reviewer")
    csrf = console.csrf(client)
    assert client.post("/console/sign-out", data={"csrf": csrf}).status_code == 303
    assert client.get("/console/review").status_code == 303  # back to the sign-in page

    idle = console.signed_in("reviewer")
    assert idle.get("/console/review").status_code == 200
    then = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=console.platform.rt.settings.console_idle_timeout_s + 1)
    console.platform.rt.writer.write(
        lambda c: c.execute(update(console_sessions).where(console_sessions.c.ended_at.is_(None)).values(
            last_seen_at=then))
    )
    r = idle.get("/console/review")
    assert r.status_code == 303 and r.headers["location"].startswith("/console/sign-in?next=")

    platform = console.platform
    platform.keys["temp"] = platform.key("reviewer", use_case=None, name="temporary")
    temp = console.signed_in("temp")
    assert temp.get("/console/review").status_code == 200
    key_id = console_key_id(console, "temp")
    admin_auth = platform.auth("admin")
    with console.client() as http:
        assert http.delete(f"/api/v1/keys/{key_id}", headers=admin_auth).status_code == 200
    assert temp.get("/console/review").status_code == 303
    assert _actions(console, "console.signed_out") == ["console.signed_out"]


def console_key_id(console: Console, role: str) -> str:
    return key_cache(console.platform.rt).authenticate(console.platform.keys[role]).key_id


def test_ho1_four_eyes_shows_the_second_reviewer_who_approved_first(console: Console) -> None:
    console.apply(BASE_CHARTER + "review: {always: true, four_eyes: true}\n")
    review_id = _held(console)
    platform = console.platform
    platform.keys["reviewer2"] = platform.key("reviewer", use_case=None, name="second reviewer")
    first = console.signed_in("reviewer")
    csrf = console.csrf(first, "/console/review")
    first.post(f"/console/review/{review_id}/claim", data={"csrf": csrf})
    r = first.post(f"/console/review/{review_id}/approve", data={"csrf": csrf, "comment": "dates checked"})
    assert r.status_code == 200 and "Another reviewer must approve it too" in r.text
    assert console.requester_view(review_id).status_code == 202
    # the first reviewer cannot approve twice
    r = first.post(f"/console/review/{review_id}/claim", data={"csrf": csrf})
    assert r.status_code == 403 and "out_of_scope" in r.text

    second = console.signed_in("reviewer2")
    csrf2 = console.csrf(second, "/console/review")
    assert second.post(f"/console/review/{review_id}/claim", data={"csrf": csrf2}).status_code == 303
    page = second.get(f"/console/review/{review_id}").text
    first_id = console_key_id(console, "reviewer")
    assert "Four-eyes: 1 of 2 approvals" in page
    assert f"approved by <code>{first_id}</code>" in page and "dates checked" in page
    r = second.post(f"/console/review/{review_id}/approve", data={"csrf": csrf2})
    assert r.status_code == 200 and "The decision is final" in r.text
    assert console.requester_view(review_id).status_code == 200


def test_at4_an_interaction_shows_its_verdicts_versions_and_ledger_entry_with_its_proof_checked(
    console: Console,
) -> None:
    assert console.ask("How do I file?").status_code == 200
    auditor = console.signed_in("auditor")
    listing = auditor.get("/console/interactions?use_case=tax-helpdesk&status=ok")
    assert listing.status_code == 200
    ids = re.findall(r'href="/console/interactions/(int_[0-9a-z]+)"', listing.text)
    assert len(ids) == 1
    page = auditor.get(f"/console/interactions/{ids[0]}").text
    assert "interaction.recorded" in page and "mock-model-7b" in page and "charter version 1" in page
    assert "not checked" in page  # no signed head covers it yet
    checkpoint_now(console.platform.rt)
    page = auditor.get(f"/console/interactions/{ids[0]}").text
    assert "verified against the signed head of size" in page and "FAILED" not in page
    assert "How do I file?" not in page  # the redacted tier only
    assert auditor.get("/console/interactions?status=held").text.count('href="/console/interactions/int_') == 0


def test_md4_a_charter_version_shows_what_changed_from_the_one_before(console: Console) -> None:
    console.apply(BASE_CHARTER.replace("Answers questions about filing taxes.", "Answers tax questions."))
    developer = console.signed_in("developer")
    page = developer.get("/console/usecases/tax-helpdesk").text
    assert 'href="/console/usecases/tax-helpdesk/versions/2">Version 2</a> (in force)' in page
    diff = developer.get("/console/usecases/tax-helpdesk/versions/2").text
    assert "<del>-description: Answers questions about filing taxes.</del>" in diff
    assert "<ins>+description: Answers tax questions.</ins>" in diff
    assert "The first version" in developer.get("/console/usecases/tax-helpdesk/versions/1").text
    assert developer.get("/console/usecases/tax-helpdesk/versions/3").status_code == 404
    assert developer.get("/console/usecases/tax-helpdesk/versions/x").status_code == 400


def test_sa_signing_in_again_ends_the_session_the_browser_held(console: Console) -> None:
    client = console.signed_in("reviewer")
    assert console.sign_in(client, "admin").status_code == 303
    with console.platform.rt.engine.connect() as conn:
        ended = [r.ended_at is not None for r in conn.execute(
            select(console_sessions).order_by(console_sessions.c.created_at)).all()]
    assert ended == [True, False]
    assert "Signed in as <strong>admin</strong>" in client.get("/console/").text


def test_sa_rows_of_sessions_long_past_their_end_are_deleted_at_the_next_sign_in(console: Console) -> None:
    console.signed_in("reviewer")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    console.platform.rt.writer.write(lambda c: c.execute(update(console_sessions).values(expires_at=long_ago)))
    console.signed_in("auditor")
    with console.platform.rt.engine.connect() as conn:
        assert len(conn.execute(select(console_sessions)).all()) == 1
