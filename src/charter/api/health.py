"""``GET /healthz`` (alive) and ``GET /readyz`` (ready to serve). Thin: :mod:`charter.monitor.health`
holds the checks.

Both are outside ``/api/`` and ``/v1/``: a load balancer probes them without a key. ``/healthz``
touches nothing (``{"status": "ok"}`` while the process answers). ``/readyz`` runs every check:
200 when the required ones pass (``ok``, or ``degraded`` when an advisory one failed), 503
(``unavailable``) otherwise. Which checks failed and why is shown only to callers on loopback (with
``CHARTER_READYZ_DETAIL=loopback``, the default) or presenting an admin or auditor key; anyone else
gets the bare status, so the probe tells the internet nothing about the deployment.
"""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request

from charter.api.deps import authenticate, get_runtime, is_loopback
from charter.api.responses import JSONResponse
from charter.errors import CharterError
from charter.monitor.health import run_checks
from charter.principals.roles import AUDITORS

__all__ = ["router"]

router = APIRouter(tags=["health"])

@router.get("/healthz", include_in_schema=False)
async def healthz() -> JSONResponse:
    """Alive: the process answers. No store, no key."""
    return JSONResponse({"status": "ok"})


async def _may_see_detail(request: Request) -> bool:
    if request.app.state.runtime.settings.readyz_detail == "loopback" and is_loopback(request):
        return True
    if not (request.headers.get("authorization") or request.headers.get("api-key")):
        return False
    try:
        principal = await anyio.to_thread.run_sync(authenticate, request)
    except CharterError:  # a bad key (or the store down) gets the bare status, never an error
        return False
    return principal.role in AUDITORS  # they see the failed checks from anywhere


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Ready: 200 when every required check passes, 503 naming the failures otherwise."""
    report = await run_checks(get_runtime(request))
    status = 200 if report.ready else 503
    body = report.as_dict() if await _may_see_detail(request) else {"status": report.status}
    return JSONResponse(body, status_code=status)
