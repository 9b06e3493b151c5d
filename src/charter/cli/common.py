"""What every CLI command shares: opening a runtime, printing for people (Rich) or scripts (--json)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection

from charter.errors import CharterError
from charter.policy import service as policy
from charter.runtime import Runtime
from charter.settings import load_settings

__all__ = [
    "cli_actor",
    "console",
    "emit",
    "emit_listing",
    "emit_rows",
    "fail",
    "open_runtime",
    "read_once",
    "run_once",
    "table",
    "tenant_id_of",
    "tenant_read",
    "tenant_write",
    "write_once",
]

console = Console()
err_console = Console(stderr=True)


def cli_actor(actor: str | None = None) -> str:
    """Who a command acts as in the record: ``actor`` where given, else ``cli:$USER``."""
    return actor or f"cli:{os.environ.get('USER', 'operator')}"


@contextlib.contextmanager
def open_runtime(json_output: bool = False) -> Iterator[Runtime]:
    """Open a runtime on the configured store; turn Charter errors into a clean exit."""
    rt = None
    try:
        rt = Runtime.open(load_settings())
        yield rt
    except CharterError as exc:
        fail(exc, json_output)
    finally:
        if rt is not None:
            rt.close()


T = TypeVar("T")


def tenant_id_of(rt: Runtime, tenant: str) -> str:
    """The id of the tenant named ``tenant`` (404 where there is none)."""
    return rt.read(lambda conn: policy.tenant_id_for(conn, tenant))


def tenant_read(rt: Runtime, tenant: str, fn: Callable[[Connection, str], T]) -> T:
    """``fn(conn, tenant_id)`` on a connection of its own, ``tenant_id`` the id of the tenant named ``tenant``."""
    return rt.read(lambda conn: fn(conn, policy.tenant_id_for(conn, tenant)))


def tenant_write(rt: Runtime, tenant: str, fn: Callable[[Connection, str], T]) -> T:
    """Run ``fn(conn, tenant_id)`` in one write, ``tenant_id`` the id of the tenant named ``tenant``."""
    return rt.writer.write(lambda c: fn(c, policy.tenant_id_for(c, tenant)))


def read_once(tenant: str, json_output: bool, fn: Callable[[Connection, str], T]) -> T:
    """A command's one read: ``fn(conn, tenant_id)`` on a runtime of its own (a Charter error exits cleanly)."""
    with open_runtime(json_output) as rt:
        result = tenant_read(rt, tenant, fn)
    return result


def write_once(tenant: str, json_output: bool, fn: Callable[[Connection, str], T]) -> T:
    """A command's one write: ``fn(conn, tenant_id)`` in the writer of a runtime of its own."""
    with open_runtime(json_output) as rt:
        result = tenant_write(rt, tenant, fn)
    return result


def run_once(tenant: str, json_output: bool, fn: Callable[[Runtime, str], T]) -> T:
    """A command's one call on the runtime: ``fn(rt, tenant_id)`` on a runtime of its own."""
    with open_runtime(json_output) as rt:
        result = fn(rt, tenant_id_of(rt, tenant))
    return result


def emit(obj: Any, json_output: bool, *, human: Any = None) -> None:
    """Print ``obj`` as JSON (``--json``) or ``human`` (a Rich renderable or text) for people."""
    if json_output:
        sys.stdout.write(json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n")
        return
    console.print(human if human is not None else obj)


def table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    t = Table(title=title)
    for column in columns:
        t.add_column(column)
    for row in rows:
        t.add_row(*["" if v is None else str(v) for v in row])
    return t


Cell = str | Callable[[Mapping[str, Any]], Any]
"""A table column's source: a row key, or a function of the row."""


def emit_rows(rows: Sequence[Mapping[str, Any]], json_output: bool, title: str, columns: Mapping[str, Cell]) -> None:
    """Print ``rows`` as JSON (``--json``) or as a table: ``columns`` maps each header to its source."""
    cells = [[c(r) if callable(c) else r[c] for c in columns.values()] for r in rows]
    emit(rows, json_output, human=table(title, list(columns), cells))


def emit_listing(
    tenant: str,
    json_output: bool,
    read: Callable[[Connection, str], Sequence[Mapping[str, Any]]],
    title: str,
    columns: Mapping[str, Cell],
) -> None:
    """The body of a ``list`` command: the rows ``read(conn, tenant_id)`` returns, as JSON or a table."""
    emit_rows(read_once(tenant, json_output, read), json_output, title, columns)


def fail(exc: CharterError, json_output: bool, exit_code: int = 1) -> None:
    if json_output:
        sys.stdout.write(json.dumps(exc.to_body(), indent=2) + "\n")
    else:
        err_console.print(f"[red]error[/red] ({exc.code}): {exc.message}")
    raise typer.Exit(exit_code)
