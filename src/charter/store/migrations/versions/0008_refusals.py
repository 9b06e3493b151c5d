"""refusal_counts: refusals counted per tenant, use case, code and flush window, not one row each

Revision ID: 0008_refusals
Revises: 0007_model_secrets

A rate-limited request (429) or one refused because the rate-limit store is down (503
``ratelimit_unavailable``) used to write an interaction row and a ledger entry each, so a flood of
refused requests filled the store and the ledger. They are now counted in memory and written here in
aggregate by a background flush (``CHARTER_REFUSAL_FLUSH_INTERVAL_S``), covered by one
``refusals.aggregated`` ledger entry per tenant and flush.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_refusals"
down_revision = "0007_model_secrets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refusal_counts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("by_key", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_refusal_counts_tenant_id_tenants")),
        sa.ForeignKeyConstraint(
            ["use_case_id"], ["use_cases.id"], name=op.f("fk_refusal_counts_use_case_id_use_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refusal_counts")),
    )
    op.create_index("ix_refusal_counts_tenant_window", "refusal_counts", ["tenant_id", "window_end"])


def downgrade() -> None:
    op.drop_index("ix_refusal_counts_tenant_window", table_name="refusal_counts")
    op.drop_table("refusal_counts")
