"""Copying the database out and back in: SQLite through the online backup API, PostgreSQL through
``pg_dump`` / ``pg_restore`` (custom format).

Both copies are consistent while Charter runs. SQLite's backup API copies the pages of one read
snapshot (the writer carries on; WAL readers do not block it). On PostgreSQL the facts recorded in
the manifest (ledger size, signed head, migrations, newest interaction) are read in a REPEATABLE
READ transaction whose snapshot is exported to ``pg_dump --snapshot``: the manifest describes
exactly the rows in the dump.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, func, inspect, make_url, select, text
from sqlalchemy.pool import NullPool

from charter.errors import Conflict, InvalidRequest, Unavailable
from charter.files import write_private
from charter.ledger.proofs import latest_head
from charter.ledger.tables import ledger_entries
from charter.store.schema import interactions
from charter.store.tables import all_metadata

__all__ = [
    "StoreFacts",
    "dump_postgres",
    "dump_sqlite",
    "libpq_target",
    "read_facts",
    "refuse_non_empty",
    "restore_postgres",
    "restore_sqlite",
    "sqlite_path",
]

_TOOL_TIMEOUT_S = 3600


@dataclass(frozen=True)
class StoreFacts:
    """What the manifest says about the copied database."""

    revisions: tuple[str, ...]
    ledger_size: int
    head: dict[str, Any] | None
    newest_interaction: str | None
    newest_entry: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "alembic_revisions": sorted(self.revisions),
            "ledger": {"size": self.ledger_size, "head": self.head},
            "newest": {"interaction_at": self.newest_interaction, "ledger_entry_at": self.newest_entry},
        }


def read_facts(conn: Connection) -> StoreFacts:
    revisions = tuple(MigrationContext.configure(conn).get_current_heads())
    size = conn.execute(select(func.count()).select_from(ledger_entries)).scalar_one()
    newest_entry = conn.execute(select(func.max(ledger_entries.c.ts))).scalar_one_or_none()
    newest = conn.execute(select(func.max(interactions.c.created_at))).scalar_one_or_none()
    head = latest_head(conn)
    if isinstance(newest, str):  # SQLite's max() hands back the stored text
        newest = dt.datetime.fromisoformat(newest)
    if isinstance(newest, dt.datetime) and newest.tzinfo is None:
        newest = newest.replace(tzinfo=dt.UTC)
    return StoreFacts(
        revisions=revisions,
        ledger_size=int(size),
        head=None if head is None else head.to_json(),
        newest_interaction=None if newest is None else newest.astimezone(dt.UTC).isoformat(),
        newest_entry=newest_entry,
    )


def sqlite_path(url: str) -> Path:
    path = url.split("///", 1)[-1]
    if not path or path == ":memory:":
        raise InvalidRequest("an in-memory SQLite store cannot be backed up or restored", code="backup_unsupported")
    return Path(path)


def _facts_of_file(path: Path) -> StoreFacts:
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return read_facts(conn)
    finally:
        engine.dispose()


def dump_sqlite(db: Path, dest: Path) -> StoreFacts:
    """Copy the live database ``db`` to ``dest`` with the online backup API (one consistent snapshot)."""
    if not db.is_file():
        raise InvalidRequest(f"no SQLite database at {db}: run `charter init` first", code="backup_source_missing")
    write_private(dest, b"")
    src = sqlite3.connect(db, timeout=30)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)  # all pages in one step: one read snapshot, the writer is not held up
            out.execute("PRAGMA journal_mode=DELETE")  # a self-contained file: no -wal/-shm beside it
        finally:
            out.close()
    finally:
        src.close()
    return _facts_of_file(dest)


def _holds_data(conn: Connection) -> str | None:
    """Why the store is not an empty target (None when it is): a table that is not Charter's, or a
    tenant or ledger entry."""
    tables = set(inspect(conn).get_table_names())
    foreign = sorted(tables - set(all_metadata().tables) - {"alembic_version"})
    if foreign:
        return f"it holds tables that are not Charter's ({', '.join(foreign[:5])})"
    for name in ("ledger_entries", "tenants"):
        if name in tables and conn.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() is not None:
            return f"it already holds records ({name})"
    return None


def refuse_non_empty(url: str, force: bool) -> None:
    """``409 restore_target_not_empty`` when the target store holds records (a tenant or a ledger
    entry) or tables that are not Charter's; a migrated but empty schema is fine. ``force`` restores
    over it (the schema is emptied first)."""
    if force:
        return
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            why = _holds_data(conn)
    finally:
        engine.dispose()
    if why is not None:
        raise Conflict(
            f"the configured store is not empty: {why}; restore into an empty database "
            "(or pass --force to replace everything in it)",
            code="restore_target_not_empty",
        )


def restore_sqlite(copy: Path, db: Path) -> None:
    """Put the backup's database file in place of ``db`` (its journals go with it)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    staging = db.with_name(db.name + ".restoring")
    write_private(staging, b"")
    with copy.open("rb") as src, staging.open("wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    for journal in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        journal.unlink(missing_ok=True)
    os.replace(staging, db)


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for ``url`` (an SQLAlchemy URL) and the environment carrying its
    password (kept off the command line, where other users of the host could read it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    dsn = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Unavailable(
            f"`{name}` is not installed (or not on PATH); install the PostgreSQL client tools "
            f"(Debian: `apt-get install postgresql-client`) of the server's major version or newer",
            code="backup_tool_missing",
        )
    return found


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=_TOOL_TIMEOUT_S, check=False)
    if done.returncode != 0:
        tool = Path(argv[0]).name
        raise Unavailable(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-800:]}", code="backup_tool_failed")


@contextlib.contextmanager
def _snapshot(url: str) -> Iterator[tuple[Connection, str]]:
    engine = create_engine(url, poolclass=NullPool, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn, conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            yield conn, str(snapshot)
    finally:
        engine.dispose()


def dump_postgres(url: str, dest: Path) -> StoreFacts:
    """``pg_dump --format=custom`` of the configured database, in the snapshot the facts are read in."""
    pg_dump = _tool("pg_dump")
    dsn, env = libpq_target(url)
    write_private(dest, b"")
    with _snapshot(url) as (conn, snapshot):
        facts = read_facts(conn)
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={dest}", dsn], env)
    return facts


def restore_postgres(copy: Path, url: str) -> None:
    """Empty the target's schema, then ``pg_restore`` the dump into it (one transaction)."""
    pg_restore = _tool("pg_restore")
    dsn, env = libpq_target(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one() or "public"
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()
    _run([pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={dsn}", str(copy)], env)
