"""Access and erasure requests of one end user (DP-5; the GDPR's articles 15 and 17).

A subject is named by the identifier the application sends as ``user`` (it is pseudonymised the same
way, :func:`charter.identity.subjects.SubjectKey.subject_id`) or by its ``sub_...`` id.

- :func:`export_subject` gathers everything held about the subject in the caller's tenant: each
  interaction (metadata and, where still held, the decrypted question and answer), each review item
  with its question and answer versions, each feedback with its correction. The export is recorded
  in the ledger (``subject.exported``) before any content is returned (AT-4).
- :func:`erase_subject` crypto-shreds all of it: the raw tier rows are deleted with their wrapped
  keys, review texts and corrections are replaced by tombstones, the drift monitor's embedding
  sample of the subject's inputs is deleted, the training examples built from their records are deleted
  (each dataset version that held one is marked tainted), and a review still waiting is
  closed as rejected (its answer is never released). The metadata rows stay (hashes, sizes, verdicts,
  the pseudonymous subject id: no text), so the ledger still verifies; the request and its counts
  are a ``subject.erased`` ledger entry. A tenant under legal hold is refused (``409 legal_hold``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, func, select, update

from charter import ledger
from charter.errors import Conflict, NotFound
from charter.identity.subjects import check_identifier, subject_key
from charter.identity.tables import citizen_turns
from charter.interactions.service import open_raw, public_interaction
from charter.monitor.drift.tables import drift_embeddings
from charter.oversight.items import answer_binding, request_binding
from charter.oversight.sealing import EXPIRED_KEY, is_expired, open_json
from charter.oversight.tables import expert_samples, feedback, review_items, review_versions
from charter.runtime import Runtime
from charter.store.records import with_use_case
from charter.store.schema import interaction_raw, interactions, tenants, utcnow
from charter.training.erasure import erase_examples

__all__ = ["erase_subject", "export_subject", "resolve_subject"]

_SUBJECT_ID = re.compile(r"^sub_[0-9a-f]{32}$")
#: Ids per statement (PostgreSQL's driver takes at most 65,535 parameters in one).
_CHUNK = 5000


def resolve_subject(rt: Runtime, tenant_id: str, subject: str) -> str:
    """The subject id of ``subject``: a ``sub_...`` id as given, else the identifier pseudonymised."""
    if _SUBJECT_ID.match(subject):
        return subject
    return subject_key(rt).subject_id(tenant_id, check_identifier(subject, "subject"))


def _not_found() -> NotFound:
    return NotFound("nothing is held about this subject in this tenant (check the identifier the application "
                    "sends as `user`, or the sub_ id)", code="subject_not_found", param="subject")


def _opened(rt: Runtime, stored: Any, binding: str) -> Any:
    return None if is_expired(stored) else open_json(rt, stored, binding)


def _reviews(rt: Runtime, conn: Connection, tenant_id: str, subject_id: str) -> list[dict[str, Any]]:
    out = []
    rows = conn.execute(
        select(review_items).where(review_items.c.tenant_id == tenant_id, review_items.c.subject_id == subject_id)
        .order_by(review_items.c.created_at)
    ).all()
    for row in rows:
        versions = conn.execute(
            select(review_versions).where(review_versions.c.review_id == row.id).order_by(review_versions.c.version)
        ).all()
        request = _opened(rt, row.sealed_request, request_binding(row.id))
        out.append({
            "id": row.id, "interaction_id": row.interaction_id, "kind": row.kind, "status": row.status,
            "officer": row.officer, "created_at": row.created_at.isoformat(),
            "question": None if request is None else request.get("messages", []),
            "answers": [
                {"version": v.version, "provenance": v.provenance,
                 "text": (_opened(rt, v.sealed, answer_binding(row.id, v.version)) or {}).get("text")}
                for v in versions
            ],
            "expired": request is None,
        })
    return out


def _feedback(rt: Runtime, conn: Connection, tenant_id: str, subject_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(feedback).where(feedback.c.tenant_id == tenant_id, feedback.c.subject_id == subject_id)
        .order_by(feedback.c.created_at)
    ).all()
    out = []
    for row in rows:
        content = None if row.sealed_correction is None else _opened(rt, row.sealed_correction, f"{row.id}:correction")
        out.append({
            "id": row.id, "interaction_id": row.interaction_id, "rating": row.rating, "reasons": row.reasons,
            "appeal": row.appeal, "consent": row.consent, "created_at": row.created_at.isoformat(),
            "correction": None if content is None else content.get("correction"),
            "comment": None if content is None else content.get("comment"),
        })
    return out


def _interactions(rt: Runtime, conn: Connection, tenant_id: str, subject_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        with_use_case(interactions)
        .where(interactions.c.tenant_id == tenant_id, interactions.c.subject_id == subject_id)
        .order_by(interactions.c.created_at)
    ).all()
    wanted = [r.id for r in rows]
    raw_of = interaction_raw.c.interaction_id
    raws = {
        r.interaction_id: r
        for i in range(0, len(wanted), _CHUNK)
        for r in conn.execute(select(interaction_raw).where(raw_of.in_(wanted[i : i + _CHUNK])))
    }
    out = []
    for row in rows:
        raw = raws.get(row.id)
        item = public_interaction(row, row.use_case)
        item["content"] = None if raw is None else open_raw(rt, raw)
        out.append(item)
    return out


def export_subject(rt: Runtime, tenant_id: str, subject: str, *, actor: str, reason: str = "") -> dict[str, Any]:
    """Everything held about one end user in this tenant (see the module docs); the export is ledgered first."""
    subject_id = resolve_subject(rt, tenant_id, subject)

    def record(conn: Connection) -> dict[str, int]:
        counts = {
            "interactions": _count(conn, interactions, tenant_id, subject_id),
            "reviews": _count(conn, review_items, tenant_id, subject_id),
            "feedback": _count(conn, feedback, tenant_id, subject_id),
        }
        if not any(counts.values()):
            raise _not_found()
        ledger.append(conn, tenant_id=tenant_id, actor=actor, action="subject.exported", subject=subject_id,
                      event={"reason": reason, **counts})
        return counts

    counts = rt.writer.write(record)
    with rt.engine.connect() as conn:
        return {
            "subject_id": subject_id,
            "exported_at": utcnow().isoformat(),
            "counts": counts,
            "interactions": _interactions(rt, conn, tenant_id, subject_id),
            "reviews": _reviews(rt, conn, tenant_id, subject_id),
            "feedback": _feedback(rt, conn, tenant_id, subject_id),
        }


def _count(conn: Connection, table: Any, tenant_id: str, subject_id: str) -> int:
    return int(conn.execute(
        select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id, table.c.subject_id == subject_id)
    ).scalar_one())


def _erase(conn: Connection, tenant_id: str, subject_id: str, actor: str, reason: str,
           now: dt.datetime) -> dict[str, Any]:
    held = conn.execute(select(tenants.c.legal_hold).where(tenants.c.id == tenant_id)).scalar()
    if held:
        raise Conflict("this tenant is under legal hold: nothing can be erased until the hold is lifted",
                       code="legal_hold")
    ids = list(conn.execute(
        select(interactions.c.id).where(interactions.c.tenant_id == tenant_id, interactions.c.subject_id == subject_id)
    ).scalars())
    reviews = list(conn.execute(
        select(review_items.c.id).where(review_items.c.tenant_id == tenant_id, review_items.c.subject_id == subject_id)
    ).scalars())
    notes = list(conn.execute(
        select(feedback.c.id).where(feedback.c.tenant_id == tenant_id, feedback.c.subject_id == subject_id)
    ).scalars())
    if not (ids or reviews or notes):
        raise _not_found()
    tombstone = {EXPIRED_KEY: now.isoformat(), "erased": True}

    def each(statement: Callable[[list[str]], Any], values: list[str]) -> int:
        # one transaction, in chunks: a driver takes at most 65,535 parameters a statement
        return sum(int(conn.execute(statement(values[i : i + _CHUNK])).rowcount or 0)
                   for i in range(0, len(values), _CHUNK))

    raw = each(lambda c: interaction_raw.delete().where(interaction_raw.c.interaction_id.in_(c)), ids)
    closed = each(
        lambda c: update(review_items).where(review_items.c.id.in_(c), review_items.c.status == "pending")
        .values(status="rejected", decided_at=now, decided_by=actor, claimed_by=None,
                outcome_comment="closed: the end user's data was erased at their request"),
        reviews,
    )
    each(lambda c: update(review_items).where(review_items.c.id.in_(c)).values(sealed_request=tombstone), reviews)
    versions = each(
        lambda c: update(review_versions).where(review_versions.c.review_id.in_(c)).values(sealed=tombstone), reviews
    )
    corrections = each(
        lambda c: update(feedback).where(feedback.c.id.in_(c), feedback.c.sealed_correction.is_not(None))
        .values(sealed_correction=tombstone),
        notes,
    )
    # the embedding sample the drift monitor may keep of an input (charter.monitor.drift) goes too
    embeddings = each(lambda c: drift_embeddings.delete().where(drift_embeddings.c.interaction_id.in_(c)), ids)
    samples = each(
        lambda c: update(expert_samples).where(expert_samples.c.interaction_id.in_(c))
        .values(sealed=tombstone, status="expired", claimed_by=None),
        ids,
    )
    # training examples built from them (charter.training): deleted, their dataset versions tainted
    examples = erase_examples(conn, tenant_id, ids, now)
    # the console's citizen chat turns of those exchanges (charter.console.conversations)
    chat_turns = each(lambda c: citizen_turns.delete().where(citizen_turns.c.interaction_id.in_(c)), ids)
    counts = {"interactions": len(ids), "raw": raw, "reviews": len(reviews), "reviews_closed": closed,
              "review_versions": versions, "corrections": corrections, "expert_samples": samples,
              "feedback": len(notes), "embeddings": embeddings, "training_examples": examples,
              "chat_turns": chat_turns}
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="subject.erased", subject=subject_id,
                  event={"reason": reason, **counts})
    return {"subject_id": subject_id, "erased_at": now.isoformat(), "reason": reason, "counts": counts}


def erase_subject(rt: Runtime, tenant_id: str, subject: str, *, actor: str, reason: str) -> dict[str, Any]:
    """Crypto-shred everything held about one end user in this tenant, in one transaction (see the
    module docs). ``409 legal_hold`` under a legal hold, ``404 subject_not_found`` when nothing is held."""
    subject_id = resolve_subject(rt, tenant_id, subject)
    now = utcnow()
    result: dict[str, Any] = rt.writer.write(lambda conn: _erase(conn, tenant_id, subject_id, actor, reason, now))
    return result
