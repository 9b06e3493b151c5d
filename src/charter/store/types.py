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

__all__ = [
    "ACTOR_LENGTH",
    "DIGEST_LENGTH",
    "ID_LENGTH",
    "STATUS_LENGTH",
    "UTCDateTime",
    "actor",
    "digest",
    "id_key",
    "iso",
    "loose_ref",
    "ref",
    "stamp",
    "status",
    "timestamp",
    "timestamps",
]

#: Every row id (``charter.store.schema.new_id``: a prefix and 28 hex digits) fits in this many characters.
ID_LENGTH = 40
#: Who acted, in every record that names them, fits in this many characters.
ACTOR_LENGTH = 64
#: A SHA-256 in hex.
DIGEST_LENGTH = 64
#: A row's status (or state): one short word such as ``pending`` or ``running``.
STATUS_LENGTH = 16


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


def timestamps(*names: str, nullable: bool = False) -> tuple[Column[dt.datetime], ...]:
    """Timestamp columns (:func:`timestamp`) side by side, such as the moments a row may reach."""
    return tuple(timestamp(name, nullable) for name in names)


def actor(name: str, nullable: bool = False) -> Column[str]:
    """A column naming who acted, as the record names them (a key id, ``cli:$USER``, a person's ``sso:`` id)."""
    return Column(name, String(ACTOR_LENGTH), nullable=nullable)


def stamp(verb: str, nullable: bool = False) -> tuple[Column[str], Column[dt.datetime]]:
    """Who did ``verb`` and when: the columns ``<verb>_by`` (:func:`actor`) and ``<verb>_at``."""
    return actor(f"{verb}_by", nullable), timestamp(f"{verb}_at", nullable)


def id_key() -> Column[str]:
    """The ``id`` primary key of a row (``charter.store.schema.new_id``)."""
    return Column("id", String(ID_LENGTH), primary_key=True)


def ref(
    name: str,
    target: str,
    *,
    nullable: bool = False,
    ondelete: str | None = None,
    primary_key: bool = False,
    unique: bool | None = None,
) -> Column[str]:
    """A column holding the id of a row of ``target`` (``"table.id"``), with its foreign key."""
    return Column(name, String(ID_LENGTH), ForeignKey(target, ondelete=ondelete), nullable=nullable,
                  primary_key=primary_key, unique=unique)


def loose_ref(name: str, *, nullable: bool = False, primary_key: bool = False) -> Column[str]:
    """A column holding a row's id without a foreign key: the row it names may be gone (lineage and
    links outlive what they name)."""
    return Column(name, String(ID_LENGTH), nullable=nullable, primary_key=primary_key)


def digest(name: str, *, nullable: bool = False, unique: bool | None = None) -> Column[str]:
    """A column holding a hex SHA-256."""
    return Column(name, String(DIGEST_LENGTH), nullable=nullable, unique=unique)


def status(name: str = "status", nullable: bool = False) -> Column[str]:
    """A column holding a row's status (or state): one short word."""
    return Column(name, String(STATUS_LENGTH), nullable=nullable)


def iso(value: dt.datetime | None) -> str | None:
    """ISO-8601 text of a timestamp read through :class:`UTCDateTime` (``+00:00``), or ``None``."""
    return None if value is None else value.isoformat()
