"""Drift of a use case in production (ME-2): its latest scheduled suite run against the baseline.

A scheduled job (cron, the monitor capability) runs the suite on the production variant
(``charter eval run --use-case X``) and then :func:`check_drift` (``charter eval drift --use-case
X``): the latest finished suite run of the production prompt and model is compared with the run
that admitted the production version through the gate, using the regression bounds
(``max_drop``/``max_rise``) of the thresholds. A drift is appended to the ledger
(``eval.drift_detected``) and the command exits non-zero so the scheduler can alert.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from charter import ledger
from charter.errors import NotFound
from charter.evals.gate import check_thresholds, find_run, merge_thresholds, production_prompt
from charter.evals.suites import get_suite
from charter.evals.tables import eval_runs, gate_decisions
from charter.policy.current import get_charter
from charter.prompts.tables import prompt_label_moves

__all__ = ["check_drift"]


def _baseline(conn: Connection, tenant_id: str, suite: Any, version: Any, model: str) -> Any:
    if version is not None:
        gate_id = conn.execute(
            select(prompt_label_moves.c.gate_id)
            .where(
                prompt_label_moves.c.prompt_id == version.prompt_id,
                prompt_label_moves.c.to_version_id == version.id,
                prompt_label_moves.c.gate_id.is_not(None),
            )
            .order_by(prompt_label_moves.c.moved_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        run_id = (
            None
            if gate_id is None
            else conn.execute(
                select(gate_decisions.c.run_id).where(gate_decisions.c.id == gate_id)
            ).scalar_one_or_none()
        )
        if run_id is not None:
            row = conn.execute(select(eval_runs).where(eval_runs.c.id == run_id)).first()
            if row is not None and row.dataset_id == suite.dataset_id:
                return row
    query = select(eval_runs).where(
        eval_runs.c.tenant_id == tenant_id,
        eval_runs.c.status == "finished",
        eval_runs.c.dataset_id == suite.dataset_id,
        eval_runs.c.model == model,
        eval_runs.c.prompt_version_id == version.id if version else eval_runs.c.prompt_version_id.is_(None),
    )
    return conn.execute(query.order_by(eval_runs.c.finished_at.asc()).limit(1)).first()


def check_drift(conn: Connection, tenant_id: str, use_case: str, *, actor: str, record: bool = True) -> dict[str, Any]:
    """Compare the latest production suite run with its baseline; with ``record``, ledger a drift."""
    suite = get_suite(conn, tenant_id, use_case)
    model = get_charter(conn, tenant_id, use_case)[2].models[0]
    version = production_prompt(conn, tenant_id, use_case)
    latest = find_run(conn, tenant_id, suite, prompt_version_id=None if version is None else version.id, model=model)
    if latest is None:
        raise NotFound(
            f"no finished suite run of {use_case}'s production variant: `charter eval run --use-case {use_case}` first"
        )
    baseline = _baseline(conn, tenant_id, suite, version, model)
    thresholds = merge_thresholds(suite.thresholds, version.thresholds if version else {})
    regression = {m: {k: v for k, v in b.items() if k in ("max_drop", "max_rise")} for m, b in thresholds.items()}
    regression = {m: b for m, b in regression.items() if b}
    checks = check_thresholds(regression, latest.aggregates or {}, None if baseline is None else baseline.aggregates)
    failed = [c.message() for c in checks if not c.passed]
    result = {
        "use_case": use_case,
        "run_id": latest.id,
        "baseline_run_id": None if baseline is None else baseline.id,
        "drifted": bool(failed),
        "failures": failed,
        "checks": [c.as_dict() for c in checks],
    }
    if failed and record:
        ledger.append(
            conn,
            tenant_id=tenant_id,
            actor=actor,
            action="eval.drift_detected",
            subject=f"use_case:{use_case}",
            event=result,
        )
    return result
