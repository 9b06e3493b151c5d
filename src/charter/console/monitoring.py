"""A use case's monitoring page: traffic, latency, cost, guard hits, review load and outcomes,
feedback and drift over a period, as server-drawn SVG charts, each with a table of its figures (no
JavaScript). The figures are :func:`charter.monitor.timeline.use_case_timeline`; the drift findings
are :func:`charter.monitor.drift.drift_report` (as ``GET /api/v1/usecases/{name}/drift``), and admins
and auditors see the use case's alerts (:func:`charter.monitor.alerts.state.list_alerts`, as
``GET /api/v1/alerts``).

Roles admin, auditor and developer: those who read cost and drift through the API
(``/api/v1/cost/...``, ``/api/v1/usecases/{name}/drift``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from charter.api.deps import get_runtime
from charter.console.charts import Series, line_chart
from charter.console.web import PREFIX, ConsoleRoute, Viewer, render, signed_in
from charter.monitor import drift
from charter.monitor.alerts.state import list_alerts
from charter.monitor.timeline import Period, use_case_timeline
from charter.policy import service as policy
from charter.principals import roles
from charter.store.schema import utcnow

__all__ = ["MONITOR_READERS", "router"]

router = APIRouter(prefix=PREFIX + "/usecases", route_class=ConsoleRoute, include_in_schema=False)

#: Who reads cost, drift and monitoring, in the API as here.
MONITOR_READERS = roles.RECORD_READERS
PERIODS = (1, 7, 30, 90, 365)
#: Who reads alerts, in the API as here: among the page's readers, admins and auditors.
ALERT_READERS = roles.OVERSEERS
ALERTS = 200

#: Each chart: its id, title, unit and the series it draws (name, how to read it from a bucket).
CHARTS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("traffic", "Traffic", "requests", (("requests", "requests"), ("held", "by_status.held"),
                                         ("refused", "by_status.refused"), ("error", "by_status.error"))),
    ("latency", "Latency", "ms", (("p50", "latency_p50_ms"), ("p95", "latency_p95_ms"))),
    ("cost", "Cost", "", (("cost", "cost"),)),
    ("guards", "Guard hits", "interactions", (("guard hits", "guard_hits"),)),
    ("reviews", "Review load and outcomes", "items", (
        ("received", "reviews_opened"), ("approved", "reviews_decided.approved"),
        ("edited", "reviews_decided.edited"), ("rejected", "reviews_decided.rejected"))),
    ("feedback", "Feedback", "ratings", (("helpful", "helpful"), ("unhelpful", "unhelpful"),
                                          ("appeals", "appeals"))),
    ("drift", "Drift runs", "", (("runs", "drift_runs"), ("drifted tests", "drift_findings"))),
)


def _read(bucket: dict[str, Any], path: str) -> float | None:
    value: Any = bucket
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return None if value is None else float(value)


def _label(start: str, hourly: bool) -> str:
    return start[:13].replace("T", " ") + ":00" if hourly else start[:10]


@router.get("/{name}/monitoring")
def page(
    name: str, request: Request, days: int = Query(default=30, ge=1, le=366), viewer: Viewer = Depends(signed_in)
) -> Response:
    p = viewer.require(*MONITOR_READERS)
    rt = get_runtime(request)
    hourly = days <= 2
    period = Period.last(days, now=utcnow(), buckets=days * 24 if hourly else days)
    use_case = rt.read(lambda conn: policy.get_use_case(conn, p.tenant_id, name))
    timeline, findings = rt.read(lambda conn: (use_case_timeline(conn, p.tenant_id, use_case["id"], period),
                                               drift.drift_report(conn, p.tenant_id, name)))
    alerts = ([a for a in rt.read(lambda conn: list_alerts(conn, p.tenant_id, limit=ALERTS)) if a["use_case"] == name]
              if viewer.may(*ALERT_READERS) else None)
    labels = [_label(b["start"], hourly) for b in timeline["buckets"]]
    charts = []
    for ident, title, unit, wanted in CHARTS:
        series = [Series(label, [_read(b, path) for b in timeline["buckets"]]) for label, path in wanted]
        charts.append({"id": ident, "title": title, "unit": unit, "series": series,
                       "svg": line_chart(f"chart-{ident}", f"{title} of {name}, last {days} days", labels, series,
                                         unit=unit)})
    return render(request, "monitoring.html", viewer=viewer, use_case=use_case, days=days, periods=PERIODS,
                  timeline=timeline, labels=labels, charts=charts, drift=findings, hourly=hourly, alerts=alerts)
