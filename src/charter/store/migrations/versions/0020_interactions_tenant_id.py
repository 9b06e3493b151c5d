"""an index on interactions (tenant_id, id) for the newest-first listing

Revision ID: 0020_interactions_tenant_id
Revises: 0013_end_users

`GET /api/v1/interactions` and the console's interaction search list a tenant's interactions
newest first (`WHERE tenant_id = ? ORDER BY id DESC LIMIT n`; ids sort by time). Without this index
SQLite picked `ix_interactions_tenant_subject` and sorted every row of the tenant: about 1 s at
100,000 interactions (benchmarks/console_render.py).
"""

from __future__ import annotations

from alembic import op

revision = "0020_interactions_tenant_id"
down_revision = "0013_end_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_interactions_tenant_id", "interactions", ["tenant_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_interactions_tenant_id", table_name="interactions")
