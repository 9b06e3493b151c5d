"""Time as the oversight capability reads it: aware UTC datetimes (SQLite hands back naive ones)."""

from __future__ import annotations

import datetime as dt

from charter.store.schema import utcnow

__all__ = ["aware", "iso", "utcnow"]


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else aware(value).isoformat()
