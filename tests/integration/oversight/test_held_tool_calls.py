"""An answer held for review that calls tools keeps its tool calls: the requester reads them once a
person releases it (approved, or edited: an edit changes the text, the calls go with it), the
reviewer sees them before deciding, and the ledger's opening entry carries their hash. Both stores."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from charter.ledger.tables import ledger_entries
from charter.oversight.items import tool_calls_sha256
from tests.integration.oversight.conftest import Desk

PARAMETERS = {"type": "object", "properties": {"filing_year": {"type": "integer"}},
              "required": ["filing_year"], "additionalProperties": False}
TOOLS = f"tools:\n  lookup_refund:\n    parameters: {json.dumps(PARAMETERS)}\n"
TOOL = {"type": "function", "function": {"name": "lookup_refund", "parameters": PARAMETERS}}
ARGS = '{"filing_year": 2024}'
CALLS = [{"id": "call_0", "type": "function", "function": {"name": "lookup_refund", "arguments": ARGS}}]


def _held(desk: Desk, **extra: Any) -> str:
    desk.charter(TOOLS + "review: {always: true, sample_rate: 0.0}\n")
    desk.platform.upstream.tool_calls = [("lookup_refund", ARGS)]
    body = {"model": "mock", "messages": [{"role": "user", "content": "Where is my refund?"}], "tools": [TOOL],
            **extra}
    r = desk.http.post("/v1/chat/completions", json=body, headers=desk.auth())
    assert r.status_code == 202, r.text
    assert "tool_calls" not in r.json()["choices"][0]["message"]  # nothing runs before a person decides
    review_id: str = r.json()["review"]["id"]
    return review_id


def test_an_approved_held_answer_releases_its_tool_calls(desk: Desk) -> None:
    review_id = _held(desk)
    item = desk.next()
    assert item is not None and item["id"] == review_id
    shown = desk.http.get(f"/api/v1/reviews/{review_id}", headers=desk.auth("reviewer")).json()
    assert shown["proposed_tool_calls"] == CALLS
    assert desk.review("approve", review_id).status_code == 200
    released = desk.status(review_id)
    assert released.status_code == 200, released.text
    choice = released.json()["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"] == {"role": "assistant", "content": None, "tool_calls": CALLS}
    with desk.platform.rt.engine.connect() as conn:
        event = conn.execute(select(ledger_entries.c.event).where(
            ledger_entries.c.action == "review.opened", ledger_entries.c.subject == review_id)).scalar_one()
    opened = event if isinstance(event, dict) else json.loads(event)
    assert opened["tool_calls_sha256"] == tool_calls_sha256(CALLS)


def test_an_edited_held_answer_keeps_its_tool_calls_and_a_streamed_request_too(desk: Desk) -> None:
    review_id = _held(desk, stream=True)
    desk.next()
    edited = desk.review("edit", review_id, text="Checking your 2024 refund now.")
    assert edited.status_code == 200, edited.text
    choice = desk.status(review_id).json()["choices"][0]
    assert choice["message"]["content"] == "Checking your 2024 refund now."
    assert choice["message"]["tool_calls"] == CALLS and choice["finish_reason"] == "tool_calls"


def test_a_held_answer_without_tool_calls_is_released_as_before(desk: Desk) -> None:
    desk.charter("review: {always: true, sample_rate: 0.0}\n")
    review_id = desk.ask().json()["review"]["id"]
    desk.next()
    desk.review("approve", review_id)
    choice = desk.status(review_id).json()["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert choice["message"] == {"role": "assistant", "content": desk.platform.upstream.reply}
