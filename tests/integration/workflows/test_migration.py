"""Migration 0025_workflows creates exactly the tables charter.workflows.tables declares, on SQLite
and PostgreSQL, and is among the applied revisions."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from charter.runtime import Runtime
from charter.store.migrate import alembic_config, current_revisions
from charter.store.schema import metadata
from charter.workflows import tables
from tests.integration.oversight.test_migration import _table_of

OURS = {"workflows", "workflow_batches", "workflow_runs", "workflow_steps"}


def test_workflows_migration_matches_the_tables(runtime: Runtime) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    applied = {r.revision for r in script.iterate_revisions(current_revisions(runtime.engine), "base")}
    assert "0025_workflows" in applied
    with runtime.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert [d for d in diff if _table_of(d) in OURS] == []
    assert {t.name for t in metadata.sorted_tables} >= OURS
    declared = (tables.workflows, tables.workflow_batches, tables.workflow_runs, tables.workflow_steps)
    assert {t.name for t in declared} == OURS
