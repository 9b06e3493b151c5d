"""interactions say what the response cache did for them

Revision ID: 0015_response_cache
Revises: 0013_end_users

``interactions.cache``: ``hit`` (the answer came from the response cache), ``miss``, ``error`` (the
cache could not be read: answered as a miss) or ``bypass`` (not looked up); null when the use case's
charter has no ``cache:`` and on rows written before. The ledger entry of a new interaction carries
it; ``audit verify`` accepts its absence from older entries only while the row still holds null.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_response_cache"
down_revision = "0013_end_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN of a nullable column runs in place on both engines (no table copy)
    op.add_column("interactions", sa.Column("cache", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("interactions", "cache")
