"""Settings of running Charter: scheduled jobs, health, alerts, drift checks, metrics and traces."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from charter.settings.section import Section

__all__ = ["OperationsSettings"]


class OperationsSettings(Section):
    """The scheduler and what watches the deployment (part of :class:`~charter.settings.Settings`)."""

    scheduler: Literal["on", "off"] = "on"
    """`on`: this replica's server takes part in running the scheduled jobs (`charter jobs list`); a lease in the
    store lets exactly one replica run each job per interval. `off`: this replica never runs jobs (others still do)."""
    scheduler_poll_s: float = Field(default=1.0, gt=0, le=60)
    """How often the scheduler looks for due jobs (one read)."""
    job_lease_s: float = Field(default=60.0, ge=1, le=3600)
    """A running job's lease; its replica renews it every third of this. A replica that crashes mid-run loses the
    job to another replica this long after its last renewal."""
    job_intervals: dict[str, float] = Field(default_factory=dict)
    """Per-job interval overrides in seconds, e.g. `{"oversight.sweep": 30}` (JSON). A name that is not a job stops
    the scheduler's start."""
    health_ledger_max_pending: int = Field(default=10_000, ge=1)
    """`/readyz` fails when more ledger entries than this wait for a signed checkpoint."""
    health_ledger_max_age_s: float = Field(default=300.0, gt=0)
    """`/readyz` fails when the oldest ledger entry waiting for a signed checkpoint is older than this many seconds
    (the checkpointer is behind or failing)."""
    health_job_failures: int = Field(default=3, ge=1)
    """Consecutive failed runs of one job that `/readyz` reports."""
    health_timeout_s: float = Field(default=5.0, gt=0, le=60)
    """Each `/readyz` / `charter doctor` check fails after this many seconds."""
    readyz_detail: Literal["loopback", "key"] = "loopback"
    """Who sees which `/readyz` checks failed and why: `loopback` (callers on 127.0.0.1/::1, or with an admin or
    auditor key) or `key` (only with an admin or auditor key; use it when a proxy on the same host forwards outside
    traffic). Everyone else gets the bare status."""
    alerts_file: Path | None = None
    """Alert sinks and platform-wide alert rules (YAML: `sinks:`, `rules:`; docs/operations.md, Alerts). Unset: no
    sinks (alerts are recorded, ledgered and logged) and no platform rules."""
    alert_repeat_interval_s: float = Field(default=14_400.0, ge=60)
    """An alert still firing is notified again after this many seconds (default 4 h)."""
    alert_evaluate_interval_s: float = Field(default=60.0, ge=5, le=3600)
    """How often the `alerts.evaluate` job evaluates every alert rule."""
    alert_retry_base_s: float = Field(default=5.0, gt=0, le=3600)
    """First retry delay of a notice a sink failed to deliver; doubles on every failure."""
    alert_retry_max_s: float = Field(default=900.0, gt=0, le=86_400)
    """Longest delay between two delivery attempts of a notice."""
    alert_max_attempts: int = Field(default=50, ge=1, le=10_000)
    """Delivery attempts of one notice before it is given up (`dead`)."""
    drift_check_interval_s: float = Field(default=3600.0, ge=60, le=7 * 86400)
    """How often the `drift.check` job compares each monitored use case's recent window with its baseline (charter
    `monitor:`; docs/operations.md, Production drift and bias)."""
    drift_max_events: int = Field(default=50_000, ge=100, le=5_000_000)
    """Most interactions (the newest) and sampled embeddings a drift run reads per window."""
    metrics_enabled: bool = True
    """Count every exchange in Prometheus metrics and serve them at `GET /metrics` (docs/operations.md, Monitoring).
    Off: nothing is counted and `/metrics` is `404 metrics_disabled`."""
    metrics_access: Literal["loopback", "key", "open"] = "loopback"
    """Who may read `GET /metrics`: `loopback` = clients on the same host without a key, others with an admin or
    auditor key (or a key with the `metrics` scope); `key` = always such a key; `open` = anyone who can reach the
    port."""
    metrics_label_limit: int = Field(default=100, ge=1, le=10_000)
    """Most distinct values a metric label (tenant, use case, model, guard, error code) takes in one process; later
    values are counted under `other`."""
    metrics_store_cache_s: float = Field(default=5.0, ge=0, le=300)
    """How long the store-derived metrics (review queue, review items, feedback, ledger lag) computed for one scrape
    are reused by the next."""
    otlp_endpoint: str | None = None
    """OTLP/HTTP traces endpoint (`http://collector:4318`; `/v1/traces` is added when the path does not end with
    it). Unset (default): no traces. It must be on `CHARTER_OUTBOUND_ALLOW`."""
    otlp_timeout_s: float = Field(default=5.0, gt=0, le=60)
    """Timeout of one OTLP export; a failed export is logged and dropped."""
