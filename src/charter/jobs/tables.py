"""The scheduler's tables: one lease row per job and one row per run; and ``health_probes``, the row
per host that the store-writable health check (:mod:`charter.monitor.health`) writes through the
writer (a real write, one small row per host).

Platform-wide (``tenant_id`` is the ledger's global ``*``), not per tenant: a job (the review SLA
sweep, knowledge-base retention, scheduled suite runs) works across tenants, and whatever it changes
in a tenant is ledgered there by the job itself.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, String, Text

from charter.store.schema import platform_table
from charter.store.types import loose_ref, status, timestamp

__all__ = ["health_probes", "job_leases", "job_runs"]

#: Who may run a job now and when it is due next. A replica takes the lease with one conditional
#: UPDATE (due, and free or expired); while the job runs it renews ``lease_until``.
job_leases = platform_table(
    "job_leases",
    Column("name", String(64), primary_key=True),
    Column("holder", String(128), nullable=True),  # replica id while a run holds the lease
    loose_ref("run_id", nullable=True),  # the run holding it
    timestamp("lease_until", nullable=True),
    timestamp("due_at"),
    timestamp("updated_at"),
)

job_runs = platform_table(
    "job_runs",
    Column("job", String(64), nullable=False),
    Column("replica", String(128), nullable=False),
    status(),  # running | ok | failed
    timestamp("started_at"),
    timestamp("finished_at", nullable=True),
    Column("outcome", JSON, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_job_runs_job_started", "job", "started_at"),
    Index("ix_job_runs_started", "started_at"),
)

health_probes = platform_table(
    "health_probes",
    Column("host", String(128), primary_key=True),
    Column("replica", String(128), nullable=False),
    timestamp("probed_at"),
)
