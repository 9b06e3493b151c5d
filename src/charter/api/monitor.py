"""``GET /metrics``: the Prometheus exposition of :mod:`charter.monitor.metrics`, and tracing's start.

Who may read it is ``CHARTER_METRICS_ACCESS`` (docs/operations.md, Monitoring, Metrics):

* ``loopback`` (default): a client on the same host without a key; any other client with a key of
  role admin or auditor, or a key whose scopes include ``metrics``;
* ``key``: always such a key;
* ``open``: anyone who reaches the port.

A refused client gets the usual error body (``401`` without a key, ``403 metrics_not_allowed``).
The path is outside ``/api/`` and ``/v1/``, so the edge does not ask for a key itself: the rule
above is applied here, before any metric is read.
"""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from charter.api.deps import authenticate, get_runtime, is_loopback
from charter.domain import Principal
from charter.errors import NotFound, PermissionDenied
from charter.monitor.metrics import metrics_of
from charter.monitor.tracing import start_tracing
from charter.principals.roles import AUDITORS
from charter.runtime import Runtime

__all__ = ["METRICS_SCOPE", "router", "setup"]

router = APIRouter(tags=["monitor"])

#: The scope that lets a key outside :data:`~charter.principals.roles.AUDITORS` read the metrics.
METRICS_SCOPE = "metrics"


async def _check_access(request: Request, rt: Runtime) -> None:
    access = rt.settings.metrics_access
    if access == "open" or (access == "loopback" and is_loopback(request)):
        return
    principal: Principal = await anyio.to_thread.run_sync(authenticate, request)  # 401 without a key
    if principal.role in AUDITORS or METRICS_SCOPE in principal.scopes:
        return
    raise PermissionDenied(
        f"role {principal.role!r} may not read the metrics: use an admin or auditor key, or a key created "
        f"with the {METRICS_SCOPE!r} scope",
        code="metrics_not_allowed",
    )


@router.get("/metrics", response_class=Response, include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus text exposition (per-exchange series from every worker, store-derived gauges)."""
    rt = get_runtime(request)
    if not rt.settings.metrics_enabled:
        raise NotFound("metrics are switched off (CHARTER_METRICS_ENABLED=false)", code="metrics_disabled")
    await _check_access(request, rt)
    body = await anyio.to_thread.run_sync(metrics_of(rt).render)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def setup(app: FastAPI) -> None:
    """At start: the metrics of this worker, and tracing when ``CHARTER_OTLP_ENDPOINT`` is set (an
    endpoint off the outbound allow-list stops the start). At stop: spans still queued are sent and
    this worker's live gauges leave the multiprocess files."""

    async def start(rt: Runtime) -> None:
        if rt.settings.metrics_enabled:
            metrics_of(rt)
        start_tracing(rt)

    async def stop(rt: Runtime) -> None:
        for name in ("tracing", "metrics"):
            part = rt.parts.pop(name, None)
            closer = getattr(part, "close", None)
            if callable(closer):
                await anyio.to_thread.run_sync(closer)

    app.state.on_start.append(start)
    app.state.on_stop.append(stop)
