"""drift_runs, drift_findings, drift_observations, drift_embeddings: production drift (ME-2, ME-4)

Revision ID: 0011_drift
Revises: 0001_core

A drift run per use case and time (``drift_runs``) with one finding per detector and segment
(``drift_findings``); what the record stage notes per interaction of a monitored use case, without
text (``drift_observations``: language, charter-named metadata values, declined); the opt-in sample
of input embeddings (``drift_embeddings``). See charter.monitor.drift.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_drift"
down_revision = "0001_core"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"))


def _use_case(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["use_case_id"], ["use_cases.id"], name=op.f(f"fk_{table}_use_case_id_use_cases"))


def _interaction(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["interaction_id"],
        ["interactions.id"],
        name=op.f(f"fk_{table}_interaction_id_interactions"),
        ondelete="CASCADE",
    )


def _windows() -> list[sa.Column[object]]:
    names = ("baseline_start", "baseline_end", "recent_start", "recent_end")
    return [sa.Column(name, _TS, nullable=False) for name in names]


def upgrade() -> None:
    op.create_table(
        "drift_runs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("charter_version", sa.Integer(), nullable=False),
        sa.Column("correction", sa.String(length=16), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=False),
        sa.Column("tests", sa.Integer(), nullable=False),
        sa.Column("drifted", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        *_windows(),
        sa.Column("created_at", _TS, nullable=False),
        _tenant("drift_runs"),
        _use_case("drift_runs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drift_runs")),
    )
    op.create_index("ix_drift_runs_use_case_created", "drift_runs", ["tenant_id", "use_case_id", "created_at"])
    op.create_table(
        "drift_findings",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("run_id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("detector", sa.String(length=64), nullable=False),
        sa.Column("segment", sa.String(length=200), nullable=False),
        sa.Column("test", sa.String(length=32), nullable=False),
        sa.Column("statistic", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("drifted", sa.Boolean(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("recent_value", sa.Float(), nullable=True),
        sa.Column("n_baseline", sa.Integer(), nullable=False),
        sa.Column("n_recent", sa.Integer(), nullable=False),
        *_windows(),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["drift_runs.id"], name=op.f("fk_drift_findings_run_id_drift_runs"), ondelete="CASCADE"
        ),
        _tenant("drift_findings"),
        _use_case("drift_findings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drift_findings")),
    )
    op.create_index("ix_drift_findings_run", "drift_findings", ["run_id"])
    op.create_table(
        "drift_observations",
        sa.Column("interaction_id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _interaction("drift_observations"),
        _tenant("drift_observations"),
        _use_case("drift_observations"),
        sa.PrimaryKeyConstraint("interaction_id", name=op.f("pk_drift_observations")),
    )
    op.create_index("ix_drift_observations_use_case_created", "drift_observations", ["use_case_id", "created_at"])
    op.create_table(
        "drift_embeddings",
        sa.Column("interaction_id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("embedder", sa.String(length=200), nullable=False),
        sa.Column("dims", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _interaction("drift_embeddings"),
        _tenant("drift_embeddings"),
        _use_case("drift_embeddings"),
        sa.PrimaryKeyConstraint("interaction_id", name=op.f("pk_drift_embeddings")),
    )
    op.create_index("ix_drift_embeddings_use_case_created", "drift_embeddings", ["use_case_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_drift_embeddings_use_case_created", table_name="drift_embeddings")
    op.drop_table("drift_embeddings")
    op.drop_index("ix_drift_observations_use_case_created", table_name="drift_observations")
    op.drop_table("drift_observations")
    op.drop_index("ix_drift_findings_run", table_name="drift_findings")
    op.drop_table("drift_findings")
    op.drop_index("ix_drift_runs_use_case_created", table_name="drift_runs")
    op.drop_table("drift_runs")
