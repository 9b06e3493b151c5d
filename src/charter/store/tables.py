"""Collects the tables of every capability onto one MetaData (for migrations and tests)."""

from __future__ import annotations

from sqlalchemy import MetaData

# Each capability's table module declares its tables on charter.store.schema.metadata when imported.
from charter.evals import tables as evals_tables
from charter.identity import tables as identity_tables
from charter.jobs import tables as jobs_tables
from charter.knowledge import tables as knowledge_tables
from charter.ledger import tables as ledger_tables
from charter.monitor.alerts import tables as alerts_tables
from charter.monitor.drift import tables as drift_tables
from charter.oversight import tables as oversight_tables
from charter.prompts import tables as prompts_tables
from charter.store.schema import metadata
from charter.training import tables as training_tables
from charter.workflows import tables as workflows_tables

__all__ = ["TABLE_MODULES", "all_metadata"]

#: Modules that declare tables on :data:`charter.store.schema.metadata` (besides the schema itself).
TABLE_MODULES = (ledger_tables, oversight_tables, prompts_tables, evals_tables, knowledge_tables, jobs_tables,
                 alerts_tables, drift_tables, identity_tables, training_tables,
                 workflows_tables)


def all_metadata() -> MetaData:
    return metadata
