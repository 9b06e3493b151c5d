"""Scheduled suite runs (ME-2): a charter with ``eval: {schedule: 1d}`` has its evaluation suite run on
its production variant (the charter's first model and its production prompt label) that often, then
the drift check of :func:`charter.evals.drift.check_drift` against the run that admitted that variant;
a drift fires the ``eval.drift`` alert (resolved by the next run within bounds).

The ``eval.scheduled`` job looks every minute for use cases whose last scheduled run started a
schedule ago or more; the job's lease makes one replica do it. Runs are started by ``scheduler``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select

from charter.domain.charter import EvalPolicy
from charter.errors import CharterError
from charter.evals import experiments
from charter.evals.drift import check_drift
from charter.evals.suites import get_suite
from charter.evals.tables import eval_runs
from charter.evals.targets import ProviderTarget
from charter.monitor.alerts import Alert, fire, resolve
from charter.policy.current import IN_FORCE, get_charter
from charter.runtime import Runtime
from charter.store.schema import charter_versions, tenants, use_cases, utcnow
from charter.store.types import iso

__all__ = ["ACTOR", "DueSuite", "due_suites", "run_scheduled_suites", "run_suite"]

#: ``started_by`` of scheduled runs (and the actor of their ledger entries).
ACTOR = "scheduler"


@dataclass(frozen=True)
class DueSuite:
    tenant_id: str
    tenant: str
    use_case: str
    use_case_id: str
    schedule: str
    last_started_at: dt.datetime | None


def due_suites(engine: Engine, now: dt.datetime) -> list[DueSuite]:
    """Use cases whose current charter has ``eval.schedule`` and whose last scheduled run started at
    least that long before ``now`` (or never)."""
    last = (
        select(eval_runs.c.use_case_id, func.max(eval_runs.c.started_at).label("last"))
        .where(eval_runs.c.started_by == ACTOR, eval_runs.c.use_case_id.is_not(None))
        .group_by(eval_runs.c.use_case_id)
        .subquery()
    )
    query = (
        select(use_cases.c.id, use_cases.c.name, use_cases.c.tenant_id, tenants.c.name.label("tenant"),
               charter_versions.c.body, last.c.last)
        .join(tenants, tenants.c.id == use_cases.c.tenant_id)
        .join(charter_versions, IN_FORCE)
        .outerjoin(last, last.c.use_case_id == use_cases.c.id)
        .order_by(use_cases.c.tenant_id, use_cases.c.name)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    due = []
    for row in rows:
        spec = (row.body or {}).get("eval")
        if not spec:
            continue
        policy = EvalPolicy.model_validate(spec)
        every = policy.schedule_s
        if every is None or policy.schedule is None:
            continue
        last_at = None if row.last is None else _aware(row.last)
        if last_at is None or last_at + dt.timedelta(seconds=every) <= now:
            due.append(DueSuite(row.tenant_id, row.tenant, row.name, row.id, policy.schedule, last_at))
    return due


def _aware(value: dt.datetime) -> dt.datetime:
    """``max()`` bypasses the column type on SQLite: make what it returns an aware UTC datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _plan(rt: Runtime, tenant_id: str, use_case: str) -> tuple[experiments.ExperimentPlan, str]:
    """The suite on the production variant: what ``charter eval run --use-case`` runs."""
    with rt.engine.connect() as conn:
        suite = get_suite(conn, tenant_id, use_case)
        charter = get_charter(conn, tenant_id, use_case)[2]
    prompt = f"{charter.prompt}:{charter.prompt_label}" if charter.prompt else None
    plan = experiments.ExperimentPlan(
        dataset=f"{suite.dataset}@{suite.dataset_version}",
        models=(charter.models[0],),
        evaluators=suite.evaluators,
        prompts=(prompt,),
        use_case=use_case,
        params=dict(suite.params),
    )
    return plan, suite.use_case_id


async def run_suite(rt: Runtime, tenant_id: str, use_case: str, *, concurrency: int = 4) -> dict[str, Any]:
    """Run the use case's suite on its production variant, then check it for drift."""
    plan, use_case_id = await asyncio.to_thread(_plan, rt, tenant_id, use_case)
    target = ProviderTarget(rt, tenant_id)
    try:
        await asyncio.to_thread(experiments.build_evaluators, rt, plan.evaluators, target, tenant_id=tenant_id)
        started = await rt.writer.awrite(
            lambda c: experiments.start_experiment(
                c, tenant_id, plan, actor=ACTOR, target="providers", use_case_id=use_case_id
            )
        )
        runs = await experiments.execute(
            rt, tenant_id, started["experiment_id"], target, concurrency=concurrency, actor=ACTOR
        )
    finally:
        await target.aclose()
    result: dict[str, Any] = {
        "use_case": use_case,
        "experiment_id": started["experiment_id"],
        "runs": [{"run_id": r["run_id"], "status": r["status"], "aggregates": r["aggregates"]} for r in runs],
    }
    if any(r["status"] != "finished" for r in runs):
        result["error"] = "the suite run did not finish: " + "; ".join(f for r in runs for f in r["failures"])[:500]
        return result
    drift = await rt.writer.awrite(lambda c: check_drift(c, tenant_id, use_case, actor=ACTOR))
    result["drift"] = {k: drift[k] for k in ("drifted", "failures", "baseline_run_id")}
    alert = Alert(
        tenant_id=tenant_id,
        name="eval.drift",
        severity="warning",
        summary=f"{use_case}: the scheduled suite run drifted from its baseline: " + "; ".join(drift["failures"])
        if drift["drifted"]
        else f"{use_case}: the scheduled suite run is within its baseline's bounds",
        use_case=use_case,
    )
    await (fire(rt, alert) if drift["drifted"] else resolve(rt, alert))
    return result


async def run_scheduled_suites(rt: Runtime, now: dt.datetime | None = None) -> dict[str, Any]:
    """The ``eval.scheduled`` job: every due suite, one after another. A use case that cannot run
    (no suite, no model) is listed under ``errors`` and the others still run."""
    due = await asyncio.to_thread(due_suites, rt.engine, now or utcnow())
    ran: list[dict[str, Any]] = []
    errors: list[str] = []
    for item in due:
        where = f"{item.tenant}/{item.use_case}"
        try:
            result = await run_suite(rt, item.tenant_id, item.use_case)
        except CharterError as exc:
            errors.append(f"{where}: {exc.message}")
            continue
        ran.append({"tenant": item.tenant, "last_started_at": iso(item.last_started_at), **result})
        if "error" in result:
            errors.append(f"{where}: {result['error']}")
    return {"due": len(due), "ran": ran, "errors": errors}
