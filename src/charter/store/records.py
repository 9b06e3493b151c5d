"""How a row becomes a record: the fields a capability's JSON takes from its row as they are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Executable

from charter.errors import NotFound

__all__ = ["found", "pick"]


def found(conn: Connection, query: Executable, missing: str) -> Any:
    """The first row ``query`` finds, or ``404 not_found`` with the message ``missing`` (which says
    what to do instead, e.g. how to list what there is)."""
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(missing)
    return row


def pick(row: Any, *names: str) -> dict[str, Any]:
    """The attributes ``names`` of ``row`` (a result row), by name and in that order."""
    return {name: getattr(row, name) for name in names}
