"""The reviewers' side of the console over plain HTTP, on SQLite and PostgreSQL: expert scoring of
sampled answers sentence by sentence (labels and notes, stored, shown per reviewer, exported, the same
through /api/v1), teams and queue assignments (assigned items offered to their assignees first),
progress per reviewer, focus mode, and the citizen chat served by two replicas from the store."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from charter.api.deps import key_cache
from charter.console.citizen import Citizen as ChatVisitor
from charter.ledger.tables import ledger_entries
from charter.oversight.tables import expert_samples, expert_scores, review_items
from charter.principals.keys import create_key
from charter.runtime import Runtime
from charter.store.schema import tenants
from tests.integration.console.conftest import ALWAYS, BASE_CHARTER, Console, csrf_of
from tests.integration.console.test_citizen import CHAT, HELD, Citizen
from tests.integration.knowledge.test_gateway import _kb
from tests.integration.oversight.test_gateway_holds import FeeGuard
from tests.support.live import LiveCharter

SAMPLED = BASE_CHARTER + "review: {sample_rate: 1.0}\n"
ANSWER = "File by April 30. Late filing costs 5% a month. Call us on Sundays."


def _sample(console: Console) -> str:
    console.platform.upstream.reply = ANSWER
    r = console.ask("When is the filing deadline?")
    assert r.status_code == 200, r.text
    with console.platform.rt.engine.connect() as conn:
        return str(conn.execute(select(expert_samples.c.id).order_by(expert_samples.c.created_at.desc())).scalars()
                   .first())


def _reviewer_key(console: Console, name: str) -> tuple[str, str]:
    """A second reviewer: (key id, secret)."""
    platform = console.platform

    def make(conn: Any) -> tuple[str, str]:
        tid = conn.execute(select(tenants.c.id).where(tenants.c.name == "agency")).scalar_one()
        made = create_key(conn, tenant_id=tid, role="reviewer", actor="test", name=name)
        return made.id, made.key

    key_id, secret = platform.rt.writer.write(make)
    platform.keys[name] = secret
    return key_id, secret


def _key_id(console: Console, role: str) -> str:
    return key_cache(console.platform.rt).authenticate(console.platform.keys[role]).key_id


def _post(console: Console, client: httpx.Client, page: str, path: str, **fields: str) -> httpx.Response:
    return client.post(path, data={"csrf": console.csrf(client, page), **fields})


def test_me3_an_expert_scores_a_sampled_answer_sentence_by_sentence_in_the_console(console: Console) -> None:
    console.apply(SAMPLED)
    sample_id = _sample(console)
    reviewer = console.signed_in("reviewer")
    queue = reviewer.get("/console/review/samples")
    assert queue.status_code == 200 and sample_id in queue.text
    taken = _post(console, reviewer, "/console/review/samples", "/console/review/samples/next")
    assert taken.status_code == 303 and taken.headers["location"] == f"/console/review/samples/{sample_id}"
    page = reviewer.get(taken.headers["location"])
    assert page.status_code == 200
    for sentence in ("File by April 30.", "Late filing costs 5% a month.", "Call us on Sundays."):
        assert sentence in page.text
    assert page.text.count('type="radio" name="label-') == 3 * 4
    missing = reviewer.post(f"/console/review/samples/{sample_id}/score",
                            data={"csrf": csrf_of(page.text), "sentences": "3", "label-0": "correct", "citation": ""})
    assert missing.status_code == 400 and "missing_field" in missing.text
    scored = reviewer.post(f"/console/review/samples/{sample_id}/score", data={
        "csrf": csrf_of(page.text), "sentences": "3", "label-0": "correct", "label-1": "unsupported",
        "note-1": "the guide says 5% once, not monthly", "label-2": "harmful", "note-2": "we are closed on Sundays",
        "citation": "0.5", "comment": "=HYPERLINK(1)"})
    assert scored.status_code == 303, scored.text
    shown = reviewer.get(f"/console/review/samples/{sample_id}")
    assert "Unsupported by the sources" in shown.text and "Harmful" in shown.text
    assert "the guide says 5% once, not monthly" in shown.text
    with console.platform.rt.engine.connect() as conn:
        row = conn.execute(select(expert_scores)).one()
        events = [json.loads(e) for e in conn.execute(
            select(ledger_entries.c.event).where(ledger_entries.c.action == "sample.scored")).scalars()]
    assert row.sentence_labels == ["correct", "unsupported", "harmful"]
    assert row.sentence_scores == [1.0, 0.5, 0.0]
    assert row.sentence_notes == ["", "the guide says 5% once, not monthly", "we are closed on Sundays"]
    assert row.accuracy == 0.5 and row.citation_score == 0.5
    assert events[0]["labels"] == {"correct": 1, "unsupported": 1, "wrong": 0, "harmful": 1}
    # shown per reviewer, and exported (CSV cells a spreadsheet will not run as formulas)
    scores = reviewer.get("/console/review/scores")
    assert scores.status_code == 200 and row.scorer in scores.text
    exported = reviewer.get("/console/review/scores/export?format=csv")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(exported.text)))
    assert [line["sample_id"] for line in lines] == [sample_id]
    assert json.loads(lines[0]["sentence_labels"]) == ["correct", "unsupported", "harmful"]
    assert json.loads(lines[0]["sentence_notes"])[2] == "we are closed on Sundays"
    assert lines[0]["comment"] == "'=HYPERLINK(1)"  # a spreadsheet shows it, never runs it
    as_json = reviewer.get("/console/review/scores/export?format=json").json()
    assert as_json["scorers"][0]["labels"] == {"correct": 1, "unsupported": 1, "wrong": 0, "harmful": 1}
    assert ANSWER not in exported.text and "April 30" not in json.dumps(as_json)  # never the answer itself
    # the API gives the same
    with console.client() as http:
        api = http.get("/api/v1/expert-scores", headers=console.platform.auth("auditor")).json()
        assert api["scores"][0]["sentence_labels"] == ["correct", "unsupported", "harmful"]
        assert http.get("/api/v1/expert-scores", headers=console.platform.auth("developer")).status_code == 403
    auditor = console.signed_in("auditor")
    assert auditor.get("/console/review/scores").status_code == 200
    assert auditor.get(f"/console/review/samples/{sample_id}").status_code == 403
    _the_api_takes_labels_or_numbers_but_not_both(console)


def _the_api_takes_labels_or_numbers_but_not_both(console: Console) -> None:
    sample_id = _sample(console)
    auth = console.platform.auth("reviewer")
    with console.client() as http:
        listed = http.get("/api/v1/samples", headers=auth).json()
        assert [s["id"] for s in listed] == [sample_id] and listed[0]["sentences"] == 3
        assert http.post(f"/api/v1/samples/{sample_id}/claim", headers=auth).status_code == 200
        both = http.post(f"/api/v1/samples/{sample_id}/score", headers=auth,
                         json={"sentence_scores": [1, 1, 1], "sentence_labels": ["correct"] * 3})
        assert both.status_code == 400 and both.json()["error"]["code"] == "invalid_value"
        short = http.post(f"/api/v1/samples/{sample_id}/score", headers=auth, json={"sentence_labels": ["correct"]})
        assert short.status_code == 400 and short.json()["error"]["param"] == "sentence_labels"
        unknown = http.post(f"/api/v1/samples/{sample_id}/score", headers=auth,
                            json={"sentence_labels": ["correct", "maybe", "wrong"]})
        assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "invalid_value"
        notes = http.post(f"/api/v1/samples/{sample_id}/score", headers=auth,
                          json={"sentence_labels": ["correct", "wrong", "wrong"], "sentence_notes": ["x"]})
        assert notes.status_code == 400 and notes.json()["error"]["param"] == "sentence_notes"
        ok = http.post(f"/api/v1/samples/{sample_id}/score", headers=auth,
                       json={"sentence_labels": ["correct", "wrong", "wrong"], "sentence_notes": ["", "no", ""]})
        assert ok.status_code == 200, ok.text
        assert ok.json()["accuracy"] == round(1 / 3, 4)
        again = http.post(f"/api/v1/samples/{sample_id}/score", headers=auth, json={"sentence_scores": [1, 1, 1]})
        assert again.status_code == 409


def test_ho1_assigned_items_are_offered_to_their_assignees_first(console: Console) -> None:
    console.apply(ALWAYS)
    first = console.ask("first question").json()["review"]["id"]
    second = console.ask("second question").json()["review"]["id"]
    night_id, _ = _reviewer_key(console, "night")
    admin = console.signed_in("admin")
    made = _post(console, admin, "/console/review/teams", "/console/review/teams", name="night-shift",
                 description="after hours")
    assert made.status_code == 303, made.text
    added = _post(console, admin, "/console/review/teams", "/console/review/teams/night-shift/members", member=night_id)
    assert added.status_code == 303, added.text
    assigned = _post(console, admin, "/console/review/teams", "/console/review/assignments", use_case="tax-helpdesk",
                     assignee="team:night-shift")
    assert assigned.status_code == 303, assigned.text
    # the reviewer outside the team is not offered the team's items while they are within their SLA
    day = console.signed_in("reviewer")
    taken = _post(console, day, "/console/review", "/console/review/next")
    assert taken.headers["location"] == "/console/review?empty=1"
    queue = day.get("/console/review")
    assert "team night-shift" in queue.text and first in queue.text  # still listed, and claimable by id
    night = console.signed_in("night")
    assert "team night-shift (yours)" in night.get("/console/review?mine=true").text
    taken = _post(console, night, "/console/review", "/console/review/next", focus="1")
    assert taken.headers["location"] == f"/console/review/{first}?focus=1"
    page = night.get(taken.headers["location"])
    assert "Focus mode" in page.text and 'name="focus" value="1"' in page.text
    # focus mode: the decision opens the next item at once
    decided = night.post(f"/console/review/{first}/approve", data={"csrf": csrf_of(page.text), "focus": "1"})
    assert decided.status_code == 303
    assert decided.headers["location"] == f"/console/review/{second}?focus=1&done={first}%3Aapproved"
    assert f"Recorded: approved for {first}" in night.get(decided.headers["location"]).text
    page = night.get(f"/console/review/{second}?focus=1")
    done = night.post(f"/console/review/{second}/reject", data={"csrf": csrf_of(page.text), "focus": "1",
                                                               "reason": "wrong year"})
    assert done.headers["location"] == "/console/review?empty=1"
    # progress per reviewer
    third = console.ask("third question").json()["review"]["id"]
    with console.platform.rt.engine.connect() as conn:
        assert conn.execute(select(review_items.c.status).where(review_items.c.id == third)).scalar() == "pending"
    progress = night.get("/console/review/progress")
    assert progress.status_code == 200
    with console.client() as http:
        progress_rows = http.get("/api/v1/review-progress", headers=console.platform.auth("admin")).json()
        rows = {r["reviewer"]: r for r in progress_rows}
        assert rows[night_id]["decided_today"] == 2 and rows[night_id]["open"] == 1
        assert rows[night_id]["teams"] == ["night-shift"] and rows[night_id]["sla_breaches"] == 0
        teams = http.get("/api/v1/review-teams", headers=console.platform.auth("reviewer")).json()
        assert [(t["name"], t["members"]) for t in teams] == [("night-shift", [night_id])]
        listed = http.get("/api/v1/review-assignments", headers=console.platform.auth("reviewer")).json()
        assert [(a["use_case"], a["assignee_kind"], a["assignee"]) for a in listed] == [
            ("tax-helpdesk", "team", "night-shift")]
    # one item assigned to one reviewer overrides the use case's team
    reviewer_id = _key_id(console, "reviewer")
    item = _post(console, admin, f"/console/review/{third}", "/console/review/assignments", review_id=third,
                 assignee=f"reviewer:{reviewer_id}", back="item")
    assert item.headers["location"] == f"/console/review/{third}"
    offered = _post(console, day, "/console/review", "/console/review/next")
    assert offered.headers["location"] == f"/console/review/{third}"
    with console.platform.rt.engine.connect() as conn:
        actions = list(conn.execute(select(ledger_entries.c.action).where(
            ledger_entries.c.action.like("review%"))).scalars())
    assert {"review_team.created", "review_team.member_added", "review.assigned"} <= set(actions)


def test_sa_only_admins_manage_teams_and_assignments(console: Console) -> None:
    reviewer = console.signed_in("reviewer")
    page = reviewer.get("/console/review/teams")
    assert page.status_code == 200 and "Create the team" not in page.text
    refused = _post(console, reviewer, "/console/review/teams", "/console/review/teams", name="x")
    assert refused.status_code == 403 and "role_not_allowed" in refused.text
    with console.client() as http:
        api = http.post("/api/v1/review-teams", json={"name": "x"}, headers=console.platform.auth("reviewer"))
        assert api.status_code == 403
        admin = console.platform.auth("admin")
        bad = http.post("/api/v1/review-teams", json={"name": "Bad Name"}, headers=admin)
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_value"
        assert http.post("/api/v1/review-teams", json={"name": "ok"}, headers=admin).status_code == 201
        assert http.post("/api/v1/review-teams", json={"name": "ok"}, headers=admin).status_code == 409
        not_reviewer = http.post("/api/v1/review-teams/ok/members", json={"member": "key_nobody"}, headers=admin)
        assert not_reviewer.status_code == 400 and not_reviewer.json()["error"]["param"] == "reviewer"
        nothing = http.post("/api/v1/review-assignments", json={"team": "ok"}, headers=admin)
        assert nothing.status_code == 400
        missing = http.post("/api/v1/review-assignments", json={"use_case": "tax-helpdesk", "team": "nope"},
                            headers=admin)
        assert missing.status_code == 404
    for path in ("/console/review/samples", "/console/review/progress", "/console/review/teams"):
        assert console.signed_in("developer").get(path).status_code == 403


def test_ho6_two_replicas_serve_one_citizen_from_the_store(console: Console) -> None:
    console.apply(HELD)
    console.platform.upstream.reply = "File by April 30."
    citizen = Citizen(console)
    page = citizen.ask("When is the filing deadline?")
    assert "Waiting for a person" in page.text
    other = Runtime.open(console.platform.rt.settings, migrate=False)
    replica = LiveCharter(other).start()
    try:
        with httpx.Client(base_url=replica.url, cookies=citizen.http.cookies, timeout=30) as there:
            shown = there.get(CHAT)
            assert "When is the filing deadline?" in shown.text and "Waiting for a person" in shown.text
            with console.platform.rt.engine.connect() as conn:
                review_id = conn.execute(select(review_items.c.id)).scalar_one()
            reviewer = console.platform.auth("reviewer")
            with console.client() as api:
                api.post(f"/api/v1/reviews/{review_id}/claim", headers=reviewer)
                api.post(f"/api/v1/reviews/{review_id}/edit", headers=reviewer, json={"text": "April 30, by midnight."})
            released = there.get(CHAT)
            assert "April 30, by midnight." in released.text and "Waiting for a person" not in released.text
            turn = there.get(CHAT + "/turns/1", headers={"hx-request": "true"})
            assert turn.status_code == 200 and "April 30, by midnight." in turn.text
            appeal = there.post(CHAT + "/turns/1/appeal", data={"csrf": csrf_of(released.text), "comment": "why?"})
            assert appeal.status_code == 303, appeal.text
        back = citizen.get()  # the first replica reads what the second wrote
        assert "April 30, by midnight." in back.text and "A person will look at this answer" in back.text
        stranger = Citizen(console).get()
        assert "When is the filing deadline?" not in stranger.text
        # an erasure request for the citizen (their conversation id is the request's user) takes the turns
        conversation = ChatVisitor(citizen.http.cookies["charter_citizen"], False).conversation_id
        with console.client() as api:
            erased = api.post("/api/v1/subjects/erase", headers=console.platform.auth("admin"),
                              json={"subject": conversation, "reason": "request 7"})
        assert erased.status_code == 200, erased.text
        assert erased.json()["counts"]["chat_turns"] == 1
        assert "When is the filing deadline?" not in citizen.get().text
    finally:
        replica.stop()
        other.close()


@pytest.mark.parametrize("database_url", [None])  # store-independent: SQLite only
def test_sa_console_cookies_are_secure_behind_a_tls_proxy_on_another_host(console: Console) -> None:
    """CHARTER_CONSOLE_SECURE_COOKIES=always: TLS ends at a proxy elsewhere and Charter sees plain HTTP,
    yet the session cookie is Secure and __Host- named, and HSTS is sent."""
    settings = console.platform.rt.settings.model_copy(update={"console_secure_cookies": "always"})
    behind = Runtime.open(settings, migrate=False)
    replica = LiveCharter(behind).start()
    try:
        with httpx.Client(base_url=replica.url, timeout=30) as client:
            page = client.get("/console/sign-in")
            signin = next(h for h in page.headers.get_list("set-cookie") if h.startswith("charter_console_signin="))
            assert "secure" in signin.lower()
            client.cookies.set("charter_console_signin", signin.split(";")[0].split("=", 1)[1])  # as the browser
            r = client.post("/console/sign-in", data={"csrf": csrf_of(page.text),
                                                      "key": console.platform.keys["reviewer"]})
            assert r.status_code == 303, r.text
            cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("__Host-charter_console="))
            flags = {part.strip().lower() for part in cookie.split(";")[1:]}
            assert {"secure", "httponly", "samesite=strict", "path=/"} <= flags
            assert r.headers["strict-transport-security"] == "max-age=31536000"
    finally:
        replica.stop()
        behind.close()


REFUNDS = (b"# Refunds\n\nA refund of the renewal fee is paid within eight weeks. For a refund write to "
           b"refunds.team@example.gov and quote your reference number.\n")


def test_ho1_the_decision_page_shows_question_redacted_context_findings_citations_answer_and_notice(
    console: Console,
) -> None:
    platform = console.platform
    platform.rt.extensions.items["guards"]["fee_check"] = lambda settings=None: FeeGuard()
    platform.rt.parts.pop("guards", None)
    _kb(platform, "refunds", REFUNDS)
    console.apply(BASE_CHARTER + "knowledge_bases: [refunds]\ntop_k: 3\nguards: {fee_check: {action: review}}\n"
                  "review: {on_guard_flag: true, sample_rate: 0.0}\n")
    platform.upstream.reply = "The renewal fee of $160 is refunded within eight weeks [1]."
    held = console.ask("How do I get a refund of the renewal fee?")
    assert held.status_code == 202, held.text
    review_id = held.json()["review"]["id"]
    reviewer = console.signed_in("reviewer")
    page = reviewer.get(f"/console/review/{review_id}")
    assert page.status_code == 200, page.text
    text = page.text
    assert "How do I get a refund of the renewal fee?" in text  # the question
    # the citation, its source and knowledge-base version
    assert "<strong>[1] Refunds</strong> — Refunds · knowledge base refunds version 1" in text
    assert "https://agency.gov/refunds" in text
    assert "&lt;EMAIL&gt;" in text and "refunds.team@example.gov" not in text  # the context, redacted
    start = platform.upstream.reply.index("$160")
    finding = f"<td>screen_output</td><td>review</td><td>fee_check: fee at characters {start}–{start + 4} (score 0.90)"
    assert finding in text  # the guard's finding: where, never the value
    assert f'<div class="answer text" id="proposed-text">{platform.upstream.reply}</div>' in text
    assert "reasons: guard:fee_check" in text
    assert '<div class="notice" role="note"><h2>Before you decide</h2><p>' in text and "It may be wrong" in text


def test_ho1_a_reviewer_releases_a_claimed_item_and_a_sample_for_others_to_take(console: Console) -> None:
    console.apply(ALWAYS)
    review_id = console.ask().json()["review"]["id"]
    _reviewer_key(console, "night")
    day, night = console.signed_in("reviewer"), console.signed_in("night")
    claimed = _post(console, day, "/console/review", f"/console/review/{review_id}/claim")
    assert claimed.status_code == 303 and claimed.headers["location"] == f"/console/review/{review_id}"
    assert "Another reviewer holds this item." in night.get(f"/console/review/{review_id}").text
    refused = _post(console, night, "/console/review", f"/console/review/{review_id}/release")
    assert refused.status_code == 409 and f"you do not hold a claim on review {review_id}" in refused.text
    released = _post(console, day, "/console/review", f"/console/review/{review_id}/release")
    assert released.status_code == 303 and released.headers["location"] == "/console/review"
    assert "Claim the item to decide it" in night.get(f"/console/review/{review_id}").text
    assert _post(console, night, "/console/review", f"/console/review/{review_id}/claim").status_code == 303
    auditor = console.signed_in("auditor")
    assert _post(console, auditor, "/console/", f"/console/review/{review_id}/release").status_code == 403

    console.apply(SAMPLED)
    sample_id = _sample(console)
    claimed = _post(console, day, "/console/review/samples", f"/console/review/samples/{sample_id}/claim")
    assert claimed.status_code == 303 and claimed.headers["location"] == f"/console/review/samples/{sample_id}"
    released = _post(console, day, "/console/review/samples", f"/console/review/samples/{sample_id}/release")
    assert released.status_code == 303 and released.headers["location"] == "/console/review/samples"
    taken = _post(console, night, "/console/review/samples", "/console/review/samples/next")
    assert taken.headers["location"] == f"/console/review/samples/{sample_id}"
    with console.platform.rt.engine.connect() as conn:
        holder = conn.execute(select(expert_samples.c.claimed_by).where(expert_samples.c.id == sample_id)).scalar()
    assert holder == _key_id(console, "night")


def test_ho1_the_queue_filters_by_status_use_case_reason_and_overdue_and_refreshes_its_rows(
    console: Console,
) -> None:
    console.apply(ALWAYS)
    first = console.ask("first question").json()["review"]["id"]
    second = console.ask("second question").json()["review"]["id"]
    reviewer = console.signed_in("reviewer")
    assert _post(console, reviewer, "/console/review", f"/console/review/{first}/claim").status_code == 303
    approved = _post(console, reviewer, f"/console/review/{first}", f"/console/review/{first}/approve")
    assert approved.status_code == 200, approved.text
    with httpx.Client(base_url=console.url) as api:
        reasons = api.get(f"/api/v1/reviews/{second}", headers=console.platform.auth("reviewer")).json()["reasons"]
    assert reasons

    def shown(query: str) -> set[str]:
        page = reviewer.get(f"/console/review?{query}")
        assert page.status_code == 200, page.text
        return {i for i in (first, second) if f'href="/console/review/{i}"' in page.text}

    assert shown("") == {second}  # pending by default
    assert shown("status=approved") == {first}
    assert shown(f"use_case=tax-helpdesk&reason={reasons[0]}") == {second}
    assert shown("use_case=another") == set() and shown("reason=guard:none") == set()
    assert shown("overdue=true") == set()  # within its SLA
    rows = reviewer.get("/console/review?status=approved", headers={"hx-request": "true"})  # the 30 s refresh
    assert rows.status_code == 200 and rows.text.startswith('<tbody id="queue-rows"') and first in rows.text
    assert "<html" not in rows.text
