"""Interaction pages: search by use case, status, guard verdict, model, time and review outcome
(the redacted tier, never content), and one interaction with every stage's verdict, the versions
that governed it, its citations traced to the source files (admins and auditors, as
``/api/v1/interactions/{id}/lineage``), its ledger entries, each with its inclusion proof checked
against the latest signed head, and, for auditors, the raw tier behind an explicit reveal with a
reason that the ledger records before any content is shown.
The same :mod:`charter.interactions`, :mod:`charter.knowledge` and :mod:`charter.ledger` functions as
``/api/v1/interactions`` and ``/api/v1/ledger``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response

from charter.api.deps import get_runtime
from charter.console.web import PREFIX, ConsoleRoute, Filter, Name, Posted, Stamp, Viewer, posted, render, signed_in
from charter.errors import CharterError, InvalidRequest
from charter.interactions import service as interactions
from charter.knowledge.lineage import lineage as lineage_of
from charter.ledger import service as ledger
from charter.policy import service as policy
from charter.principals import roles
from charter.runtime import Runtime

__all__ = ["LINEAGE_READERS", "RAW_READERS", "RECORD_READERS", "inclusion_checked", "router", "when_of"]

router = APIRouter(prefix=PREFIX + "/interactions", route_class=ConsoleRoute, include_in_schema=False)

RECORD_READERS = roles.RECORD_READERS
LINEAGE_READERS = roles.AUDITORS
RAW_READERS = roles.RAW_READERS
STATUSES = ("ok", "held", "refused", "error")
PAGE = 50


@router.get("")
def search(request: Request, use_case: Name = "", status: Filter = "", verdict: Filter = "", model: Name = "",
           since: Stamp = "", until: Stamp = "", review: Filter = "", before: Stamp = "",
           viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*RECORD_READERS)
    rt = get_runtime(request)
    start, end = when_of(since, "since"), when_of(until, "until")
    query = interactions.InteractionQuery(
        use_case=use_case or None, status=status or None, limit=PAGE, before=before or None,
        verdict=verdict or None, model=model or None, since=start, until=end, review=review or None,
    )
    rows = rt.read(lambda conn: interactions.list_interactions(conn, p.tenant_id, query))
    names = rt.read(lambda conn: [u["name"] for u in policy.list_use_cases(conn, p.tenant_id)])
    filters = {"use_case": use_case, "status": status, "verdict": verdict, "model": model, "since": since,
               "until": until, "review": review}
    older = None
    if len(rows) == PAGE:
        kept = {k: v for k, v in filters.items() if v}
        older = f"{PREFIX}/interactions?" + urlencode({**kept, "before": rows[-1]["id"]})
    return render(request, "interactions.html", viewer=viewer, rows=rows, filters=filters, use_cases=names,
                  statuses=STATUSES, verdicts=interactions.VERDICTS, reviews=interactions.REVIEW_OUTCOMES,
                  older=older)


def when_of(value: str, name: str) -> dt.datetime | None:
    """A date (``2026-12-05``) or date and time (``2026-12-05T14:30``, as ``datetime-local`` sends it),
    in UTC unless it names its zone."""
    if not value.strip():
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidRequest(
            f"{name} must be a date or a date and time, e.g. 2026-12-05 or 2026-12-05T14:30", code="invalid_value",
            param=name,
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@router.get("/{interaction_id}")
def detail(interaction_id: str, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*RECORD_READERS)
    rt = get_runtime(request)
    row = rt.read(lambda conn: interactions.get_interaction(conn, p.tenant_id, interaction_id))
    cited = (rt.read(lambda conn: lineage_of(conn, tenant_id=p.tenant_id, interaction_id=interaction_id))
             if viewer.may(*LINEAGE_READERS) else None)
    entries = ledger.list_entries(rt, tenant_id=p.tenant_id, subject=interaction_id, limit=20)
    proofs = {e["seq"]: inclusion_checked(rt, e) for e in entries}
    return render(request, "interaction.html", viewer=viewer, row=row, entries=entries, proofs=proofs,
                  lineage=cited, may_reveal=viewer.may(*RAW_READERS))


@router.post("/{interaction_id}/raw")
def reveal_raw(interaction_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """The raw tier (auditors only), after a reason: ``read_raw`` commits the ``raw.read`` ledger
    entry, with the reason, before it decrypts anything (AT-4)."""
    p = post.viewer.require(*RAW_READERS)
    reason = post.text("reason", required=True, max_length=500)
    rt = get_runtime(request)
    # 404 before anything is read
    row = rt.read(lambda conn: interactions.get_interaction(conn, p.tenant_id, interaction_id))
    raw = interactions.read_raw(rt, p.tenant_id, interaction_id, actor=p.key_id, reason=reason)
    recorded = ledger.list_entries(rt, tenant_id=p.tenant_id, action="raw.read", subject=interaction_id, limit=1)
    return render(request, "interaction_raw.html", viewer=post.viewer, row=row, raw=raw, reason=reason,
                  recorded=recorded[0] if recorded else None)


def inclusion_checked(rt: Runtime, entry: dict[str, Any]) -> tuple[bool | None, str]:
    """The entry's inclusion proof, checked against the latest signed head: (verified, in words);
    ``None`` when no signed head covers the entry yet."""
    try:
        proof = ledger.prove_inclusion(rt, entry["seq"])
    except CharterError as exc:
        return None, f"not checked: {exc.message}"
    if proof["verified"] and proof["leaf_hash"] == entry["leaf_hash"]:
        return True, f"verified against the signed head of size {proof['tree_size']}"
    return False, "FAILED: the proof does not lead to the signed head; run `charter audit verify`"
