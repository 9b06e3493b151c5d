"""The ``sql`` connector: one fixed, parameterised, read-only query against a named database.

Options: ``query`` (required: one ``SELECT`` or ``WITH`` statement with ``:name`` parameters; the
arguments are bound, never spliced into the text), ``database_url`` (a URL without a password: a
SQLite file, or PostgreSQL with peer or certificate authentication) or ``database_secret`` (a secret
of the secrets file whose value is the URL, granted to the tenant and bound to the database host;
``localhost`` for a SQLite file), ``max_rows`` (default 100, at most 10,000; more rows are cut and
``truncated`` says so), ``timeout_s`` (default 10), ``parameters`` (the arguments' JSON schema;
default: each ``:name`` required, a string, number, boolean or null).

Read-only is enforced by the database, not only by the text check: SQLite opens the file with
``mode=ro`` and ``PRAGMA query_only = ON``; PostgreSQL runs each query in a transaction started with
``SET TRANSACTION READ ONLY`` and a ``statement_timeout``, rolled back afterwards. Other databases
are refused. Never consequential, always idempotent. Fails closed (``ConnectorFailed``) on a
database error or a timeout; the error text names the connector, never the URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import os
import re
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from charter.connectors.base import CallContext, ConnectorFailed, ConnectorSpec, connector_invalid, connector_options
from charter.errors import CharterError
from charter.runtime import Runtime

__all__ = ["SqlConnector"]

_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
_LEADING = re.compile(r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*", re.S)


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str = Field(min_length=1)
    database_url: str | None = None
    database_secret: str | None = None
    max_rows: int = Field(default=100, ge=1, le=10_000)
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    parameters: dict[str, Any] | None = None


def _checked_query(name: str, query: str) -> str:
    body = _LEADING.sub("", query).strip().rstrip(";").strip()
    if ";" in body:
        raise connector_invalid(name, "query is one statement")
    if not re.match(r"(?i)(select|with)\b", body):
        raise connector_invalid(name, "query is a SELECT (or WITH ... SELECT): the sql connector only reads")
    return body


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


class SqlConnector:
    consequential = False
    idempotent = True

    def __init__(self, spec: ConnectorSpec, rt: Runtime) -> None:
        opts = connector_options(spec, _Options)
        if (opts.database_url is None) == (opts.database_secret is None):
            raise connector_invalid(spec.name, "give exactly one of database_url and database_secret")
        if spec.consequential:
            raise connector_invalid(spec.name, "an sql connector only reads: it cannot be consequential")
        self.name = spec.name
        self.description = spec.description
        self.spec = spec
        self.rt = rt
        self.opts = opts
        self.query = _checked_query(spec.name, opts.query)
        self.names = list(dict.fromkeys(_PARAM.findall(self.query)))
        self.parameters = opts.parameters or {
            "type": "object",
            "properties": {n: {"type": ["string", "number", "boolean", "null"]} for n in self.names},
            "required": self.names,
            "additionalProperties": False,
        }
        if opts.database_url is not None:
            url = self._url(opts.database_url)
            if url.password:
                raise connector_invalid(spec.name, "database_url may not carry a password: use database_secret")
        self._engines: dict[str, Engine] = {}

    def _url(self, raw: str) -> URL:
        try:
            url = make_url(raw)
        except ArgumentError:
            raise connector_invalid(self.name, "the database URL does not parse") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise connector_invalid(self.name, "only SQLite and PostgreSQL databases are supported")
        return url

    def _engine(self, tenant: str) -> Engine:
        raw = self.opts.database_url if self.opts.database_url is not None else self._secret_url(tenant)
        found = self._engines.get(raw)
        if found is None:
            found = self._engines[raw] = _read_only_engine(self._url(raw), self.opts.timeout_s)
        return found

    def _secret_url(self, tenant: str) -> str:
        """The URL the secret holds, once the secret is found granted to ``tenant`` and bound to the
        database's host (``localhost`` for a SQLite file)."""
        name = self.opts.database_secret
        assert name is not None
        secrets = self.rt.egress.secrets
        try:
            if name not in secrets.specs:
                secrets.check(name, tenant=tenant, host="localhost", param="database_secret")  # the usual refusal
            host = self._url(_peek(secrets, name)).host or "localhost"
            return secrets.credential(name, tenant=tenant, host=host, param="database_secret").value
        except CharterError as exc:
            raise ConnectorFailed(f"connector {self.name!r}: {exc.message}") from None

    async def call(self, arguments: dict[str, Any], context: CallContext) -> Any:
        engine = self._engine(context.principal.tenant)
        binds = {n: arguments.get(n) for n in self.names}
        try:
            rows, truncated = await asyncio.wait_for(
                asyncio.to_thread(self._run, engine, binds), timeout=self.opts.timeout_s + 1.0
            )
        except TimeoutError:
            raise ConnectorFailed(f"connector {self.name!r} timed out after {self.opts.timeout_s:g} s") from None
        except SQLAlchemyError as exc:
            reason = type(getattr(exc, "orig", None) or exc).__name__
            raise ConnectorFailed(f"connector {self.name!r}: the database refused the query ({reason})") from None
        return {"rows": rows, "truncated": truncated}

    def _run(self, engine: Engine, binds: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SET TRANSACTION READ ONLY"))
                conn.execute(text(f"SET LOCAL statement_timeout = {int(self.opts.timeout_s * 1000)}"))
            else:
                _deadline(conn, self.opts.timeout_s)
            try:
                result = conn.execute(text(self.query), binds)
                fetched = result.mappings().fetchmany(self.opts.max_rows + 1)
            finally:
                conn.rollback()
        rows = [{k: _jsonable(v) for k, v in r.items()} for r in fetched[: self.opts.max_rows]]
        return rows, len(fetched) > self.opts.max_rows


def _peek(secrets: Any, name: str) -> str:
    """The secret's value, only to learn the database host it must be bound to (not yet trusted)."""
    spec = secrets.specs[name]
    return str(spec.value if spec.env is None else os.environ.get(spec.env, ""))


def _deadline(conn: Any, timeout_s: float) -> None:
    """SQLite: abort a statement that runs past ``timeout_s`` (the progress handler)."""
    raw = conn.connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        ends = time.monotonic() + timeout_s
        raw.set_progress_handler(lambda: 1 if time.monotonic() > ends else 0, 10_000)


def _read_only_engine(url: URL, timeout_s: float) -> Engine:
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:":
            raise ConnectorFailed("an sql connector reads a SQLite file, not an in-memory database")
        path = Path(database).resolve()
        ro = URL.create("sqlite", database=f"file:{path}?mode=ro", query={"uri": "true"})
        engine = create_engine(ro, poolclass=NullPool)

        @event.listens_for(engine, "connect")
        def _query_only(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA query_only = ON")

        return engine
    return create_engine(url, pool_size=2, max_overflow=2, pool_pre_ping=True,
                         connect_args={"options": "-c default_transaction_read_only=on", "connect_timeout": 10})
