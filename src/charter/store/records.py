"""How a row becomes a record: the fields a capability's JSON takes from its row as they are."""

from __future__ import annotations

from typing import Any

__all__ = ["pick"]


def pick(row: Any, *names: str) -> dict[str, Any]:
    """The attributes ``names`` of ``row`` (a result row), by name and in that order."""
    return {name: getattr(row, name) for name in names}
