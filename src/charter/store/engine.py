"""Engines for the two supported stores: SQLite (WAL, the embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool

from charter.errors import InvalidRequest, Unavailable
from charter.files import private_dir, private_file

__all__ = ["make_engine", "store_outage", "unstorable_input"]

#: How psycopg / PostgreSQL refuse U+0000: in a text parameter, and as ``\u0000`` in jsonb.
_NUL_MESSAGES = ("cannot contain NUL", "\\u0000 cannot be converted to text")


def unstorable_input(exc: BaseException) -> InvalidRequest | None:
    """The caller's 400 when ``exc`` is the store refusing the caller's value, else None: PostgreSQL
    refusing a NUL character, or either store refusing an integer beyond 64 bits.

    Such input is the client's mistake, not a store failure: it must not surface as 503
    ``store_unavailable`` or 500. The edge refuses NUL up front (charter.api.edge); this catches what
    still gets through."""
    orig: BaseException = (exc.orig or exc) if isinstance(exc, DBAPIError) else exc
    from_psycopg = type(orig).__module__.split(".")[0] == "psycopg"
    if not isinstance(orig, ValueError | ArithmeticError | DBAPIError) and not from_psycopg:
        return None
    if any(m in str(orig) for m in _NUL_MESSAGES):
        return InvalidRequest(
            "a text value contains the control character U+0000 (NUL), which cannot be stored; remove it",
            code="control_characters",
        )
    return _out_of_range(orig)


def _out_of_range(orig: BaseException) -> InvalidRequest | None:
    """An integer beyond the store's 64 bits (a sequence number, a limit, an id) is the caller's
    400 ``invalid_value``: sqlite3 raises OverflowError, PostgreSQL SQLSTATE 22003."""
    too_big = (isinstance(orig, OverflowError) and "SQLite INTEGER" in str(orig)) or (
        getattr(orig, "sqlstate", None) == "22003"
    )
    if not too_big:
        return None
    return InvalidRequest(
        f"a number is out of range: integers must lie within ±{2**63 - 1:,} (signed 64 bits)",
        code="invalid_value",
    )


def store_outage(exc: BaseException) -> Unavailable | None:
    """``503 store_unavailable`` when ``exc`` says the store cannot be reached or used (server down,
    database dropped, file unopenable, connection lost, pool exhausted), else None.

    A read that fails this way is Charter failing to do its job, not a bug in Charter: clients get
    the documented 503 (retry later), never ``500 internal_error``."""
    if isinstance(exc, OperationalError | InterfaceError | DisconnectionError | PoolTimeout) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return Unavailable(
            f"the store is unreachable ({type(exc).__name__}); nothing was done, retry later",
            code="store_unavailable",
        )
    return None


def make_engine(url: str, *, synchronous: str = "FULL", pool_size: int = 10) -> Engine:
    """An engine with the pragmas and pool settings Charter relies on.

    SQLite: WAL journal (many readers, one writer), foreign keys on, a busy timeout, and explicit
    ``BEGIN IMMEDIATE`` transactions so the single writer never upgrades a read lock mid-batch.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            # owner-only before SQLite first opens it: the -wal and -shm files copy the file's mode
            private_file(private_dir(Path(path).parent) / Path(path).name)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=NullPool if path == ":memory:" else None,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("writer") else "BEGIN")

        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size * 2, pool_pre_ping=True)
