"""Migration 0003_oversight creates exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from charter.oversight import tables
from charter.runtime import Runtime
from charter.store.migrate import current_revisions

OURS = {t.name for t in vars(tables).values() if hasattr(t, "c") and hasattr(t, "name")}


def test_oversight_migration_matches_the_tables(runtime: Runtime) -> None:
    assert "0003_oversight" in current_revisions(runtime.engine)
    with runtime.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, tables.metadata)
    ours = [d for d in diff if _table_of(d) in OURS]
    assert ours == []
    assert len(OURS) == 9


def _table_of(change: object) -> str | None:
    item = change[0] if isinstance(change, list) else change
    for part in item[1:] if isinstance(item, tuple) else ():
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if isinstance(part, str):
            return part
        if name is not None and hasattr(part, "c"):
            return str(name)
    return None
