"""How a row becomes a record: the fields a capability's JSON takes from its row as they are."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Executable, Select, Table, select

from charter.errors import NotFound
from charter.store.schema import use_cases
from charter.store.types import iso

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["found", "found_in", "from_row", "pick", "pick_iso", "with_use_case"]

R = TypeVar("R", bound="DataclassInstance")


def found(conn: Connection, query: Executable, missing: str) -> Any:
    """The first row ``query`` finds, or ``404 not_found`` with the message ``missing`` (which says
    what to do instead, e.g. how to list what there is)."""
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(missing)
    return row


def found_in(
    conn: Connection, table: Table, tenant_id: str, missing: str, *, query: Select[Any] | None = None, **match: Any
) -> Any:
    """The row of ``table`` in the tenant ``tenant_id`` whose columns equal ``match`` (its id, or its
    name), or ``404 not_found`` with the message ``missing``. ``query`` selects more than the table
    (a joined name, say); it defaults to ``select(table)``."""
    query = select(table) if query is None else query
    return found(conn, query.where(*(table.c[name] == value for name, value in match.items()),
                                   table.c.tenant_id == tenant_id), missing)


def with_use_case(table: Table) -> Select[Any]:
    """The rows of ``table`` with their use case's name as ``use_case``: an inner join where every row
    has a use case, an outer one (``None``) where ``use_case_id`` may be empty."""
    base = select(table, use_cases.c.name.label("use_case"))
    on = use_cases.c.id == table.c.use_case_id
    return base.outerjoin(use_cases, on) if table.c.use_case_id.nullable else base.join(use_cases, on)


def pick(row: Any, *names: str) -> dict[str, Any]:
    """The attributes ``names`` of ``row`` (a result row), by name and in that order."""
    return {name: getattr(row, name) for name in names}


def pick_iso(row: Any, *names: str) -> dict[str, Any]:
    """The timestamps ``names`` of ``row`` as ISO-8601 text (``None`` where unset), in that order."""
    return {name: iso(getattr(row, name)) for name in names}


def from_row(record: type[R], row: Any, **values: Any) -> R:
    """The dataclass ``record`` built from ``row`` (a result row): each field is the row's attribute
    of the same name, but for the fields ``values`` gives (one the row lacks, or holds in another form)."""
    return record(**{f.name: getattr(row, f.name) for f in fields(record) if f.name not in values}, **values)
