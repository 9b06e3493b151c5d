"""Opening review items: an answer held by the oversee stage, or an appeal against one already
released. Each item keeps its question and context sealed and its answer as version 1."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from charter import ledger
from charter.oversight.sealing import seal_json
from charter.oversight.tables import review_items, review_versions
from charter.store.records import pick
from charter.store.schema import charter_versions, new_id

__all__ = [
    "NewItem",
    "answer_binding",
    "insert_item",
    "insert_version",
    "request_binding",
    "review_settings",
    "seal_item",
    "tool_calls_sha256",
]

#: Longest retrieved chunk kept for the reviewer (characters).
CONTEXT_CHARS = 4000


def tool_calls_sha256(calls: list[dict[str, Any]]) -> str:
    """SHA-256 of tool calls in canonical JSON (sorted keys, no spaces)."""
    return hashlib.sha256(json.dumps(calls, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def request_binding(review_id: str) -> str:
    return f"{review_id}:request"


def answer_binding(review_id: str, version: int) -> str:
    return f"{review_id}:answer:{version}"


@dataclass(slots=True)
class NewItem:
    """Everything a review item needs, sealed in advance so the write itself is quick."""

    id: str
    tenant_id: str
    use_case_id: str
    kind: str
    reasons: list[str]
    findings: list[dict[str, Any]]
    requester_key_id: str
    charter_version: int
    required_approvals: int
    sla_minutes: int
    answer: str
    answer_provenance: str
    answer_author: str
    sealed_request: dict[str, Any] = field(default_factory=dict)
    sealed_answer: dict[str, Any] = field(default_factory=dict)
    model_alias: str | None = None
    feedback_id: str | None = None
    #: The end user (pseudonymised) and the officer of the interaction (charter.identity.subjects).
    subject_id: str | None = None
    officer: str | None = None
    #: The tool calls the held answer carries (OpenAI's ``message.tool_calls``, checked and screened
    #: by charter.gateway.tools): sealed with the answer, released with it.
    tool_calls: list[dict[str, Any]] | None = None


def review_settings(conn: Connection, use_case_id: str, charter_version: int) -> dict[str, Any]:
    """The ``review`` section of the charter version an item was answered under (empty where it has none)."""
    body = conn.execute(
        select(charter_versions.c.body).where(
            charter_versions.c.use_case_id == use_case_id, charter_versions.c.version == charter_version
        )
    ).scalar()
    return dict((body or {}).get("review") or {})


def seal_item(rt: Any, item: NewItem, request: dict[str, Any]) -> NewItem:
    """Seal the request (question, redacted context, pseudonym vault) and the answer of ``item``."""
    context = [
        {**chunk, "text": str(chunk.get("text", ""))[:CONTEXT_CHARS]} if isinstance(chunk, dict) else chunk
        for chunk in request.get("context", [])
    ]
    item.sealed_request = seal_json(rt, {**request, "context": context}, request_binding(item.id))
    answer: dict[str, Any] = {"text": item.answer, "diff": ""}
    if item.tool_calls:
        answer["tool_calls"] = item.tool_calls
    item.sealed_answer = seal_json(rt, answer, answer_binding(item.id, 1))
    return item


def insert_version(
    conn: Connection, review: Any, version: int, text: str, *, provenance: str, author: str,
    similarity: float | None, sealed: dict[str, Any], now: dt.datetime,
) -> str:
    """Store answer ``version`` (``text``, sealed as ``sealed``) of the review item ``review`` (its
    ``id`` and ``tenant_id``) with its provenance; return the text's SHA-256."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    conn.execute(
        review_versions.insert().values(
            id=new_id("rvv"), tenant_id=review.tenant_id, review_id=review.id, version=version, provenance=provenance,
            author=author, sha256=digest, chars=len(text), similarity=similarity, sealed=sealed, created_at=now,
        )
    )
    return digest


def insert_item(conn: Connection, item: NewItem, interaction_id: str, now: dt.datetime) -> dict[str, Any]:
    """Insert the item and its first answer version, and record the opening in the ledger."""
    held = pick(
        item, "id", "tenant_id", "use_case_id", "kind", "reasons", "findings", "requester_key_id", "charter_version",
        "required_approvals", "sealed_request", "model_alias", "feedback_id", "subject_id", "officer",
    )
    due_at = now + dt.timedelta(minutes=item.sla_minutes)
    conn.execute(
        review_items.insert().values(
            **held, interaction_id=interaction_id, status="pending", approvals=[], current_version=1, created_at=now,
            due_at=due_at,
        )
    )
    digest = insert_version(
        conn, item, 1, item.answer, provenance=item.answer_provenance, author=item.answer_author, similarity=None,
        sealed=item.sealed_answer, now=now,
    )
    event = {
        "kind": item.kind,
        "interaction_id": interaction_id,
        "reasons": item.reasons,
        "required_approvals": item.required_approvals,
        "answer_sha256": digest,
        "requester": item.requester_key_id,
        "feedback_id": item.feedback_id,
    }
    if item.tool_calls:  # a hash of the calls as held (an answer without them hashes as it always did)
        event["tool_calls_sha256"] = tool_calls_sha256(item.tool_calls)
    ledger.append(conn, tenant_id=item.tenant_id, actor=item.requester_key_id, action="review.opened", subject=item.id,
                  event=event)
    return {"id": item.id, "kind": item.kind, "status": "pending", "interaction_id": interaction_id}
