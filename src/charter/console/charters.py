"""Applying a charter from the browser, and the transparency exports.

* ``/console/charters/new`` (admin, developer, as ``POST /api/v1/usecases``): the charter as YAML
  in a text box (filled with a use case's version in force with ``?from=<name>``); sending it calls
  :func:`charter.policy.service.apply_charter` exactly as the API and ``charter usecases apply`` do.
  A refusal is shown on the same page with its code; a charter that does not validate lists every
  problem with its field and line, and the text with those lines marked.
* ``/console/usecases/{name}/card``: the system card (Markdown), ``/console/inventory``: the use-case
  inventory (CSV or JSON), downloaded as ``GET /api/v1/usecases/{name}/card`` and
  ``GET /api/v1/inventory`` produce them (roles: the API's READERS)."""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml
from fastapi import APIRouter, Depends, Query, Request, Response

from charter.api.deps import get_runtime
from charter.console.usecases import READERS
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, redirect, render, signed_in
from charter.errors import CharterError
from charter.guards.catalog import guard_set
from charter.policy import service as policy
from charter.policy.inventory import inventory_csv, inventory_rows, system_card
from charter.principals import roles

__all__ = ["BUILDERS", "router"]

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

BUILDERS = roles.BUILDERS
#: The API's CharterIn.yaml bound.
MAX_YAML = 200_000


def _form(request: Request, viewer: Viewer, text: str, *, status: int = 200, error: CharterError | None = None,
          source: str | None = None) -> Response:
    found = list((error.extra or {}).get("problems", [])) if error is not None else []
    problems: list[dict[str, Any]] = sorted(found, key=lambda p: p.get("line") or 0)  # in reading order
    bad = {p["line"] for p in problems if p.get("line")}
    lines = [(n, line, n in bad) for n, line in enumerate(text.removesuffix("\n").split("\n"), start=1)]
    if not problems:
        lines = []
    return render(request, "charter_apply.html", viewer=viewer, status=status, text=text, error=error,
                  problems=problems, lines=lines, source=source)


@router.get("/charters/new")
def new(request: Request, viewer: Viewer = Depends(signed_in),
        from_: str = Query(default="", alias="from", max_length=64)) -> Response:
    p = viewer.require(*BUILDERS)
    text = ""
    if from_:
        rt = get_runtime(request)
        current = rt.read(lambda conn: policy.get_use_case(conn, p.tenant_id, from_))
        text = str(yaml.safe_dump(current["charter"], sort_keys=False, allow_unicode=True, default_flow_style=False))
    return _form(request, viewer, text, source=from_ or None)


@router.post("/charters")
def apply(request: Request, post: Posted = Depends(posted)) -> Response:
    """Apply the YAML (a new version when it differs from the one in force); refusals stay on the form."""
    p = post.viewer.require(*BUILDERS)
    text = post.text("yaml", required=True, max_length=MAX_YAML, exact=True)
    rt = get_runtime(request)
    try:
        result = rt.writer.write(
            lambda c: policy.apply_charter(c, text, actor=p.key_id, tenant_id=p.tenant_id, egress=rt.egress,
                                           check=guard_set(rt).check_charter)
        )
    except CharterError as exc:
        return _form(request, post.viewer, text, status=exc.status, error=exc)
    rt.policy_changed()
    return redirect(f"{PREFIX}/usecases/{result['use_case']}?applied={result['version']}"
                    f"&changed={'yes' if result['changed'] else 'no'}")


@router.get("/usecases/{name}/card")
def card(name: str, request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*READERS)
    rt = get_runtime(request)
    text = rt.read(lambda conn: system_card(conn, p.tenant_id, name))
    return _download(text, "text/markdown; charset=utf-8", f"{name}-system-card.md")


@router.get("/inventory")
def inventory(request: Request, viewer: Viewer = Depends(signed_in),
              format: Literal["csv", "json"] = Query(default="csv")) -> Response:
    p = viewer.require(*READERS)
    rt = get_runtime(request)
    rows = rt.read(lambda conn: inventory_rows(conn, p.tenant_id))
    tenant = p.tenant
    if format == "json":
        return _download(json.dumps(rows, indent=1), "application/json", f"{tenant}-ai-inventory.json")
    return _download(inventory_csv(rows), "text/csv; charset=utf-8", f"{tenant}-ai-inventory.csv")


def _download(body: str, media_type: str, filename: str) -> Response:
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "-._") or "download"
    return Response(body, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{safe}"', "cache-control": "no-store"})
