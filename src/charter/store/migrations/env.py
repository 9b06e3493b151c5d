"""Alembic environment: runs Charter's migrations on the connection handed in by
:func:`charter.store.migrate.upgrade` (or on ``sqlalchemy.url`` from the command line)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from charter.store.tables import all_metadata

config = context.config
target_metadata = all_metadata()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
