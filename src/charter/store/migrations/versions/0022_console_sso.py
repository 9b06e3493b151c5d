"""console single sign-on: console sessions opened through the OpenID provider

Revision ID: 0022_console_sso
Revises: 0018_console

``console_sessions`` gains what a session opened by single sign-on keeps instead of a key
(charter.identity.sso, docs/console.md): ``role`` (mapped from the ID token's claims at sign-in),
``oidc_sub`` and ``oidc_sid`` (what a back-channel logout names), ``mfa`` (whether the sign-in was
multi-factor); all null for a key's session. ``key_id`` widens to 64 characters: it holds the
person's id (``oidc:<issuer hash>:<sub>``) for such a session.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_console_sso"
down_revision = "0018_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("console_sessions") as batch:
        batch.alter_column("key_id", existing_type=sa.String(length=40), type_=sa.String(length=64),
                           existing_nullable=False)
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("oidc_sub", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("oidc_sid", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("mfa", sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM console_sessions WHERE role IS NOT NULL"))
    with op.batch_alter_table("console_sessions") as batch:
        batch.drop_column("mfa")
        batch.drop_column("oidc_sid")
        batch.drop_column("oidc_sub")
        batch.drop_column("role")
        batch.alter_column("key_id", existing_type=sa.String(length=64), type_=sa.String(length=40),
                           existing_nullable=False)
