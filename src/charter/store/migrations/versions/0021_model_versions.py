"""model registry: versions of a model alias with their lineage and state

Revision ID: 0021_model_versions
Revises: 0012_costs

``model_versions`` (charter.store.schema, charter.training.registry): one row per registered version
of an alias, 1:1 with the ``models`` entry it serves through: its base, the training dataset id and
SHA-256, the training config, the code version, metrics, the SHA-256 of each file, the versions its
promotion replaced (what a rollback returns to) and the gate decisions that vetted it. An entry
without a version row serves as before. Depends on the ``models`` table as 0012 left it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_model_versions"
down_revision = "0012_costs"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("model_id", sa.String(length=40), nullable=False),
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("base", sa.String(length=200), nullable=False),
        sa.Column("dataset_id", sa.String(length=40), nullable=True),
        sa.Column("dataset_sha256", sa.String(length=64), nullable=True),
        sa.Column("training_config", sa.JSON(), nullable=False),
        sa.Column("code_version", sa.String(length=100), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("replaced", sa.JSON(), nullable=False),
        sa.Column("gate_ids", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("vetted_at", _TS, nullable=True),
        sa.Column("vetted_by", sa.String(length=64), nullable=True),
        sa.Column("served_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(["model_id"], ["models.id"], name=op.f("fk_model_versions_model_id_models")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_model_versions_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("model_id", name=op.f("uq_model_versions_model_id")),
        sa.UniqueConstraint("tenant_id", "alias", "version", name=op.f("uq_model_versions_tenant_id_alias_version")),
    )


def downgrade() -> None:
    op.drop_table("model_versions")
