"""The requester's view of a review (``GET /v1/reviews/{id}``): a notice while it waits, the
released or edited answer after approval, or the rejection with the reviewer's reason. The
unreviewed answer is never shown to the requester."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from charter.domain import Principal
from charter.errors import NotFound
from charter.oversight.items import answer_binding, request_binding, review_settings
from charter.oversight.responses import PENDING_NOTICE, review_body, review_ref, status_url
from charter.oversight.sealing import open_json
from charter.oversight.tables import review_items, review_versions
from charter.store.types import iso

__all__ = ["REJECTION_NOTICE", "requester_view", "restore_pseudonyms"]

REJECTION_NOTICE = "A reviewer did not release this answer. Reason: {reason}"


def restore_pseudonyms(text: str, vault: dict[str, str]) -> str:
    """Put the requester's own values back where the input guard left placeholders."""
    for placeholder in sorted(vault, key=len, reverse=True):
        text = text.replace(placeholder, vault[placeholder])
    return text


def _holding_message(conn: Connection, row: Any) -> str:
    message = review_settings(conn, row.use_case_id, row.charter_version).get("holding_message")
    return str(message or "Your request is being reviewed by a person. Please check back later.")


def _final_answer(rt: Any, conn: Connection, row: Any) -> tuple[str, str, list[dict[str, Any]] | None]:
    """(text, provenance, tool calls) of the released version; the tool calls as the gateway held
    them (their arguments already restored where the charter allows it: charter.gateway.tools)."""
    version = conn.execute(
        select(review_versions.c.sealed, review_versions.c.provenance).where(
            review_versions.c.review_id == row.id, review_versions.c.version == row.current_version
        )
    ).one()
    answer = open_json(rt, version.sealed, answer_binding(row.id, row.current_version))
    vault = open_json(rt, row.sealed_request, request_binding(row.id)).get("vault") or {}
    return restore_pseudonyms(answer["text"], vault), version.provenance, answer.get("tool_calls") or None


def requester_view(
    rt: Any, conn: Connection, principal: Principal, review_id: str
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for the key that made the request; anyone else gets 404."""
    row = conn.execute(
        select(review_items).where(
            review_items.c.id == review_id, review_items.c.tenant_id == principal.tenant_id
        )
    ).first()
    if row is None or row.requester_key_id != principal.key_id:
        raise NotFound(f"review {review_id!r} not found for this key", code="not_found")
    created = int(row.created_at.timestamp())
    model = row.model_alias or ""
    if row.status == "pending":
        status = "holding" if row.holding_at is not None else "pending"
        content = (
            _holding_message(conn, row)
            if status == "holding"
            else PENDING_NOTICE.format(status_url=status_url(row.id), review_id=row.id)
        )
        ref = review_ref(row.id, status, kind=row.kind, received_at=iso(row.created_at))
        return 202, review_body(review=ref, content=content, model=model, created=created)
    ref = review_ref(
        row.id, row.status, kind=row.kind, received_at=iso(row.created_at), decided_at=iso(row.decided_at)
    )
    if row.status == "rejected":
        ref["reason"] = row.outcome_comment
        content = REJECTION_NOTICE.format(reason=row.outcome_comment)
        return 200, review_body(
            review=ref, content=content, model=model, created=created, finish_reason="content_filter"
        )
    text, provenance, tool_calls = _final_answer(rt, conn, row)
    ref.update(provenance=provenance, version=row.current_version)
    if row.outcome_comment:
        ref["comment"] = row.outcome_comment
    return 200, review_body(review=ref, content=text, model=model, created=created, tool_calls=tool_calls,
                            finish_reason="tool_calls" if tool_calls else "stop")
