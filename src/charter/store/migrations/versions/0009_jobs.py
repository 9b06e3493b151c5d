"""jobs: the scheduler's lease per job and its run history

Revision ID: 0009_jobs
Revises: 0001_core

One ``job_leases`` row per job: the replica holding it while a run is in progress, the lease expiry it
renews, and when the job is due next; a replica takes it with one conditional UPDATE, so exactly one
replica runs each job per interval. ``job_runs`` keeps every run (replica, times, status, outcome,
error) for ``charter jobs list`` and ``GET /api/v1/jobs``. ``health_probes``: one row per host that
the store-writable health check (``/readyz``, ``charter doctor``) writes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_jobs"
down_revision = "0001_core"
branch_labels = ("jobs",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=True),
        sa.Column("run_id", sa.String(length=40), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("replica", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_job_runs_job_started", "job_runs", ["job", "started_at"])
    op.create_index("ix_job_runs_started", "job_runs", ["started_at"])
    op.create_table(
        "health_probes",
        sa.Column("host", sa.String(length=128), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("replica", sa.String(length=128), nullable=False),
        sa.Column("probed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_health_probes")),
    )


def downgrade() -> None:
    op.drop_table("health_probes")
    op.drop_index("ix_job_runs_started", table_name="job_runs")
    op.drop_index("ix_job_runs_job_started", table_name="job_runs")
    op.drop_table("job_runs")
    op.drop_table("job_leases")
