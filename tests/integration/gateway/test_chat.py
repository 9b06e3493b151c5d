"""The governed path end to end over real HTTP: plain and streamed answers, the record, the raw tier."""

from __future__ import annotations

import json

from sqlalchemy import select

from charter.store.schema import interaction_raw, interactions
from tests.conftest import Platform


def _ask(http, platform: Platform, text: str = "When is the filing deadline?", **extra):
    body = {"model": "mock", "messages": [{"role": "user", "content": text}], **extra}
    return http.post("/v1/chat/completions", json=body, headers=platform.auth())


def test_md2_chat_completion_has_openai_shape_and_usage(http, platform):
    r = _ask(http, platform)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["object"] == "chat.completion"
    assert data["choices"][0]["message"] == {"role": "assistant", "content": platform.upstream.reply}
    assert data["choices"][0]["finish_reason"] == "stop"
    assert data["usage"] == {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
    assert data["model"] == "mock"
    assert data["charter"]["charter_version"] == 1
    assert r.headers["x-charter-interaction-id"] == data["charter"]["interaction_id"]
    sent = platform.upstream.requests[-1]["body"]
    assert sent["model"] == "mock-model-7b"
    assert sent["messages"][-1] == {"role": "user", "content": "When is the filing deadline?"}


def test_at1_interaction_records_redacted_tier(http, platform):
    r = _ask(http, platform, "My question is about form T1.")
    iid = r.json()["charter"]["interaction_id"]
    with platform.rt.engine.connect() as conn:
        row = conn.execute(select(interactions).where(interactions.c.id == iid)).one()
    assert row.tenant_id == platform.tenant_id
    assert row.model_alias == "mock" and row.platform_model_id == "mock-model-7b" and row.model_version == "2026-01"
    assert row.charter_version == 1 and row.status == "ok" and row.stream is False
    assert len(row.input_sha256) == 64 and len(row.output_sha256) == 64
    assert row.input_chars == len("My question is about form T1.")
    assert row.output_chars == len(platform.upstream.reply)
    assert (row.prompt_tokens, row.completion_tokens) == (11, 7)
    assert row.latency_ms > 0
    stages = [v["stage"] for v in row.verdicts]
    assert stages[0] == "admit" and "route" in stages and "generate" in stages
    assert row.has_raw is True
    # no content in the redacted tier
    assert "form T1" not in json.dumps({k: str(v) for k, v in row._mapping.items()})


def test_sa3_raw_tier_is_encrypted_at_rest(http, platform):
    r = _ask(http, platform, "Secret question about account 12345678")
    iid = r.json()["charter"]["interaction_id"]
    with platform.rt.engine.connect() as conn:
        raw = conn.execute(select(interaction_raw).where(interaction_raw.c.interaction_id == iid)).one()
    assert b"12345678" not in bytes(raw.ciphertext)
    assert b"Secret question" not in bytes(raw.ciphertext)
    assert len(raw.nonce) == 12


def test_at4_raw_tier_only_for_auditor_and_each_read_is_recorded(http, platform):
    iid = _ask(http, platform, "raw please").json()["charter"]["interaction_id"]
    for role in ("app", "admin", "developer", "reviewer"):
        denied = http.get(f"/api/v1/interactions/{iid}/raw", headers=platform.auth(role))
        assert denied.status_code == 403, role
    r = http.get(f"/api/v1/interactions/{iid}/raw", params={"reason": "complaint 7"}, headers=platform.auth("auditor"))
    assert r.status_code == 200, r.text
    raw = r.json()
    assert raw["messages"] == [{"role": "user", "content": "raw please"}]
    assert raw["output"] == platform.upstream.reply
    from charter.ledger.tables import ledger_entries

    with platform.rt.engine.connect() as conn:
        reads = conn.execute(select(ledger_entries.c.actor, ledger_entries.c.subject)
                             .where(ledger_entries.c.action == "raw.read")).all()
    assert [(r.subject) for r in reads] == [iid]


def test_md2_streaming_sends_sse_chunks_usage_and_records(http, platform):
    body = {"model": "mock", "stream": True, "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "stream it"}]}
    with http.stream("POST", "/v1/chat/completions", json=body, headers=platform.auth()) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [line[6:] for line in r.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text.strip() == platform.upstream.reply
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    usage = chunks[-1]
    assert usage["choices"] == [] and usage["usage"]["prompt_tokens"] == 11
    iid = usage["charter"]["interaction_id"]
    with platform.rt.engine.connect() as conn:
        row = conn.execute(select(interactions).where(interactions.c.id == iid)).one()
    assert row.stream is True and row.status == "ok" and row.output_chars == len(text)


def test_models_lists_allowed_aliases(http, platform):
    r = http.get("/v1/models", headers=platform.auth())
    assert r.status_code == 200
    assert [m["id"] for m in r.json()["data"]] == ["mock"]


def test_md2_embeddings_pass_through_and_are_recorded(http, platform):
    r = http.post("/v1/embeddings", json={"model": "mock", "input": ["abc", "hello"]}, headers=platform.auth())
    assert r.status_code == 200, r.text
    data = r.json()
    assert [d["embedding"] for d in data["data"]] == [[3.0, 1.0, 0.5], [5.0, 1.0, 0.5]]
    with platform.rt.engine.connect() as conn:
        row = conn.execute(select(interactions).where(interactions.c.id == r.headers["x-charter-interaction-id"])).one()
    assert row.status == "ok" and row.input_chars == 8


def test_embeddings_dimensions_is_refused_not_dropped(http, platform):
    body = {"model": "mock", "input": "abc", "dimensions": 2}
    r = http.post("/v1/embeddings", json=body, headers=platform.auth())
    assert r.status_code == 400
    assert (r.json()["error"]["code"], r.json()["error"]["param"]) == ("unsupported_parameter", "dimensions")
    assert platform.upstream.requests == []  # nothing went to the model
