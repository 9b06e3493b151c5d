"""Migration 0019_training_data creates exactly the tables the code declares (and the interactions'
training_consent column), on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from charter.runtime import Runtime
from charter.store import schema
from charter.store.migrate import current_revisions

OURS = {"training_datasets", "training_examples"}


def test_dp7_training_migration_matches_the_tables(runtime: Runtime) -> None:
    assert "0019_training_data" in set(current_revisions(runtime.engine))
    with runtime.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, schema.metadata)
        columns = {c["name"]: c for c in inspect(conn).get_columns("interactions")}
    ours = [d for d in diff if any(_names(p) & OURS for p in (d[0] if isinstance(d, list) else d)[1:])]
    assert ours == []
    assert columns["training_consent"]["nullable"] is True


def _names(part: object) -> set[str]:
    """The table names one part of an autogenerate change may carry (a table, a column, a name)."""
    table = getattr(part, "table", None)
    return {n for n in (part if isinstance(part, str) else None, getattr(part, "name", None),
                        getattr(table, "name", None)) if isinstance(n, str)}
