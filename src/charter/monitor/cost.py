"""Cost: what each exchange costs, spend per tenant, use case, model and day, and the report that
compares a use case's candidate models (``charter cost report``), with each registered version's
total cost: its fine-tuning (CPU/GPU hours at the configured prices), its serving cost per 1,000
answers and its quality on the suite.

**What an exchange costs** (:func:`exchange_cost`, stored in ``interactions.cost`` by the record
stage, so spend, budgets and reports read one figure): the model entry's token prices
(``price_prompt_per_1k`` * prompt tokens + ``price_completion_per_1k`` * completion tokens, / 1000)
plus, for self-hosted hardware, its ``hourly_cost`` * the exchange's busy time (``latency_ms``, from
arrival to answer) / 3,600,000. Busy-time attribution charges each request the hardware it held
while it was served; idle hours are charged to no one and concurrent requests each pay their own
wall time (so a server that batches is charged at most its busy cost). The report also shows each
model's full hourly cost, so an agency can weigh the idle time its hardware will be paid for anyway.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, and_, func, select

from charter.domain import ModelEntry
from charter.domain.charter import Charter
from charter.evals.tables import eval_results, eval_runs, eval_suites
from charter.policy.current import get_charter
from charter.store.schema import interactions, model_versions, models, tenants, use_cases
from charter.training.tables import training_jobs

__all__ = ["GROUPS", "cost_report", "exchange_cost", "percentile", "spend", "use_case_report"]

#: What ``spend`` may group by.
GROUPS = ("tenant", "use_case", "model", "day")
_ANSWERED = ("ok", "held")


def exchange_cost(model: ModelEntry | None, prompt_tokens: int, completion_tokens: int, latency_ms: float) -> float:
    """The cost of one exchange (see the module's docstring for the rule)."""
    if model is None:
        return 0.0
    tokens = (prompt_tokens * model.price_prompt_per_1k + completion_tokens * model.price_completion_per_1k) / 1000.0
    return tokens + model.hourly_cost * max(latency_ms, 0.0) / 3_600_000.0


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def spend(
    conn: Connection,
    *,
    since: dt.datetime,
    until: dt.datetime,
    tenant_id: str | None = None,
    use_case: str | None = None,
    group_by: tuple[str, ...] = GROUPS,
) -> list[dict[str, Any]]:
    """Spend, requests and tokens per (tenant, use case, model, day) — or the ``group_by`` subset —
    over [since, until). ``tenant_id`` None: every tenant (platform admins)."""
    cond = [interactions.c.created_at >= since, interactions.c.created_at < until]
    if tenant_id is not None:
        cond.append(interactions.c.tenant_id == tenant_id)
    if use_case is not None:
        cond.append(use_cases.c.name == use_case)
    rows = conn.execute(
        select(
            tenants.c.name.label("tenant"),
            use_cases.c.name.label("use_case"),
            interactions.c.model_alias.label("model"),
            interactions.c.created_at,
            interactions.c.cost,
            interactions.c.prompt_tokens,
            interactions.c.completion_tokens,
        )
        .join(use_cases, use_cases.c.id == interactions.c.use_case_id)
        .join(tenants, tenants.c.id == interactions.c.tenant_id)
        .where(and_(*cond))
    ).all()
    totals: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        fields = {"tenant": r.tenant, "use_case": r.use_case, "model": r.model, "day": r.created_at.date().isoformat()}
        key = tuple(fields[g] for g in group_by)
        entry = totals.setdefault(key, {**{g: fields[g] for g in group_by}, "cost": 0.0, "requests": 0,
                                        "prompt_tokens": 0, "completion_tokens": 0})
        entry["cost"] += r.cost
        entry["requests"] += 1
        entry["prompt_tokens"] += r.prompt_tokens
        entry["completion_tokens"] += r.completion_tokens
    out = [{**v, "cost": round(v["cost"], 6)} for v in totals.values()]
    return sorted(out, key=lambda e: tuple(str(e[g]) for g in group_by))


def _production(conn: Connection, use_case_id: str, since: dt.datetime) -> dict[str, dict[str, list[float]]]:
    rows = conn.execute(
        select(interactions.c.model_alias, interactions.c.cost, interactions.c.latency_ms).where(
            interactions.c.use_case_id == use_case_id,
            interactions.c.created_at >= since,
            interactions.c.status.in_(_ANSWERED),
        )
    ).all()
    out: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"cost": [], "latency": []})
    for r in rows:
        out[r.model_alias or ""]["cost"].append(r.cost)
        out[r.model_alias or ""]["latency"].append(r.latency_ms)
    return out


def _latest_runs(conn: Connection, tenant_id: str, use_case_id: str) -> dict[str, Any]:
    """The newest finished run per model on the use case's suite (its dataset), or on any dataset."""
    dataset = conn.execute(
        select(eval_suites.c.dataset_id).where(eval_suites.c.use_case_id == use_case_id)
    ).scalar_one_or_none()
    query = select(eval_runs).where(
        eval_runs.c.tenant_id == tenant_id,
        eval_runs.c.use_case_id == use_case_id,
        eval_runs.c.status == "finished",
    )
    if dataset is not None:
        query = query.where(eval_runs.c.dataset_id == dataset)
    latest: dict[str, Any] = {}
    for run in conn.execute(query.order_by(eval_runs.c.finished_at.desc())).all():
        latest.setdefault(run.model, run)
    return latest


def _run_figures(conn: Connection, run_id: str) -> dict[str, list[float]]:
    rows = conn.execute(
        select(eval_results.c.cost, eval_results.c.latency_ms).where(eval_results.c.run_id == run_id)
    ).all()
    return {"cost": [r.cost for r in rows], "latency": [r.latency_ms for r in rows]}


def _per_1k(costs: list[float]) -> float | None:
    return round(1000.0 * sum(costs) / len(costs), 6) if costs else None


def _version_costs(
    conn: Connection, tenant_id: str, use_case_id: str, alias: str, since: dt.datetime, runs: dict[str, Any]
) -> list[dict[str, Any]]:
    """Per registered version of ``alias`` (charter.training.registry): what training it cost (its
    fine-tuning jobs at the configured CPU/GPU-hour prices), what serving it cost per 1,000 answers in
    the window, and its latest evaluation on the use case's suite (``alias@N``)."""
    versions = conn.execute(
        select(model_versions.c.id, model_versions.c.version, model_versions.c.state, model_versions.c.metrics,
               models.c.version.label("entry_version"))
        .join(models, models.c.id == model_versions.c.model_id)
        .where(model_versions.c.tenant_id == tenant_id, model_versions.c.alias == alias)
        .order_by(model_versions.c.version)
    ).all()
    if not versions:
        return []
    trained = dict(conn.execute(
        select(training_jobs.c.model_version_id, func.sum(training_jobs.c.cost))
        .where(training_jobs.c.tenant_id == tenant_id, training_jobs.c.model_version_id.in_([v.id for v in versions]))
        .group_by(training_jobs.c.model_version_id)
    ).all())
    served: dict[str, list[float]] = defaultdict(list)
    for r in conn.execute(
        select(interactions.c.model_version, interactions.c.cost).where(
            interactions.c.use_case_id == use_case_id, interactions.c.model_alias == alias,
            interactions.c.created_at >= since, interactions.c.status.in_(_ANSWERED))
    ).all():
        served[r.model_version or ""].append(r.cost)
    out = []
    for v in versions:
        training = trained.get(v.id)
        if training is None and isinstance(v.metrics, dict) and isinstance(v.metrics.get("training_cost"), int | float):
            training = v.metrics["training_cost"]
        costs = served.get(v.entry_version, [])
        run = runs.get(f"{alias}@{v.version}")
        out.append({
            "version": f"{alias}@{v.version}",
            "state": v.state,
            "training_cost": None if training is None else round(float(training), 6),
            "answers": len(costs),
            "serving_cost": round(sum(costs), 6),
            "cost_per_1000_answers": _per_1k(costs),
            "total_cost": round(float(training or 0.0) + sum(costs), 6),
            "evaluation": None if run is None else {"run_id": run.id, "aggregates": run.aggregates or {}},
        })
    return out


def cost_report(
    conn: Connection, tenant_id: str, use_case_id: str, charter: Charter, *, now: dt.datetime, days: int = 30
) -> dict[str, Any]:
    """Each candidate model of the charter (``models``): cost per 1,000 answers and latency p50/p95
    from the last ``days`` of production answers (else from its latest evaluation run), with the
    quality aggregates of its latest finished run on the use case's suite."""
    since = now - dt.timedelta(days=days)
    production = _production(conn, use_case_id, since)
    runs = _latest_runs(conn, tenant_id, use_case_id)
    hourly = dict(
        conn.execute(
            select(models.c.alias, func.max(models.c.hourly_cost))
            .where(models.c.tenant_id == tenant_id, models.c.enabled.is_(True))
            .group_by(models.c.alias)
        ).all()
    )
    candidates = []
    for alias in charter.models:
        run = runs.get(alias)
        figures: dict[str, list[float]] | None = production.get(alias)
        source: str | None = "production"
        if not figures or not figures["cost"]:
            figures, source = (_run_figures(conn, run.id), "evaluation") if run is not None else (None, None)
        latency = (figures or {}).get("latency", [])
        candidates.append(
            {
                "model": alias,
                "source": source,
                "answers": len(latency),
                "cost_per_1000_answers": _per_1k((figures or {}).get("cost", [])),
                "latency_p50_ms": percentile(latency, 50),
                "latency_p95_ms": percentile(latency, 95),
                "hourly_cost": hourly.get(alias),
                "evaluation": None
                if run is None
                else {
                    "run_id": run.id,
                    "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                    "items": run.done_count,
                    "aggregates": run.aggregates or {},
                },
                "versions": _version_costs(conn, tenant_id, use_case_id, alias, since, runs),
            }
        )
    return {"use_case": charter.name, "window_days": days, "since": since.isoformat(), "models": candidates}


def use_case_report(
    conn: Connection, tenant_id: str, use_case: str, *, now: dt.datetime, days: int = 30
) -> dict[str, Any]:
    """:func:`cost_report` for a use case by name (404 ``use_case_not_found``)."""
    use_case_id, _, charter = get_charter(conn, tenant_id, use_case)
    return cost_report(conn, tenant_id, use_case_id, charter, now=now, days=days)
