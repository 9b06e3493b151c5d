"""Interactions covered by the ledger: the canonical projection of an ``interactions`` row.

The record stage appends ``interaction.recorded`` with ``subject = interaction id`` and
``event = interaction_event(row)``; ``audit verify`` re-derives the same projection from the stored
row, so an edit of any covered column is caught. Columns missing from ``row`` take their column
default (the values the database will store), datetimes become ISO-8601 UTC, numbers keep their
column's type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Float, Integer

from charter.ledger.entries import format_ts
from charter.store.schema import interactions

__all__ = ["INTERACTION_ACTION", "interaction_event"]

#: The action of the entry that covers an interaction.
INTERACTION_ACTION = "interaction.recorded"


def _converter(column: Column[Any]) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda v: format_ts(v) if isinstance(v, dt.datetime) else v
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, Float):
        return float
    if isinstance(kind, Integer):
        return int
    return lambda v: v


def _default(column: Column[Any]) -> Any:
    default = column.default
    arg = getattr(default, "arg", None)
    return None if arg is None or callable(arg) else arg


_COLUMNS: tuple[tuple[str, Callable[[Any], Any], Any], ...] = tuple(
    (str(c.name), _converter(c), _default(c)) for c in interactions.columns
)


def interaction_event(row: Mapping[str, Any]) -> dict[str, Any]:
    """The event of the ledger entry that covers this interaction row."""
    event: dict[str, Any] = {}
    for name, convert, default in _COLUMNS:
        value = row.get(name, default)
        event[name] = None if value is None else convert(value)
    return event
