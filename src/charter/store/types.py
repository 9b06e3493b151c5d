"""Column types every capability shares.

:class:`UTCDateTime` is the one timestamp type: PostgreSQL's ``timestamptz`` hands back aware
datetimes in the session's zone, SQLite's text column hands back naive ones. Through this type every
read is an aware UTC datetime on both stores, and every write is stored as UTC (a naive value is taken
as UTC), so no module has to repair what it reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, DateTime, Dialect, ForeignKey, String
from sqlalchemy.types import TypeDecorator

__all__ = ["ACTOR_LENGTH", "ID_LENGTH", "UTCDateTime", "actor", "iso", "ref", "timestamp"]

#: Every row id (``charter.store.schema.new_id``: a prefix and 28 hex digits) fits in this many characters.
ID_LENGTH = 40
#: Who acted, in every record that names them, fits in this many characters.
ACTOR_LENGTH = 64


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """``DateTime(timezone=True)`` that always reads back aware UTC datetimes (same storage type)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else _utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else _utc(value)


def timestamp(name: str, nullable: bool = False) -> Column[dt.datetime]:
    """A timestamp column (``UTCDateTime``)."""
    return Column(name, UTCDateTime(), nullable=nullable)


def actor(name: str, nullable: bool = False) -> Column[str]:
    """A column naming who acted, as the record names them (a key id, ``cli:$USER``, a person's ``sso:`` id)."""
    return Column(name, String(ACTOR_LENGTH), nullable=nullable)


def ref(
    name: str, target: str, *, nullable: bool = False, ondelete: str | None = None, primary_key: bool = False
) -> Column[str]:
    """A column holding the id of a row of ``target`` (``"table.id"``), with its foreign key."""
    return Column(name, String(ID_LENGTH), ForeignKey(target, ondelete=ondelete), nullable=nullable,
                  primary_key=primary_key)


def iso(value: dt.datetime | None) -> str | None:
    """ISO-8601 text of a timestamp read through :class:`UTCDateTime` (``+00:00``), or ``None``."""
    return None if value is None else value.isoformat()
