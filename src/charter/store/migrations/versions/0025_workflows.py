"""workflows: versioned definitions, durable runs, step records and batches

Revision ID: 0025_workflows
Revises: 0001_core

Tables of :mod:`charter.workflows.tables` (docs/workflows.md): ``workflows`` (immutable versions),
``workflow_batches`` (batch runs and their sign-off), ``workflow_runs`` (durable state, lease,
budgets spent) and ``workflow_steps`` (intent before, result after each step).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_workflows"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "workflows",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("tenant_id", "name", "version"),
    )
    op.create_table(
        "workflow_batches",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("workflow_id", sa.String(40), sa.ForeignKey("workflows.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        _ts("created_at"),
        sa.Column("signed_off_by", sa.String(64), nullable=True),
        _ts("signed_off_at", nullable=True),
    )
    op.create_index("ix_workflow_batches_tenant_created", "workflow_batches", ["tenant_id", "created_at"])
    op.create_table(
        "workflow_runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("workflow_id", sa.String(40), sa.ForeignKey("workflows.id"), nullable=False),
        sa.Column("batch_id", sa.String(40), sa.ForeignKey("workflow_batches.id"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("waiting_for", sa.String(16), nullable=True),
        sa.Column("review_id", sa.String(40), nullable=True),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("steps_run", sa.Integer, nullable=False),
        sa.Column("tokens", sa.Integer, nullable=False),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        _ts("lease_until", nullable=True),
        sa.Column("started_by", sa.String(64), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("deadline_at", nullable=True),
        _ts("finished_at", nullable=True),
    )
    op.create_index("ix_workflow_runs_tenant_created", "workflow_runs", ["tenant_id", "created_at"])
    op.create_index("ix_workflow_runs_batch", "workflow_runs", ["batch_id"])
    op.create_table(
        "workflow_steps",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("workflow_runs.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("sealed", sa.JSON, nullable=True),
        sa.Column("inputs_sha256", sa.String(64), nullable=True),
        sa.Column("output_sha256", sa.String(64), nullable=True),
        sa.Column("interaction_id", sa.String(40), nullable=True),
        sa.Column("tokens", sa.Integer, nullable=False),
        sa.Column("error_code", sa.String(64), nullable=True),
        _ts("started_at"),
        _ts("finished_at", nullable=True),
        sa.UniqueConstraint("run_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("workflow_steps")
    op.drop_index("ix_workflow_runs_batch", table_name="workflow_runs")
    op.drop_index("ix_workflow_runs_tenant_created", table_name="workflow_runs")
    op.drop_table("workflow_runs")
    op.drop_index("ix_workflow_batches_tenant_created", table_name="workflow_batches")
    op.drop_table("workflow_batches")
    op.drop_table("workflows")
