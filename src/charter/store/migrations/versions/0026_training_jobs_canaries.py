"""fine-tuning jobs and canaries

Revision ID: 0026_training_jobs_canaries
Revises: 0021_model_versions

``training_jobs`` (charter.training.jobs): queued, running (with a heartbeat, so a job whose process
died is resumed from its last checkpoint), finished with its metrics, the model version it registered
and what its CPU/GPU time cost. ``model_canaries`` (charter.training.canary): a gated candidate taking
a share of its alias's traffic, its live signals compared with the serving versions', withdrawn
automatically on a regression. ``training_jobs.dataset_id`` names a training dataset (0019) without a
foreign key, like the lineage columns of 0019: this branch does not depend on that one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_training_jobs_canaries"
down_revision = "0021_model_versions"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "training_jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.Column("dataset_id", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=128), nullable=True),
        sa.Column("heartbeat_at", _TS, nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("model_version_id", sa.String(length=40), nullable=True),
        sa.Column("device", sa.String(length=16), nullable=True),
        sa.Column("cpu_s", sa.Float(), nullable=False),
        sa.Column("gpu_s", sa.Float(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_training_jobs_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_jobs")),
    )
    op.create_index("ix_training_jobs_status_created", "training_jobs", ["status", "created_at"])
    op.create_index("ix_training_jobs_tenant_created", "training_jobs", ["tenant_id", "created_at"])
    op.create_table(
        "model_canaries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("incumbent_ids", sa.JSON(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("min_samples", sa.Integer(), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("gate_ids", sa.JSON(), nullable=False),
        sa.Column("comparison", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("evaluated_at", _TS, nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.Column("ended_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_model_canaries_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_canaries")),
    )
    op.create_index("ix_model_canaries_tenant_alias", "model_canaries", ["tenant_id", "alias"])
    op.create_index("ix_model_canaries_state", "model_canaries", ["state"])


def downgrade() -> None:
    op.drop_index("ix_model_canaries_state", table_name="model_canaries")
    op.drop_index("ix_model_canaries_tenant_alias", table_name="model_canaries")
    op.drop_table("model_canaries")
    op.drop_index("ix_training_jobs_tenant_created", table_name="training_jobs")
    op.drop_index("ix_training_jobs_status_created", table_name="training_jobs")
    op.drop_table("training_jobs")
