"""Interactions covered by the ledger: the canonical projection of an ``interactions`` row.

The record stage appends ``interaction.recorded`` with ``subject = interaction id`` and
``event = interaction_event(row)``; ``audit verify`` re-derives the same projection from the stored
row, so an edit of any covered column is caught. Columns missing from ``row`` take their column
default (the values the database will store), datetimes become ISO-8601 UTC, numbers keep their
column's type.

The client's own identifiers, ``request_id`` and ``conversation_id``, may carry personal data (an
application may use an account number or an e-mail address as a conversation id). The event holds
them pseudonymised, as ``request_id_sha256`` and ``conversation_id_sha256`` = hex SHA-256 of
``"charter:<column>:" + value`` (null stays null): the ledger still commits to the stored value, and
anyone holding the row can recompute the digest, but the ledger, its exports and its API do not
disclose the id. The end user's subject id and the officer (``subject_id``, ``officer``, added by
migration 0013) are carried the same way. Entries written before this change carry the ids in clear
under their column names; :func:`legacy_interaction_event` re-derives those. A column added after an
entry was written is absent from its event: ``audit verify`` accepts that only while the row holds
the column's null (so setting it later is still caught).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Boolean, Column, Float, Integer

from charter.ledger.entries import format_ts
from charter.store.schema import interactions
from charter.store.types import UTCDateTime

__all__ = ["INTERACTION_ACTION", "PSEUDONYMISED", "interaction_event", "legacy_interaction_event", "pseudonymise"]

#: The action of the entry that covers an interaction.
INTERACTION_ACTION = "interaction.recorded"


def _converter(column: Column[Any]) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, UTCDateTime):
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


#: Columns the event carries as digests, never in clear.
PSEUDONYMISED: tuple[str, ...] = ("request_id", "conversation_id", "subject_id", "officer")


def _digest(name: str, value: Any) -> str | None:
    if value is None:
        return None
    return hashlib.sha256(f"charter:{name}:{value}".encode("utf-8", "surrogatepass")).hexdigest()


def pseudonymise(projection: Mapping[str, Any]) -> dict[str, Any]:
    """A projection with :data:`PSEUDONYMISED` columns replaced by their ``<column>_sha256`` digests."""
    event = {k: v for k, v in projection.items() if k not in PSEUDONYMISED}
    for name in PSEUDONYMISED:
        event[f"{name}_sha256"] = _digest(name, projection.get(name))
    return event


def legacy_interaction_event(row: Mapping[str, Any]) -> dict[str, Any]:
    """The event as written before the ids were pseudonymised: every column in clear."""
    event: dict[str, Any] = {}
    for name, convert, default in _COLUMNS:
        value = row.get(name, default)
        event[name] = None if value is None else convert(value)
    return event


def interaction_event(row: Mapping[str, Any]) -> dict[str, Any]:
    """The event of the ledger entry that covers this interaction row."""
    return pseudonymise(legacy_interaction_event(row))
