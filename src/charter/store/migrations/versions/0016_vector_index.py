"""knowledge bases: the vector generation that approximate nearest-neighbour indexes follow

Revision ID: 0016_vector_index
Revises: 0005_knowledge

``knowledge_bases.vector_generation`` moves when ``charter kb rebuild`` re-writes a knowledge base's
vectors without a new version. An index file (or a replica's in-memory index) names the version and
generation it was built at; one behind either is brought up to date from the stored vectors before
it answers (docs/knowledge.md, Vector search at scale). The indexes themselves are derived data
under the data directory, not tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_vector_index"
down_revision = "0005_knowledge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("knowledge_bases", sa.Column("vector_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("knowledge_bases") as batch:
        batch.drop_column("vector_generation")
