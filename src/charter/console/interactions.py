"""Interaction pages: search by use case and status (the redacted tier, never content), and one
interaction with every stage's verdict, the versions that governed it and its ledger entries, each
with its inclusion proof checked against the latest signed head.
The same :mod:`charter.interactions` and :mod:`charter.ledger` functions as ``/api/v1/interactions``
and ``/api/v1/ledger``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from charter.api.deps import get_runtime
from charter.console.web import PREFIX, ConsoleRoute, Viewer, render, signed_in
from charter.errors import CharterError
from charter.interactions import service as interactions
from charter.ledger import service as ledger
from charter.policy import service as policy
from charter.runtime import Runtime

__all__ = ["RECORD_READERS", "router"]

router = APIRouter(prefix=PREFIX + "/interactions", route_class=ConsoleRoute, include_in_schema=False)

#: The API's RECORD_READERS (charter.api.management).
RECORD_READERS = ("admin", "auditor", "developer")
STATUSES = ("ok", "held", "refused", "error")
PAGE = 50


@router.get("")
def search(
    request: Request,
    use_case: str = Query(default="", max_length=64),
    status: str = Query(default="", max_length=16),
    before: str = Query(default="", max_length=40),
    viewer: Viewer = Depends(signed_in),
) -> Response:
    p = viewer.require(*RECORD_READERS)
    rt = get_runtime(request)
    with rt.engine.connect() as conn:
        rows = interactions.list_interactions(
            conn, p.tenant_id, use_case=use_case or None, status=status or None, limit=PAGE, before=before or None
        )
        names = [u["name"] for u in policy.list_use_cases(conn, p.tenant_id)]
    filters = {"use_case": use_case, "status": status}
    more = rows[-1]["id"] if len(rows) == PAGE else None
    return render(request, "interactions.html", viewer=viewer, rows=rows, filters=filters, use_cases=names,
                  statuses=STATUSES, more=more)


@router.get("/{interaction_id}")
def detail(interaction_id: str, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*RECORD_READERS)
    rt = get_runtime(request)
    with rt.engine.connect() as conn:
        row = interactions.get_interaction(conn, p.tenant_id, interaction_id)
    entries = ledger.list_entries(rt, tenant_id=p.tenant_id, subject=interaction_id, limit=20)
    proofs = {e["seq"]: inclusion_checked(rt, e) for e in entries}
    return render(request, "interaction.html", viewer=viewer, row=row, entries=entries, proofs=proofs)


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
