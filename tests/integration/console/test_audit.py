"""The auditor's console over plain HTTP, on SQLite and PostgreSQL: an interaction's citations traced to
the source files, the raw tier behind a recorded reveal, search filters (guard verdict, model, time,
review outcome; the same through the API), and the ledger page (heads, verify, bundle download)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from sqlalchemy import select, text

from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.offline import verify_bundle
from charter.ledger.tables import ledger_entries
from charter.oversight.tables import review_items
from charter.store.schema import interactions
from tests.integration.console.conftest import ALWAYS, BASE_CHARTER, Console, csrf_of
from tests.integration.knowledge.test_gateway import GUIDE, _kb


def _answered(console: Console, question: str = "How do I file?") -> str:
    r = console.ask(question)
    assert r.status_code == 200, r.text
    interaction_id: str = r.json()["charter"]["interaction_id"]
    return interaction_id


def _entries(console: Console, action: str) -> list[Any]:
    with console.platform.rt.engine.connect() as conn:
        return list(conn.execute(select(ledger_entries).where(ledger_entries.c.action == action)
                                 .order_by(ledger_entries.c.seq)).all())


def _listed(client: httpx.Client, query: str) -> set[str]:
    r = client.get(f"/console/interactions?{query}")
    assert r.status_code == 200, r.text
    return set(re.findall(r'href="/console/interactions/(int_[0-9a-z]+)"', r.text))


def test_at4_an_auditor_reveals_the_raw_tier_with_a_reason_the_ledger_records(console: Console) -> None:
    iid = _answered(console, "My account 12345678 was charged twice")
    auditor = console.signed_in("auditor")
    page = auditor.get(f"/console/interactions/{iid}")
    assert "Reveal the raw tier" in page.text and "12345678" not in page.text
    assert _entries(console, "raw.read") == []
    r = auditor.post(f"/console/interactions/{iid}/raw", data={"csrf": csrf_of(page.text), "reason": "complaint 7"})
    assert r.status_code == 200, r.text
    assert "My account 12345678 was charged twice" in r.text and console.platform.upstream.reply in r.text
    assert r.headers["cache-control"] == "no-store"
    reads = _entries(console, "raw.read")
    assert [(e.subject, json.loads(e.event)["reason"]) for e in reads] == [(iid, "complaint 7")]
    assert f"entry {reads[0].seq}" in r.text and "complaint 7" in r.text


def test_at4_only_an_auditor_may_reveal_and_only_with_a_reason_and_the_forms_token(console: Console) -> None:
    iid = _answered(console)
    for role in ("admin", "developer"):
        client = console.signed_in(role)
        page = client.get(f"/console/interactions/{iid}")
        assert page.status_code == 200 and "Reveal the raw tier" not in page.text, role
        r = client.post(f"/console/interactions/{iid}/raw", data={"csrf": csrf_of(page.text), "reason": "curious"})
        assert r.status_code == 403 and "role_not_allowed" in r.text, role
    reviewer = console.signed_in("reviewer")
    r = reviewer.post(f"/console/interactions/{iid}/raw", data={"csrf": console.csrf(reviewer), "reason": "curious"})
    assert r.status_code == 403 and "role_not_allowed" in r.text
    auditor = console.signed_in("auditor")
    csrf = console.csrf(auditor, f"/console/interactions/{iid}")
    r = auditor.post(f"/console/interactions/{iid}/raw", data={"csrf": csrf, "reason": "   "})
    assert r.status_code == 400 and "missing_field" in r.text
    r = auditor.post(f"/console/interactions/{iid}/raw", data={"reason": "complaint 7"})
    assert r.status_code == 403 and "csrf_failed" in r.text
    r = auditor.post(f"/console/interactions/{iid}/raw", data={"csrf": "x" * 40, "reason": "complaint 7"})
    assert r.status_code == 403 and "csrf_failed" in r.text
    r = auditor.post("/console/interactions/int_nope/raw", data={"csrf": csrf, "reason": "complaint 7"})
    assert r.status_code == 404
    assert _entries(console, "raw.read") == []  # nothing refused was read or recorded


def test_pc3_an_interaction_shows_its_citations_traced_to_the_source_file(console: Console) -> None:
    platform = console.platform
    plain = _answered(console, "Hello")  # before the use case has a knowledge base
    _kb(platform, "tax-guide", GUIDE)
    console.apply(BASE_CHARTER + "knowledge_bases: [tax-guide]\ntop_k: 3\n")
    platform.upstream.reply = "The filing deadline is April 30 [1]."
    iid = _answered(console, "When is the filing deadline for individual returns?")
    with httpx.Client(base_url=console.url) as http:
        lineage = http.get(f"/api/v1/interactions/{iid}/lineage", headers=platform.auth("auditor")).json()
    document = lineage["citations"][0]["document"]
    auditor = console.signed_in("auditor")
    page = auditor.get(f"/console/interactions/{iid}").text
    assert "tax-guide.md" in page and document["checksum"] in page and document["id"] in page
    assert "tax-guide, version 1" in page and "April 30" in page and "https://agency.gov/tax-guide" in page
    developer = console.signed_in("developer").get(f"/console/interactions/{iid}").text
    assert "tax-guide.md" not in developer and "shown to admins and auditors" in developer
    page = auditor.get(f"/console/interactions/{plain}").text
    assert "tax-guide.md" not in page and "No knowledge-base chunk was passed to the model" in page


def test_at4_search_filters_by_verdict_model_time_and_review_outcome_as_the_api_does(console: Console) -> None:
    plain = _answered(console)
    console.apply(ALWAYS)
    held = []
    for question in ("When is the deadline?", "Can I file late?"):
        r = console.ask(question)
        assert r.status_code == 202, r.text
        held.append(r.json()["review"]["id"])
    with console.platform.rt.engine.connect() as conn:
        by_review = dict(conn.execute(select(review_items.c.id, review_items.c.interaction_id)).all())
        verdicts = dict(conn.execute(select(interactions.c.id, interactions.c.verdicts)).all())
    approved, pending = by_review[held[0]], by_review[held[1]]
    reviewer = console.signed_in("reviewer")
    csrf = console.csrf(reviewer, "/console/review")
    assert reviewer.post(f"/console/review/{held[0]}/claim", data={"csrf": csrf}).status_code == 303
    assert reviewer.post(f"/console/review/{held[0]}/approve", data={"csrf": csrf}).status_code == 200

    outcomes = {iid: {v["outcome"] for v in vs} for iid, vs in verdicts.items()}
    only_held = sorted(outcomes[approved] - outcomes[plain])
    assert only_held, outcomes
    everything = {plain, approved, pending}
    cases = {
        "": everything,
        "review=approved": {approved},
        "review=pending": {pending},
        "review=none": {plain},
        f"verdict={only_held[0]}": {approved, pending},
        "verdict=fail": set(),
        "model=mock": everything,
        "model=other": set(),
        "since=2000-01-01T00:00": everything,
        "since=2999-01-01T00:00": set(),
        "until=2000-01-01": set(),
        "until=2999-01-01&review=approved&model=mock": {approved},
    }
    auditor = console.signed_in("auditor")
    with httpx.Client(base_url=console.url, headers=console.platform.auth("auditor")) as api:
        for query, expected in cases.items():
            assert _listed(auditor, query) == expected, query
            listed = api.get(f"/api/v1/interactions?{query}")
            assert listed.status_code == 200, listed.text
            assert {i["id"] for i in listed.json()} == expected, query
        for query in ("verdict=bogus", "review=maybe"):
            r = api.get(f"/api/v1/interactions?{query}")
            assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_value", query
    for query in ("verdict=bogus", "review=maybe", "since=yesterday"):
        r = auditor.get(f"/console/interactions?{query}")
        assert r.status_code == 400 and "invalid_value" in r.text, query
    page = auditor.get(f"/console/interactions?review=approved&verdict={only_held[0]}").text
    assert '<option value="approved" selected>' in page and f'<option value="{only_held[0]}" selected>' in page


def test_at2_the_ledger_page_shows_signed_heads_and_verifies_on_demand(console: Console) -> None:
    _answered(console)
    checkpoint_now(console.platform.rt)
    _answered(console, "And refunds?")
    checkpoint_now(console.platform.rt)
    auditor = console.signed_in("auditor")
    page = auditor.get("/console/ledger")
    assert page.status_code == 200, page.text
    assert page.text.count("signature verified") >= 2 and "interaction.recorded" in page.text
    r = auditor.post("/console/ledger/verify", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 200 and "Verified: this tenant&#39;s view" in r.text, r.text
    platform = console.platform
    platform.keys["operator"] = platform.key("admin", use_case=None, platform=True, name="operator")
    operator = console.signed_in("operator")
    r = operator.post("/console/ledger/verify", data={"csrf": console.csrf(operator, "/console/ledger")})
    assert r.status_code == 200 and "Verified: the whole ledger" in r.text, r.text
    for role in ("reviewer", "developer"):
        client = console.signed_in(role)
        assert client.get("/console/ledger").status_code == 403, role
        r = client.post("/console/ledger/verify", data={"csrf": console.csrf(client)})
        assert r.status_code == 403 and "role_not_allowed" in r.text, role

    # a head whose signature no longer matches what it signs is shown and reported as such
    with platform.rt.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_checkpoints SET ts = '2030-01-01T00:00:00.000000Z' "
                          "WHERE tree_size = (SELECT MIN(tree_size) FROM ledger_checkpoints)"))
    page = auditor.get("/console/ledger")
    assert "FAILED: the signature does not verify" in page.text
    r = auditor.post("/console/ledger/verify", data={"csrf": csrf_of(page.text)})
    assert "Verification FAILED" in r.text and "forged_checkpoint" in r.text
    r = operator.post("/console/ledger/verify", data={"csrf": console.csrf(operator, "/console/ledger")})
    assert "Verification FAILED: the whole ledger" in r.text and "forged_checkpoint" in r.text


def test_at4_an_auditor_downloads_a_bundle_that_verifies_offline_and_the_export_is_recorded(
    console: Console,
) -> None:
    _answered(console)
    checkpoint_now(console.platform.rt)
    auditor = console.signed_in("auditor")
    csrf = console.csrf(auditor, "/console/ledger")
    r = auditor.post("/console/ledger/export", data={"csrf": csrf, "since": "", "until": ""})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert re.fullmatch(r'attachment; filename="charter-ledger-\d+-\d+\.json"', r.headers["content-disposition"])
    bundle = r.json()
    checked = verify_bundle(bundle)
    assert checked["ok"] and checked["entries"] >= 1
    assert bundle["range"]["tenant_id"] == console.platform.tenant_id
    assert any(e.get("action") == "interaction.recorded" for e in bundle["entries"])
    exports = _entries(console, "ledger.exported")
    assert len(exports) == 1 and exports[0].seq == bundle["export_seq"]
    r = auditor.post("/console/ledger/export", data={"csrf": csrf, "since": "2026-02-01", "until": "2026-01-01"})
    assert r.status_code == 400 and "invalid_value" in r.text
    r = auditor.post("/console/ledger/export", data={"since": ""})
    assert r.status_code == 403 and "csrf_failed" in r.text
    reviewer = console.signed_in("reviewer")
    r = reviewer.post("/console/ledger/export", data={"csrf": console.csrf(reviewer)})
    assert r.status_code == 403 and "role_not_allowed" in r.text
    assert len(_entries(console, "ledger.exported")) == 1
