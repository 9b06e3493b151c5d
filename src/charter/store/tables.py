"""Collects the tables of every capability onto one MetaData (for migrations and tests)."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from charter.store.schema import metadata

__all__ = ["TABLE_MODULES", "all_metadata"]

#: Modules that declare tables on :data:`charter.store.schema.metadata`.
TABLE_MODULES: tuple[str, ...] = (
    "charter.store.schema",
    "charter.ledger.tables",
    "charter.oversight.tables",
    "charter.prompts.tables",
    "charter.evals.tables",
    "charter.knowledge.tables",
)


def all_metadata() -> MetaData:
    for name in TABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
    return metadata
