"""Guards in the governed path over real HTTP: a scripted upstream on loopback plays the model, the
store is the test's own (SQLite, and PostgreSQL when CHARTER_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from charter.store.schema import interaction_raw, interactions, metadata
from tests.conftest import AGENCY_CHARTER, Platform

SSN, EMAIL, PHONE = "536-22-8731", "jo.tremblay@example.org", "613-555-0142"
PII_PROMPT = f"My SSN is {SSN}, email me at {EMAIL} or call {PHONE} about my refund."


def guarded(platform: Platform, guards: str) -> None:
    platform.apply(AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + "guards:\n" + guards)


def ask(http: Any, platform: Platform, content: str, **extra: Any) -> Any:
    body = {"model": "mock", "messages": [{"role": "user", "content": content}], **extra}
    return http.post("/v1/chat/completions", json=body, headers=platform.auth())


def stream(http: Any, platform: Platform, content: str) -> tuple[str, list[dict[str, Any]]]:
    body = {"model": "mock", "stream": True, "messages": [{"role": "user", "content": content}]}
    with http.stream("POST", "/v1/chat/completions", json=body, headers=platform.auth()) as r:
        assert r.status_code == 200
        events = [line[6:] for line in r.iter_lines() if line.startswith("data: ")]
    chunks = [json.loads(e) for e in events if e != "[DONE]"]
    out = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c.get("choices"))
    return out, chunks


def everything_stored(platform: Platform) -> str:
    """Every row of every table, as text (to prove a value was never written anywhere)."""
    dump = []
    with platform.rt.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if conn.dialect.has_table(conn, table.name):
                dump.extend(repr(tuple(row)) for row in conn.execute(select(table)))
    return "\n".join(dump)


def latest(platform: Platform) -> Any:
    with platform.rt.engine.connect() as conn:
        return conn.execute(select(interactions).order_by(interactions.c.created_at.desc())).first()


def test_dp1_blocked_pii_never_reaches_the_provider_nor_the_store(http, platform):
    guarded(platform, "  pii: {action: block}\n")
    r = ask(http, platform, PII_PROMPT)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "content_filter" and error["guard"] == "pii"
    assert set(error["types"]) >= {"US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER"}
    assert platform.upstream.requests == []
    stored = everything_stored(platform)
    for value in (SSN, EMAIL, PHONE, "refund"):
        assert value not in stored
    row = latest(platform)
    assert row.status == "refused" and row.has_raw is False
    (screen,) = [v for v in row.verdicts if v["stage"] == "screen_input"]
    assert screen["outcome"] == "block" and screen["detail"]["guard"] == "pii"
    assert {f["type"] for f in screen["findings"]} >= {"US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER"}
    with platform.rt.engine.connect() as conn:
        assert conn.execute(select(interaction_raw).where(interaction_raw.c.interaction_id == row.id)).first() is None


def test_dp1_redact_sends_placeholders_to_the_provider(http, platform):
    guarded(platform, "  pii: {action: redact}\n")
    r = ask(http, platform, PII_PROMPT)
    assert r.status_code == 200, r.text
    sent = json.dumps(platform.upstream.requests[-1]["body"])
    assert SSN not in sent and EMAIL not in sent and PHONE not in sent
    assert "<US_SSN_1>" in sent and "<EMAIL_ADDRESS_1>" in sent and "<PHONE_NUMBER_1>" in sent
    assert SSN not in everything_stored(platform)


def test_pseudonymised_values_come_back_to_the_caller_only(http, platform):
    guarded(platform, "  pii: {action: redact, options: {mode: pseudonymise}}\n")
    platform.upstream.reply = "We will email <EMAIL_ADDRESS_1> about SSN <US_SSN_1>."
    r = ask(http, platform, PII_PROMPT)
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["message"]["content"] == f"We will email {EMAIL} about SSN {SSN}."
    sent = json.dumps(platform.upstream.requests[-1]["body"])
    assert SSN not in sent and EMAIL not in sent


def test_restore_full_is_the_default_and_masked_masks_identifiers(http, platform):
    guarded(platform, "  pii: {action: redact, options: {mode: pseudonymise, restore: masked}}\n")
    platform.upstream.reply = "We will email <EMAIL_ADDRESS_1> about SSN <US_SSN_1>."
    r = ask(http, platform, PII_PROMPT)
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["message"]["content"] == "We will email j***@example.org about SSN ***-**-8731."


def test_a_bad_restore_option_is_refused_when_the_charter_is_applied(http, platform):
    yaml = (AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)
            + "guards:\n  pii: {action: redact, options: {mode: pseudonymise, restore: partly}}\n")
    r = http.post("/api/v1/usecases", json={"yaml": yaml}, headers=platform.auth("admin"))
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["param"]) == ("invalid_charter", "guards.pii.options")
    assert "restore" in error["message"]


def test_warn_passes_with_a_flag_header_and_a_recorded_verdict(http, platform):
    guarded(platform, "  pii: {action: warn}\n")
    r = ask(http, platform, PII_PROMPT)
    assert r.status_code == 200
    assert r.headers["x-charter-guard-flags"] == "pii"
    assert SSN in json.dumps(platform.upstream.requests[-1]["body"])
    row = latest(platform)
    (screen,) = [v for v in row.verdicts if v["stage"] == "screen_input"]
    assert screen["outcome"] == "warn" and screen["detail"]["version"] == "charter-pii/3.49"
    assert SSN not in json.dumps(row.verdicts)


def test_dp2_leaked_pii_in_the_answer_is_redacted(http, platform):
    guarded(platform, "  pii_leak: {action: redact}\n")
    platform.upstream.reply = "Ask clerk.jones@agency.example.gov or call 416-555-0199."
    r = ask(http, platform, "Who handles refunds?")
    assert r.json()["choices"][0]["message"]["content"] == "Ask <EMAIL_ADDRESS_1> or call <PHONE_NUMBER_1>."


def test_streamed_answer_is_cut_at_the_leaking_sentence(http, platform):
    guarded(platform, "  pii_leak: {action: block}\n")
    platform.upstream.stream_pieces = ["Refunds take ", "two weeks. ", "Write to clerk", ".jones@agency.example.gov ",
                                       "for more."]
    out, chunks = stream(http, platform, "How long do refunds take?")
    assert out == "Refunds take two weeks."
    finals = [c["choices"][0]["finish_reason"] for c in chunks if c.get("choices") and c["choices"][0]["finish_reason"]]
    assert finals == ["content_filter"]


def test_streamed_answer_held_until_complete_is_redacted_whole(http, platform):
    guarded(platform, "  pii_leak: {action: redact, options: {stream: hold}}\n")
    platform.upstream.stream_pieces = ["Write to clerk", ".jones@agency", ".example.gov today."]
    out, _ = stream(http, platform, "Who?")
    assert out == "Write to <EMAIL_ADDRESS_1> today."


def test_a_charter_guard_that_is_not_installed_fails_closed(http, platform):
    guarded(platform, "  no_such_guard: {action: warn}\n")
    r = ask(http, platform, "hello")
    assert r.status_code == 503 and r.json()["error"]["code"] == "guard_unavailable"
    assert platform.upstream.requests == []


def test_guards_off_cost_nothing_and_record_nothing(http, platform):
    guarded(platform, "  pii: {action: 'off'}\n")
    r = ask(http, platform, PII_PROMPT)
    assert r.status_code == 200
    assert SSN in json.dumps(platform.upstream.requests[-1]["body"])
    assert not [v for v in latest(platform).verdicts if v["stage"].startswith("screen_")]
