"""Reviewer decisions: approve, edit (a new answer version with provenance and diff) or reject
(HO-1, ME-6). Four-eyes: the current version needs approvals from two different reviewers; an edit
counts as its author's approval. A rejection is final at once (fail safe)."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any, Literal

from sqlalchemy import Connection, select

from charter import ledger
from charter.domain import Principal
from charter.errors import Conflict, InvalidRequest
from charter.oversight.items import answer_binding, insert_version, review_settings
from charter.oversight.queue import check_reviewer, get_item
from charter.oversight.sealing import open_json, seal_json
from charter.oversight.tables import review_decisions, review_items, review_versions
from charter.store.conditional import compare_and_set
from charter.store.schema import new_id

__all__ = ["Provenance", "approve", "edit", "provenance_of", "reject", "unified_diff"]

Provenance = Literal["ai", "ai-edited", "human"]

#: Below this word-level similarity to the AI's answer an edit counts as written by a person.
HUMAN_BELOW = 0.3


def unified_diff(before: str, after: str, from_label: str, to_label: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=from_label,
            tofile=to_label,
        )
    )


def provenance_of(ai_text: str, text: str, *, from_scratch: bool = False) -> tuple[Provenance, float]:
    similarity = difflib.SequenceMatcher(None, ai_text.split(), text.split(), autojunk=False).ratio()
    if from_scratch or similarity < HUMAN_BELOW:
        return "human", similarity
    return "ai-edited", similarity


def _claimed(conn: Connection, reviewer: Principal, review_id: str, now: dt.datetime) -> Any:
    row = get_item(conn, reviewer.tenant_id, review_id)
    check_reviewer(row, reviewer)
    if row.status != "pending":
        raise Conflict(f"review {review_id} is already {row.status}", code="conflict")
    if row.claimed_by != reviewer.key_id or row.claim_expires_at is None or row.claim_expires_at < now:
        raise Conflict(
            f"claim review {review_id} first (`charter review next` or POST .../claim)", code="conflict"
        )
    return row


def _record(
    conn: Connection,
    row: Any,
    reviewer: Principal,
    decision: str,
    version: int,
    comment: str,
    final: bool,
    now: dt.datetime,
    **event: Any,
) -> dict[str, Any]:
    conn.execute(
        review_decisions.insert().values(
            id=new_id("rvd"), tenant_id=row.tenant_id, review_id=row.id, reviewer=reviewer.key_id, decision=decision,
            version=version, comment=comment, final=final, received_at=row.created_at, claimed_at=row.claimed_at,
            decided_at=now,
        )
    )
    record = {
        "id": row.id,
        "decision": decision,
        "version": version,
        "final": final,
        "reviewer": reviewer.key_id,
        "received_at": row.created_at.isoformat(),
        "decided_at": now.isoformat(),
        **event,
    }
    ledger.append(conn, tenant_id=row.tenant_id, actor=reviewer.key_id, action=f"review.{decision}", subject=row.id,
                  event={**record, "comment": comment})
    return {
        **record,
        "comment": comment,
        "status": event.get("status", "pending"),
        "webhook_url": _webhook(conn, row) if final else None,
    }


def _webhook(conn: Connection, row: Any) -> str | None:
    url = review_settings(conn, row.use_case_id, row.charter_version).get("webhook_url")
    return str(url) if url else None


def _release(conn: Connection, row: Any, reviewer: Principal, values: dict[str, Any]) -> None:
    """Write ``values`` to the pending review ``row`` that ``reviewer`` holds and release the claim
    (409 ``conflict`` where it changed meanwhile)."""
    held = {"status": "pending", "claimed_by": reviewer.key_id}
    released = {**values, "claimed_by": None, "claimed_at": None, "claim_expires_at": None}
    if not compare_and_set(conn, review_items, row.id, held, released):
        raise Conflict(f"review {row.id} changed while you were deciding; reload it", code="conflict")


def _conclude(
    conn: Connection,
    row: Any,
    approvals: list[str],
    version: int,
    reviewer: Principal,
    now: dt.datetime,
    status_if_final: str,
    comment: str,
) -> tuple[bool, str]:
    final = len(approvals) >= row.required_approvals
    values: dict[str, Any] = {"approvals": approvals, "current_version": version}
    if final:
        values.update(
            status=status_if_final, decided_at=now, decided_by=reviewer.key_id, outcome_comment=comment
        )
    _release(conn, row, reviewer, values)
    return final, status_if_final if final else "pending"


def approve(
    conn: Connection, reviewer: Principal, review_id: str, *, comment: str = "", now: dt.datetime
) -> dict[str, Any]:
    row = _claimed(conn, reviewer, review_id, now)
    approvals = [*(row.approvals or []), reviewer.key_id]
    status = "edited" if row.current_version > 1 else "approved"
    final, status = _conclude(conn, row, approvals, row.current_version, reviewer, now, status, comment)
    return _record(
        conn,
        row,
        reviewer,
        "approved",
        row.current_version,
        comment,
        final,
        now,
        status=status,
        approvals=len(approvals),
        required_approvals=row.required_approvals,
    )


def _edited(text: str, diff: str, before: dict[str, Any]) -> dict[str, Any]:
    """A new version's sealed content: an edit changes the text; the tool calls of the version it
    edits go with it (a reviewer who does not want them released rejects the answer)."""
    content: dict[str, Any] = {"text": text, "diff": diff}
    if before.get("tool_calls"):
        content["tool_calls"] = before["tool_calls"]
    return content


def edit(
    rt: Any,
    conn: Connection,
    reviewer: Principal,
    review_id: str,
    *,
    text: str,
    comment: str = "",
    from_scratch: bool = False,
    now: dt.datetime,
) -> dict[str, Any]:
    """Store ``text`` as a new version (provenance ai-edited or human, with the diff) and approve it."""
    if not text.strip():
        raise InvalidRequest("an edit needs the new answer text", code="missing_field", param="text")
    row = _claimed(conn, reviewer, review_id, now)
    contents = {
        v.version: open_json(rt, v.sealed, answer_binding(row.id, v.version))
        for v in conn.execute(
            select(review_versions.c.version, review_versions.c.sealed).where(
                review_versions.c.review_id == row.id, review_versions.c.version.in_([1, row.current_version])
            )
        )
    }
    texts = {version: content["text"] for version, content in contents.items()}
    provenance, similarity = provenance_of(texts[1], text, from_scratch=from_scratch)
    version = row.current_version + 1
    diff = unified_diff(texts[row.current_version], text, f"v{row.current_version}", f"v{version}")
    sealed = seal_json(rt, _edited(text, diff, contents[row.current_version]), answer_binding(row.id, version))
    digest = insert_version(
        conn, row, version, text, provenance=provenance, author=reviewer.key_id, similarity=round(similarity, 4),
        sealed=sealed, now=now,
    )
    final, status = _conclude(conn, row, [reviewer.key_id], version, reviewer, now, "edited", comment)
    return _record(
        conn,
        row,
        reviewer,
        "edited",
        version,
        comment,
        final,
        now,
        status=status,
        provenance=provenance,
        similarity=round(similarity, 4),
        sha256=digest,
        approvals=1,
        required_approvals=row.required_approvals,
    )


def reject(
    conn: Connection, reviewer: Principal, review_id: str, *, reason: str, now: dt.datetime
) -> dict[str, Any]:
    if not reason.strip():
        raise InvalidRequest(
            "a rejection needs a reason the requester will read", code="missing_field", param="reason"
        )
    row = _claimed(conn, reviewer, review_id, now)
    _release(
        conn, row, reviewer, {"status": "rejected", "decided_at": now, "decided_by": reviewer.key_id,
                              "outcome_comment": reason},
    )
    return _record(conn, row, reviewer, "rejected", row.current_version, reason, True, now, status="rejected")
