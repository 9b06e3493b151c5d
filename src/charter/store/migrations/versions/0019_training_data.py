"""training data: versioned SFT and DPO datasets with lineage, and the request's training consent

Revision ID: 0019_training_data
Revises: 0013_end_users

``training_datasets`` and ``training_examples`` (charter.training.tables): each example names the
interaction, review item, reviewer decision, feedback and end user it came from (so an erasure can
remove it). ``interactions.training_consent``: what the request's ``x-charter-training-consent``
header said (null: nothing). Depends on 0013 (the subject ids of review items and feedback).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_training_data"
down_revision = "0013_end_users"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("interactions", sa.Column("training_consent", sa.Boolean(), nullable=True))
    op.create_table(
        "training_datasets",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("charter_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("tainted_at", _TS, nullable=True),
        sa.Column("erased_examples", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_training_datasets_tenant_id_tenants")),
        sa.ForeignKeyConstraint(
            ["use_case_id"], ["use_cases.id"], name=op.f("fk_training_datasets_use_case_id_use_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_datasets")),
        sa.UniqueConstraint(
            "use_case_id", "kind", "version", name=op.f("uq_training_datasets_use_case_id_kind_version")
        ),
    )
    op.create_index("ix_training_datasets_tenant_created", "training_datasets", ["tenant_id", "created_at"])
    op.create_table(
        "training_examples",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("dataset_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("interaction_id", sa.String(length=40), nullable=False),
        sa.Column("review_id", sa.String(length=40), nullable=False),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.Column("feedback_id", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["training_datasets.id"],
            name=op.f("fk_training_examples_dataset_id_training_datasets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_training_examples_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_examples")),
        sa.UniqueConstraint("dataset_id", "position", name=op.f("uq_training_examples_dataset_id_position")),
    )
    op.create_index("ix_training_examples_tenant_subject", "training_examples", ["tenant_id", "subject_id"])
    op.create_index(
        "ix_training_examples_tenant_interaction", "training_examples", ["tenant_id", "interaction_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_training_examples_tenant_interaction", table_name="training_examples")
    op.drop_index("ix_training_examples_tenant_subject", table_name="training_examples")
    op.drop_table("training_examples")
    op.drop_index("ix_training_datasets_tenant_created", table_name="training_datasets")
    op.drop_table("training_datasets")
    op.drop_column("interactions", "training_consent")
