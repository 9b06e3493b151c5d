"""The ledger page: signed tree heads with their signatures checked, the tenant's latest entries,
verification on demand, and an auditor bundle to download.

Roles auditor and admin, as ``/api/v1/ledger``. A platform admin's verification is the whole ledger
(``charter audit verify``, ``POST /api/v1/ledger/verify``). The tenant's auditors and admins check
what the API lets them check: every listed head's signature, the consistency proof between each
head and the next, and the inclusion proof of each of their latest entries in the latest head.
The bundle is ``charter audit export`` / ``GET /api/v1/ledger/export``: the tenant's entries in full
(others' as leaf hashes), checked offline by ``charter-verify``; the export is itself recorded.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from charter.api.deps import get_runtime
from charter.console.interactions import inclusion_checked, when_of
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, render, signed_in
from charter.domain import Principal
from charter.errors import CharterError, InvalidRequest
from charter.ledger import service as ledger
from charter.ledger.checkpoint import Checkpoint
from charter.ledger.note import checkpoint_body, signature_ok
from charter.ledger.proofs import heads as list_heads
from charter.principals import roles
from charter.runtime import Runtime

__all__ = ["AUDIT", "router"]

router = APIRouter(prefix=PREFIX + "/ledger", route_class=ConsoleRoute, include_in_schema=False)

AUDIT = roles.AUDITORS
HEADS = 20
ENTRIES = 20


def _scope(p: Principal) -> str | None:
    return None if p.platform else p.tenant_id


def _signed(rt: Runtime, heads: list[Checkpoint]) -> dict[int, tuple[bool, str]]:
    keys = ledger.trusted_keys(rt)
    checked: dict[int, tuple[bool, str]] = {}
    for h in heads:
        key = keys.get(h.key_id)
        if key is None:
            checked[h.tree_size] = (False, "FAILED: signed by a key that is not trusted here")
        elif signature_ok(key, checkpoint_body(h.tree_size, h.root, h.ts), h.signature):
            checked[h.tree_size] = (True, "signature verified")
        else:
            checked[h.tree_size] = (False, "FAILED: the signature does not verify")
    return checked


def _page(request: Request, viewer: Viewer, result: dict[str, Any] | None = None) -> Response:
    p = viewer.require(*AUDIT)
    rt = get_runtime(request)
    heads = rt.read(lambda conn: list_heads(conn, limit=HEADS))
    entries = ledger.list_entries(rt, tenant_id=_scope(p), limit=ENTRIES)
    return render(request, "ledger.html", viewer=viewer, heads=heads, signed=_signed(rt, heads), entries=entries,
                  keys=sorted(ledger.trusted_keys(rt)), platform=p.platform, result=result)


@router.get("")
def page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    return _page(request, viewer)


@router.post("/verify")
def verify(request: Request, post: Posted = Depends(posted)) -> Response:
    """The whole ledger for a platform admin; the tenant's view of it for everyone else (see above)."""
    p = post.viewer.require(*AUDIT)
    rt = get_runtime(request)
    result = _verify_all(rt) if p.platform else _check_tenant(rt, p)
    return _page(request, post.viewer, result)


def _verify_all(rt: Runtime) -> dict[str, Any]:
    report = ledger.verify(rt).to_json()
    return {"scope": "the whole ledger", **report}


def _check_tenant(rt: Runtime, p: Principal) -> dict[str, Any]:
    started = time.perf_counter()
    problems: list[dict[str, Any]] = []
    heads = rt.read(lambda conn: list_heads(conn, limit=HEADS))
    for size, (ok, words) in _signed(rt, heads).items():
        if not ok:
            problems.append({"seq": size, "kind": "forged_checkpoint", "message": f"head of size {size}: {words}"})
    sizes = sorted(h.tree_size for h in heads)
    for first, second in itertools.pairwise(sizes):
        try:
            verified = bool(ledger.prove_consistency(rt, first, second)["verified"])
        except CharterError:
            verified = False
        if not verified:
            problems.append({"seq": second, "kind": "inconsistent_heads",
                             "message": f"the head of size {second} does not extend the head of size {first}"})
    entries = ledger.list_entries(rt, tenant_id=p.tenant_id, limit=ENTRIES)
    covered = 0
    for e in entries:
        included, words = inclusion_checked(rt, e)
        if included is False:
            problems.append({"seq": e["seq"], "kind": "not_included", "message": words})
        covered += included is True
    problems.sort(key=lambda x: x["seq"])
    return {
        "scope": "this tenant's view",
        "ok": not problems,
        "checkpoints": len(heads),
        "consistency_proofs": max(0, len(sizes) - 1),
        "entries": len(entries),
        "included": covered,
        "seconds": round(time.perf_counter() - started, 3),
        "first_problem": problems[0] if problems else None,
        "problems": problems,
    }


@router.post("/export")
def export(request: Request, post: Posted = Depends(posted)) -> Response:
    """The auditor bundle as a download (the export is recorded in the ledger before it is sent)."""
    p = post.viewer.require(*AUDIT)
    since = when_of(post.text("since", max_length=40), "since")
    until = when_of(post.text("until", max_length=40), "until")
    if since is not None and until is not None and until <= since:
        raise InvalidRequest("until must be after since", code="invalid_value", param="until")
    rt = get_runtime(request)
    bundle = ledger.export_bundle(rt, actor=p.key_id, since=since, until=until, tenant_id=_scope(p))
    rng = bundle["range"]
    name = f"charter-ledger-{rng['from_seq']}-{rng['to_seq']}.json"
    return Response(
        json.dumps(bundle, indent=1),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"},
    )

