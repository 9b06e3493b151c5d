"""Alerts, silences, sink health and cost over HTTP. Thin: :mod:`charter.monitor.alerts` and
:mod:`charter.monitor.cost` hold the logic.

``GET /api/v1/alerts`` (admin, auditor, reviewer): alerts, newest first (a platform key sees every
tenant's). ``GET|POST /api/v1/alerts/silences``, ``DELETE /api/v1/alerts/silences/{id}`` (admin).
``GET /api/v1/alerts/sinks`` (admin): each sink's delivery health. ``GET /api/v1/cost/spend`` and
``GET /api/v1/cost/report/{use_case}`` (admin, auditor, developer). The app's lifespan runs the
delivery loop of the alert outbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field

from charter.api.deps import Admin, Overseer, RecordReader, RequestTime, RuntimeDep
from charter.api.params import UseCaseFilter
from charter.errors import InvalidRequest
from charter.monitor import cost
from charter.monitor.alerts.delivery import sink_health, start_delivery, stop_delivery
from charter.monitor.alerts.silences import create_silence, expire_silence, list_silences
from charter.monitor.alerts.state import list_alerts
from charter.monitor.budgets import close_meter
from charter.runtime import Runtime

__all__ = ["router", "setup"]

router = APIRouter(tags=["alerts"])


class SilenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    matchers: dict[str, str] = Field(min_length=1, max_length=20)
    for_: str = Field(alias="for", min_length=2, max_length=8, description="How long: 30m, 2h, 7d.")
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/api/v1/alerts")
def alerts(
    p: Overseer,
    rt: RuntimeDep,
    status: Literal["pending", "firing", "resolved", "open"] | None = Query(default=None),
    limit: int = Query(200, ge=1, le=1000),
) -> list[dict[str, Any]]:
    return rt.read(lambda conn: list_alerts(conn, None if p.platform else p.tenant_id, status=status, limit=limit))


@router.get("/api/v1/alerts/silences")
def silences(
    p: Overseer,
    rt: RuntimeDep,
    now: RequestTime,
    all_: bool = Query(False, alias="all", description="Include ended silences."),
) -> list[dict[str, Any]]:
    return rt.read(lambda conn: list_silences(conn, p.tenant_id, now, include_ended=all_))


@router.post("/api/v1/alerts/silences", status_code=201)
def silence(body: SilenceIn, p: Admin, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(
        lambda c: create_silence(
            c, p.tenant_id, matchers=body.matchers, duration=body.for_, reason=body.reason, actor=p.key_id, now=now
        )
    )


@router.delete("/api/v1/alerts/silences/{silence_id}")
def unsilence(silence_id: str, p: Admin, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(lambda c: expire_silence(c, p.tenant_id, silence_id, actor=p.key_id, now=now))


@router.get("/api/v1/alerts/sinks")
def sinks(p: Admin, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: [h.as_dict() for h in sink_health(conn)])


def _day(value: str | None, default: dt.datetime, param: str) -> dt.datetime:
    if value is None:
        return default
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    except ValueError:
        raise InvalidRequest(f"{param}: a date such as 2026-12-01", code="invalid_value", param=param) from None


@router.get("/api/v1/cost/spend")
def spend(
    p: RecordReader,
    rt: RuntimeDep,
    now: RequestTime,
    since: str | None = Query(default=None, max_length=32, description="ISO date; default 30 days ago."),
    until: str | None = Query(default=None, max_length=32, description="ISO date (exclusive); default now."),
    use_case: UseCaseFilter = None,
    group_by: list[Literal["tenant", "use_case", "model", "day"]] = Query(default=list(cost.GROUPS)),
) -> list[dict[str, Any]]:
    start = _day(since, now - dt.timedelta(days=30), "since")
    end = _day(until, now, "until")
    with rt.engine.connect() as conn:
        return cost.spend(
            conn,
            since=start,
            until=end,
            tenant_id=None if p.platform else p.tenant_id,
            use_case=use_case,
            group_by=tuple(dict.fromkeys(group_by)),
        )


@router.get("/api/v1/cost/report/{use_case}")
def report(
    use_case: str, p: RecordReader, rt: RuntimeDep, now: RequestTime, days: int = Query(30, ge=1, le=366)
) -> dict[str, Any]:
    return rt.read(lambda conn: cost.use_case_report(conn, p.tenant_id, use_case, now=now, days=days))


def setup(app: FastAPI) -> None:
    """Deliver queued alert notices for as long as the app runs; close the budget meter at the end."""

    async def stop(rt: Runtime) -> None:
        await stop_delivery(rt)
        await close_meter(rt)

    app.state.on_start.append(start_delivery)
    app.state.on_stop.append(stop)
