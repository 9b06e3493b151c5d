"""model entries reference an operator-defined secret by name, never an environment variable

Revision ID: 0007_model_secrets
Revises: 0001_core

``models.api_key_env`` is renamed ``models.secret``. A value stored before keeps its text, now read
as the name of a secret in the operator's secrets file: a model whose name matches no secret granted
to its tenant for its endpoint's host refuses to run and sends no credential (fail closed). To keep
such a model working, define a secret of that name (``env`` = the old variable, ``tenants``,
``hosts``); docs/operations.md, Provider secrets.
"""

from __future__ import annotations

from alembic import op

revision = "0007_model_secrets"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # one statement both engines run in place (SQLite >= 3.25, PostgreSQL): no table copy
    op.execute("ALTER TABLE models RENAME COLUMN api_key_env TO secret")


def downgrade() -> None:
    op.execute("ALTER TABLE models RENAME COLUMN secret TO api_key_env")
