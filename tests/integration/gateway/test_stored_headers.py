"""Headers the gateway stores with the interaction are checked against what both stores hold, before
any work: a value PostgreSQL's ``varchar(64)`` would refuse (after the model had run: 503) is the
caller's ``400 invalid_value`` naming the header, on both stores, and the model is never called."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from charter.store.schema import interactions

GOOD = {"messages": [{"role": "user", "content": "hi"}]}
EMBED = {"input": "hello"}


def _count(platform) -> int:
    with platform.rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(interactions)).scalar_one())


@pytest.mark.parametrize("header", ["x-charter-conversation-id", "x-request-id"])
@pytest.mark.parametrize("value", ["c" * 65, "c" * 8000, "caf\u00e9-conversation"], ids=["65", "8000", "non-ascii"])
@pytest.mark.parametrize("path,body", [("/v1/chat/completions", GOOD), ("/v1/embeddings", EMBED)],
                         ids=["chat", "embeddings"])
def test_at1_unstorable_id_header_is_400_before_the_model_runs(http, platform, header, value, path, body):
    before = _count(platform)
    r = http.post(path, json=body, headers={**platform.auth(), header: value.encode("latin-1")})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["param"], error["type"]) == ("invalid_value", header, "invalid_request_error")
    assert "64" in error["message"]
    assert platform.upstream.requests == []  # no work was done
    assert _count(platform) == before  # and nothing was recorded


def test_at1_id_headers_up_to_64_characters_are_stored(http, platform):
    request_id, conversation_id = "r" * 64, "conv-" + "x" * 59
    r = http.post("/v1/chat/completions", json=GOOD, headers={
        **platform.auth(), "x-request-id": request_id, "x-charter-conversation-id": conversation_id})
    assert r.status_code == 200, r.text
    assert r.headers["x-request-id"] == request_id
    with platform.rt.engine.connect() as conn:
        row = conn.execute(
            select(interactions.c.request_id, interactions.c.conversation_id)
            .where(interactions.c.id == r.headers["x-charter-interaction-id"])
        ).one()
    assert (row.request_id, row.conversation_id) == (request_id, conversation_id)


def test_at1_empty_id_headers_count_as_absent(http, platform):
    r = http.post("/v1/chat/completions", json=GOOD, headers={
        **platform.auth(), "x-request-id": "", "x-charter-conversation-id": ""})
    assert r.status_code == 200, r.text
    assert len(r.headers["x-request-id"]) == 32  # one Charter made
    with platform.rt.engine.connect() as conn:
        stored = conn.execute(
            select(interactions.c.conversation_id).where(interactions.c.id == r.headers["x-charter-interaction-id"])
        ).scalar_one()
    assert stored is None
