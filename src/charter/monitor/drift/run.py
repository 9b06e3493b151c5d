"""A drift run: load both windows, run every detector, hold all p-values to one corrected cutoff,
store the run and its findings, and ledger ``monitor.drift_detected`` when anything drifted.

The scheduler runs :func:`check_all` as the ``drift.check`` job; ``charter monitor drift USE_CASE
--run`` and ``POST /api/v1/use-cases/{name}/drift`` run :func:`check_use_case` now.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, exists, select

from charter import ledger
from charter.domain import Charter
from charter.domain.charter import DriftMonitor
from charter.errors import Conflict
from charter.monitor.drift import stats
from charter.monitor.drift.detectors import Outcome, detect
from charter.monitor.drift.findings import finding_json, latest_findings, latest_run
from charter.monitor.drift.load import load_window
from charter.monitor.drift.tables import drift_embeddings, drift_findings, drift_runs
from charter.policy.current import current_charters, get_use_case
from charter.runtime import Runtime
from charter.store.schema import interaction_raw, new_id, utcnow
from charter.store.types import iso

__all__ = ["ACTION", "RunResult", "check_all", "check_use_case", "drift_report", "prune_orphan_embeddings", "windows"]

log = logging.getLogger(__name__)

#: The ledger action of a run that found drift.
ACTION = "monitor.drift_detected"


@dataclass(frozen=True)
class RunResult:
    run_id: str
    use_case: str
    tests: int
    drifted: list[dict[str, Any]]
    skipped: int


Span = tuple[dt.datetime, dt.datetime]


def windows(monitor: DriftMonitor, now: dt.datetime) -> tuple[Span, Span]:
    """``(baseline, recent)``: the recent window ends now; the baseline window ends where it starts."""
    recent_start = now - dt.timedelta(seconds=monitor.recent_s)
    return (recent_start - dt.timedelta(seconds=monitor.baseline_s), recent_start), (recent_start, now)


def _finding_rows(
    outcomes: list[Outcome], cutoff: float, base: Any, recent: Any, ids: dict[str, str], now: dt.datetime
) -> list[dict[str, Any]]:
    return [
        {
            "id": new_id("dft"),
            **ids,
            "detector": o.detector,
            "segment": o.segment[:200],
            "test": o.test.test,
            "statistic": round(o.test.statistic, 6),
            "p_value": o.test.p_value,
            "threshold": cutoff,
            "drifted": o.test.p_value <= cutoff,
            "baseline_value": o.test.baseline_value,
            "recent_value": o.test.recent_value,
            "n_baseline": o.n_baseline,
            "n_recent": o.n_recent,
            "baseline_start": base[0],
            "baseline_end": base[1],
            "recent_start": recent[0],
            "recent_end": recent[1],
            "created_at": now,
        }
        for o in outcomes
    ]


def _terms(run: Mapping[str, Any]) -> dict[str, Any]:
    """What a run compared and how: the part of it that its ledger entry and its report both show."""
    return {
        "charter_version": run["charter_version"],
        "baseline": [iso(run["baseline_start"]), iso(run["baseline_end"])],
        "recent": [iso(run["recent_start"]), iso(run["recent_end"])],
        "correction": run["correction"],
        "alpha": run["alpha"],
        "tests": run["tests"],
    }


def _store(
    rt: Runtime, run: dict[str, Any], rows: list[dict[str, Any]], use_case: str, actor: str
) -> list[dict[str, Any]]:
    keys = ("detector", "segment", "test", "statistic", "p_value", "threshold", "n_baseline", "n_recent")
    drifted = [{k: r[k] for k in keys} for r in rows if r["drifted"]]

    def write(conn: Connection) -> None:
        conn.execute(drift_runs.insert(), run)
        if rows:
            conn.execute(drift_findings.insert(), [{**r, "run_id": run["id"]} for r in rows])
        if drifted:
            ledger.append(
                conn,
                tenant_id=run["tenant_id"],
                actor=actor,
                action=ACTION,
                subject=run["id"],
                event={
                    "use_case": use_case,
                    **_terms(run),
                    "drifted": drifted,
                },
            )

    rt.writer.write(write)
    return drifted


def _check(rt: Runtime, tenant_id: str, name: str, now: dt.datetime, actor: str) -> RunResult:
    with rt.engine.connect() as conn:
        uc = get_use_case(conn, tenant_id, name)
        monitor = Charter.model_validate(uc["charter"]).monitor
        if monitor is None:
            raise Conflict(
                f"use case {name!r} has no `monitor:` in its charter; add one (docs/charter.md, monitor) and apply it",
                code="monitor_not_configured",
            )
        base, recent = windows(monitor, now)
        limit, with_vectors = rt.settings.drift_max_events, monitor.embeddings is not None
        b = load_window(conn, tenant_id, uc["id"], base, max_events=limit, embeddings=with_vectors)
        r = load_window(conn, tenant_id, uc["id"], recent, max_events=limit, embeddings=with_vectors)
    outcomes, skipped = detect(monitor, b, r)
    cutoff = stats.correct([o.test.p_value for o in outcomes], monitor.alpha, monitor.correction)
    ids = {"tenant_id": tenant_id, "use_case_id": uc["id"]}
    ran_at = utcnow()  # when it ran; ``now`` only places the windows
    rows = _finding_rows(outcomes, cutoff, base, recent, ids, ran_at)
    run = {
        "id": new_id("drr"),
        **ids,
        "charter_version": uc["version"],
        "correction": monitor.correction,
        "alpha": monitor.alpha,
        "tests": len(outcomes),
        "drifted": sum(1 for row in rows if row["drifted"]),
        "skipped": [s.as_json() for s in skipped[:200]],
        "baseline_start": base[0],
        "baseline_end": base[1],
        "recent_start": recent[0],
        "recent_end": recent[1],
        "created_at": ran_at,
    }
    drifted = _store(rt, run, rows, name, actor)
    if with_vectors:
        _prune(rt, uc["id"], base[0])
    return RunResult(run["id"], name, len(outcomes), drifted, len(skipped))


def _prune(rt: Runtime, use_case_id: str, before: dt.datetime) -> None:
    """Sampled embeddings older than the baseline window serve no detector: delete them."""
    stmt = delete(drift_embeddings).where(
        drift_embeddings.c.use_case_id == use_case_id, drift_embeddings.c.created_at < before
    )
    rt.writer.write(lambda conn: conn.execute(stmt))


async def check_use_case(
    rt: Runtime, tenant_id: str, name: str, *, now: dt.datetime | None = None, actor: str = "system"
) -> RunResult:
    """Run every detector of use case ``name`` now (409 ``monitor_not_configured`` without ``monitor:``)."""
    return await asyncio.to_thread(_check, rt, tenant_id, name, now or utcnow(), actor)


def _monitored(conn: Connection) -> list[tuple[str, str]]:
    return [(c.tenant_id, c.name) for c in current_charters(conn) if c.body.get("monitor")]


def prune_orphan_embeddings(rt: Runtime) -> int:
    """Delete sampled embeddings whose content is gone: the interaction's raw tier was deleted
    (retention, a subject's erasure) or its use case no longer opts in (``monitor.embeddings``).
    An embedding never outlives the text it was computed from by more than one ``drift.check``."""
    with rt.engine.connect() as conn:
        rows = current_charters(conn)
    opted_out = [c.use_case_id for c in rows if not (c.body.get("monitor") or {}).get("embeddings")]
    raw_gone = ~exists().where(interaction_raw.c.interaction_id == drift_embeddings.c.interaction_id)

    def write(conn: Connection) -> int:
        stmt = delete(drift_embeddings).where(raw_gone | drift_embeddings.c.use_case_id.in_(opted_out))
        return int(conn.execute(stmt).rowcount or 0)

    return rt.writer.write(write)


async def check_all(rt: Runtime) -> dict[str, Any]:
    """The ``drift.check`` job: every use case whose charter has ``monitor:``."""
    pruned = await asyncio.to_thread(prune_orphan_embeddings, rt)
    with rt.engine.connect() as conn:
        monitored = _monitored(conn)
    checked, drifted, failed = 0, list[str](), list[str]()
    for tenant_id, name in monitored:
        try:
            result = await check_use_case(rt, tenant_id, name, actor="drift.check")
        except Exception:  # one use case's failure does not stop the others; the outcome names it
            log.exception("drift.check: use case %s failed", name)
            failed.append(name)
            continue
        checked += 1
        drifted.extend(f"{name}:{d['detector']}:{d['segment']}" for d in result.drifted)
    return {"use_cases": checked, "drifted": drifted[:50], "failed": failed, "embeddings_pruned": pruned}


def drift_report(conn: Connection, tenant_id: str, name: str) -> dict[str, Any]:
    """The latest stored run of use case ``name`` with its findings (the CLI's and the API's body)."""
    uc = get_use_case(conn, tenant_id, name)
    run = latest_run(conn, tenant_id, uc["id"])
    if run is None:
        return {"use_case": name, "run": None, "findings": []}
    extra = {
        (r.detector, r.segment): r
        for r in conn.execute(
            select(drift_findings.c.detector, drift_findings.c.segment, drift_findings.c.test,
                   drift_findings.c.baseline_value, drift_findings.c.recent_value)
            .where(drift_findings.c.run_id == run["id"])
        ).all()
    }
    findings = []
    for f in latest_findings(conn, tenant_id, uc["id"]):
        more = extra[(f.detector, f.segment)]
        findings.append(
            {**finding_json(f), "test": more.test, "baseline_value": more.baseline_value,
             "recent_value": more.recent_value}
        )
    return {
        "use_case": name,
        "run": {
            "id": run["id"],
            "created_at": iso(run["created_at"]),
            **_terms(run),
            "drifted": run["drifted"],
            "skipped": run["skipped"],
        },
        "findings": findings,
    }

