"""console: the web console's server-side sessions

Revision ID: 0018_console
Revises: 0001_core

``console_sessions``: one row per sign-in to the web console (``/console``). Only the SHA-256 of the
session token (the cookie) is stored, with the key the person signed in with, the tenant, when it was
opened, last used and must end, and when it was signed out (docs/console.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_console"
down_revision = "0001_core"
branch_labels = ("console",)
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("last_seen_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("ended_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_console_sessions_token_sha256")),
    )
    op.create_index("ix_console_sessions_expires", "console_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_console_sessions_expires", table_name="console_sessions")
    op.drop_table("console_sessions")
