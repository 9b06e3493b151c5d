"""Every timestamp column reads back as an aware UTC datetime on both stores (store.types.UTCDateTime)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from charter.runtime import Runtime
from charter.store.schema import metadata, tenants
from charter.store.types import UTCDateTime

CET = dt.timezone(dt.timedelta(hours=1))


def _write(conn: Connection, name: str, when: dt.datetime) -> None:
    conn.execute(tenants.insert().values(id=f"ten_{name}", tenant_id=f"ten_{name}", name=name, created_at=when))


def _read(runtime: Runtime, name: str) -> dt.datetime:
    with runtime.engine.connect() as conn:
        return conn.execute(select(tenants.c.created_at).where(tenants.c.name == name)).scalar_one()


def test_timestamps_read_back_aware_utc_whatever_zone_was_written(runtime: Runtime) -> None:
    runtime.writer.write(lambda c: _write(c, "zoned", dt.datetime(2026, 3, 1, 12, 30, 0, 5, tzinfo=CET)))
    runtime.writer.write(lambda c: _write(c, "naive", dt.datetime(2026, 3, 1, 12, 30)))
    zoned, naive = _read(runtime, "zoned"), _read(runtime, "naive")
    assert (zoned, zoned.utcoffset()) == (dt.datetime(2026, 3, 1, 11, 30, 0, 5, tzinfo=dt.UTC), dt.timedelta(0))
    assert (naive, naive.tzinfo) == (dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC), dt.UTC)
    with runtime.engine.connect() as conn:  # comparisons in SQL see the same instant
        before_noon = conn.execute(
            select(tenants.c.name).where(tenants.c.created_at < dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC))
        ).scalars()
        assert sorted(before_noon) == ["zoned"]


def test_every_table_timestamp_uses_the_one_type(runtime: Runtime) -> None:
    assert len(metadata.tables) > 20  # the capabilities' tables are declared by now
    kinds = {type(c.type).__name__ for t in metadata.tables.values() for c in t.columns if "DateTime" in repr(c.type)}
    assert kinds == {UTCDateTime.__name__}
