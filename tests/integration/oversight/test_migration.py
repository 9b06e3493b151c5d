"""Migrations 0003_oversight, 0013_end_users (the end user on review items and feedback) and
0023_review_assignment (teams, assignments, sentence labels) create exactly the tables the code
declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from charter.oversight import tables
from charter.runtime import Runtime
from charter.store.migrate import alembic_config, current_revisions, head_revisions
from charter.store.schema import metadata

OURS = {t.name for t in vars(tables).values() if hasattr(t, "c") and hasattr(t, "name")}


def test_oversight_migration_matches_the_tables(runtime: Runtime) -> None:
    assert set(current_revisions(runtime.engine)) == set(head_revisions())
    applied = {r.revision for r in ScriptDirectory.from_config(alembic_config()).iterate_revisions("heads", "base")}
    assert {"0013_end_users", "0023_review_assignment"} <= applied
    with runtime.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    ours = [d for d in diff if _table_of(d) in OURS]
    assert ours == []
    assert len(OURS) == 12


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
