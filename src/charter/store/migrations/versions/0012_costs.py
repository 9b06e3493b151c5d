"""models.hourly_cost: the hourly cost of self-hosted hardware behind a model entry

Revision ID: 0012_costs
Revises: 0008_refusals

Charged per exchange by its busy time (charter.monitor.cost.exchange_cost) on top of the token
prices, into ``interactions.cost``; existing entries cost nothing an hour.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_costs"
down_revision = "0008_refusals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN with a constant default runs in place on both engines (no table copy)
    op.add_column("models", sa.Column("hourly_cost", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("models", "hourly_cost")
