"""The findings API: what a drift run concluded, per detector and segment (read by alert rules,
the CLI and the API)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from charter.monitor.drift.tables import drift_findings, drift_runs
from charter.store.records import from_row

__all__ = ["Finding", "finding_json", "latest_findings", "latest_run"]


@dataclass(frozen=True)
class Finding:
    detector: str  # "input_length", "language_mix", "refusal_rate", "embedding_shift", ...
    segment: str  # "all" or "language=fr" / "metadata.channel=web"
    statistic: float
    p_value: float | None
    threshold: float
    drifted: bool
    baseline: tuple[datetime, datetime]
    recent: tuple[datetime, datetime]
    n_baseline: int
    n_recent: int


def latest_run(conn: Connection, tenant_id: str, use_case_id: str) -> dict[str, Any] | None:
    """The newest stored drift run of a use case (a row mapping), or ``None``."""
    row = conn.execute(
        select(drift_runs)
        .where(drift_runs.c.tenant_id == tenant_id, drift_runs.c.use_case_id == use_case_id)
        .order_by(drift_runs.c.created_at.desc(), drift_runs.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else dict(row._mapping)


def latest_findings(conn: Connection, tenant_id: str, use_case_id: str) -> list[Finding]:
    """The findings of the newest drift run of a use case (empty when none ran yet)."""
    run = latest_run(conn, tenant_id, use_case_id)
    if run is None:
        return []
    rows = conn.execute(
        select(drift_findings)
        .where(drift_findings.c.run_id == run["id"], drift_findings.c.tenant_id == tenant_id)
        .order_by(drift_findings.c.detector, drift_findings.c.segment)
    ).all()
    return [
        from_row(Finding, r, drifted=bool(r.drifted), baseline=(r.baseline_start, r.baseline_end),
                 recent=(r.recent_start, r.recent_end))
        for r in rows
    ]


def finding_json(f: Finding) -> dict[str, Any]:
    """A finding as JSON (the CLI's and the API's shape)."""
    return {
        **asdict(f),
        "baseline": [when.isoformat() for when in f.baseline],
        "recent": [when.isoformat() for when in f.recent],
    }
