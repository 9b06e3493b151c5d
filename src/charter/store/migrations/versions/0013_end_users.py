"""interactions, review items and feedback name the end user (pseudonymised) and the officer

Revision ID: 0013_end_users
Revises: 0003_oversight

The OpenAI ``user`` field (or the charter's ``end_users.header``) becomes ``subject_id``, a keyed
hash per tenant (charter.identity.subjects); ``officer`` is the staff member an application asks
for. Both are null on rows written before; ``audit verify`` accepts their absence from older ledger
entries only while the row still holds null.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_end_users"
down_revision = "0003_oversight"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN of a nullable column runs in place on both engines (no table copy)
    op.add_column("interactions", sa.Column("subject_id", sa.String(length=40), nullable=True))
    op.add_column("interactions", sa.Column("officer", sa.String(length=256), nullable=True))
    op.create_index("ix_interactions_tenant_subject", "interactions", ["tenant_id", "subject_id"])
    op.add_column("review_items", sa.Column("subject_id", sa.String(length=40), nullable=True))
    op.add_column("review_items", sa.Column("officer", sa.String(length=256), nullable=True))
    op.add_column("feedback", sa.Column("subject_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("feedback", "subject_id")
    op.drop_column("review_items", "officer")
    op.drop_column("review_items", "subject_id")
    op.drop_index("ix_interactions_tenant_subject", table_name="interactions")
    op.drop_column("interactions", "officer")
    op.drop_column("interactions", "subject_id")
