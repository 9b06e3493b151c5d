"""Reading interactions: the redacted tier for analytics, the raw tier for auditors (each read audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, get_args

import orjson
from sqlalchemy import Connection, Text, cast, select

from charter import ledger
from charter.domain.exchange import Outcome
from charter.errors import Gone, InvalidRequest, NotFound
from charter.interactions.crypto import Sealed, keyring
from charter.oversight.tables import review_items
from charter.runtime import Runtime
from charter.store.schema import interaction_raw, interactions, use_cases

__all__ = [
    "REVIEW_OUTCOMES",
    "VERDICTS",
    "InteractionQuery",
    "get_interaction",
    "list_interactions",
    "open_raw",
    "public_interaction",
    "read_raw",
]

#: A stage's outcome, as the ``verdicts`` filter takes it.
VERDICTS: tuple[str, ...] = get_args(Outcome)
#: A review item's status, as the ``review`` filter takes it; ``none``: never sent for review.
REVIEW_OUTCOMES = ("pending", "approved", "edited", "rejected", "none")

_COLUMNS = [c for c in interactions.c if c.name != "tenant_id"]


def _public(row: Any, use_case: str) -> dict[str, Any]:
    data = {c.name: getattr(row, c.name) for c in _COLUMNS}
    data["created_at"] = data["created_at"].isoformat()
    data["use_case"] = use_case
    return data


@dataclass(frozen=True, slots=True)
class InteractionQuery:
    """Which interactions to list (each filter unset: any). ``verdict``: some stage had this outcome;
    ``model``: the alias asked for; ``since`` (inclusive) and ``until`` (exclusive): when it was
    recorded; ``review``: the status of a review item on it (``none``: never reviewed); ``before``: a
    cursor, the id of the last interaction of the previous page."""

    use_case: str | None = None
    status: str | None = None
    limit: int = 50
    before: str | None = None
    verdict: str | None = None
    model: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    review: str | None = None


def list_interactions(
    conn: Connection, tenant_id: str, q: InteractionQuery = InteractionQuery()
) -> list[dict[str, Any]]:
    """The redacted tier, newest first, filtered by ``q``."""
    use_case, status, before, verdict, model, review = q.use_case, q.status, q.before, q.verdict, q.model, q.review
    query = (
        select(*_COLUMNS, use_cases.c.name.label("use_case_name"))
        .join(use_cases, use_cases.c.id == interactions.c.use_case_id)
        .where(interactions.c.tenant_id == tenant_id)
    )
    if use_case:
        query = query.where(use_cases.c.name == use_case)
    if status:
        query = query.where(interactions.c.status == status)
    if before:
        query = query.where(interactions.c.id < before)
    if verdict:
        if verdict not in VERDICTS:
            raise InvalidRequest(f"verdict must be one of {', '.join(VERDICTS)}", code="invalid_value", param="verdict")
        # the column holds json.dumps output (SQLite text, PostgreSQL json keeps the text as written)
        query = query.where(cast(interactions.c.verdicts, Text).like(f'%"outcome": "{verdict}"%'))
    if model:
        query = query.where(interactions.c.model_alias == model)
    if q.since is not None:
        query = query.where(interactions.c.created_at >= q.since)
    if q.until is not None:
        query = query.where(interactions.c.created_at < q.until)
    if review:
        if review not in REVIEW_OUTCOMES:
            raise InvalidRequest(
                f"review must be one of {', '.join(REVIEW_OUTCOMES)}", code="invalid_value", param="review"
            )
        # uncorrelated: the database builds the set once (no index on review_items.interaction_id)
        reviewed = select(review_items.c.interaction_id).where(review_items.c.tenant_id == tenant_id)
        if review == "none":
            query = query.where(interactions.c.id.not_in(reviewed))
        else:
            query = query.where(interactions.c.id.in_(reviewed.where(review_items.c.status == review)))
    rows = conn.execute(query.order_by(interactions.c.id.desc()).limit(q.limit)).all()
    return [_public(r, r.use_case_name) for r in rows]


def get_interaction(conn: Connection, tenant_id: str, interaction_id: str) -> dict[str, Any]:
    row = conn.execute(
        select(*_COLUMNS, use_cases.c.name.label("use_case_name"))
        .join(use_cases, use_cases.c.id == interactions.c.use_case_id)
        .where(interactions.c.tenant_id == tenant_id, interactions.c.id == interaction_id)
    ).first()
    if row is None:
        raise NotFound(f"interaction {interaction_id!r} not found in this tenant")
    return _public(row, row.use_case_name)


def read_raw(rt: Runtime, tenant_id: str, interaction_id: str, *, actor: str, reason: str = "") -> dict[str, Any]:
    """Decrypt one raw record. The ledger entry for the read commits before any content is returned."""

    def audit(conn: Connection) -> Any:
        row = conn.execute(
            select(interaction_raw).where(
                interaction_raw.c.tenant_id == tenant_id, interaction_raw.c.interaction_id == interaction_id
            )
        ).first()
        if row is None:
            stored = conn.execute(
                select(interactions.c.has_raw).where(
                    interactions.c.tenant_id == tenant_id, interactions.c.id == interaction_id
                )
            ).scalar_one_or_none()
            if stored:  # it was kept, and retention has deleted it since (interactions.retention)
                raise Gone(
                    f"the raw record of interaction {interaction_id!r} was deleted under the use case's "
                    "retention_days; its metadata and ledger entry remain",
                    code="content_expired",
                )
            raise NotFound(
                f"no raw record for interaction {interaction_id!r} in this tenant (blocked text is never stored)"
            )
        ledger.append(
            conn, tenant_id=tenant_id, actor=actor, action="raw.read", subject=interaction_id, event={"reason": reason}
        )
        return row

    row = rt.writer.write(audit)
    return {"interaction_id": interaction_id, **open_raw(rt, row)}


def open_raw(rt: Runtime, raw_row: Any) -> dict[str, Any]:
    """Decrypt one ``interaction_raw`` row (the caller has recorded the read): messages, prompt, output."""
    content: dict[str, Any] = orjson.loads(keyring(rt).open(_sealed(raw_row), raw_row.interaction_id.encode()))
    return content


def public_interaction(row: Any, use_case: str) -> dict[str, Any]:
    """An ``interactions`` row as the API shows it (no tenant id; ISO times)."""
    return _public(row, use_case)


def _sealed(row: Any) -> Sealed:
    return Sealed(row.kek_version, bytes(row.wrapped_dek), bytes(row.nonce), bytes(row.ciphertext))
