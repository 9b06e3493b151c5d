"""two-person rules: model change requests, and what each gate decision was about

Revision ID: 0006_two_person
Revises: 0004_prompts_evals

``gate_decisions.subject_id`` names what a decision was about (the prompt version, the model change
request, the suite), so the gate can ask "did this version pass for this use case" and "did someone
other than the requester approve this suite state". Decisions recorded before it have none: they
no longer open a model change or a charter's switch to a prompt label (fail closed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_two_person"
down_revision = "0004_prompts_evals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gate_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_gate_decisions_subject_id", ["subject_id"], unique=False)
    op.create_table(
        "model_change_requests",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("from_alias", sa.String(length=64), nullable=False),
        sa.Column("to_alias", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_model_change_requests_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["use_case_id"], ["use_cases.id"], name=op.f("fk_model_change_requests_use_case_id_use_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_change_requests")),
    )
    with op.batch_alter_table("model_change_requests", schema=None) as batch_op:
        batch_op.create_index("ix_model_change_requests_tenant_created", ["tenant_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("model_change_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_model_change_requests_tenant_created")
    op.drop_table("model_change_requests")
    with op.batch_alter_table("gate_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_gate_decisions_subject_id")
        batch_op.drop_column("subject_id")
