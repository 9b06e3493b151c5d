"""identity: sessions ended by an OpenID provider's back-channel logout

Revision ID: 0014_identity
Revises: 0001_core

``oidc_revocations``: one row per logout token Charter accepted (issuer, subject, session id when
the token names one, the logout's time and when the row may be forgotten). Every replica refuses
bearer tokens of those sessions (docs/operations.md, Single sign-on).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_identity"
down_revision = "0001_core"
branch_labels = ("identity",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oidc_revocations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("issuer", sa.String(length=512), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("sid", sa.String(length=255), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_revocations")),
    )
    op.create_index("ix_oidc_revocations_expires", "oidc_revocations", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_oidc_revocations_expires", table_name="oidc_revocations")
    op.drop_table("oidc_revocations")
