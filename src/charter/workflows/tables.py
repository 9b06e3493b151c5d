"""Workflow tables (migration 0025_workflows).

``workflows``: immutable versions of a tenant's workflow definitions (the YAML as applied, its
SHA-256 and the parsed body), versioned like charters. ``workflow_batches``: a batch run over many
items and its sign-off (HO-3). ``workflow_runs``: one run's durable state: where it is (``step``,
``status``, ``waiting_for``), its budgets spent, its lease (one process advances a run at a time),
and its state (input and step outputs) sealed with the raw tier's key ring. ``workflow_steps``: one
row per step executed, written as an *intent* (``started``) before the step runs and completed with
its result after, so a crash between the two is seen on resume; inputs and output sealed, their
hashes in the clear, the actor and timing.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Text, UniqueConstraint

from charter.store.schema import tenant_table
from charter.store.types import ref, timestamp

__all__ = ["workflow_batches", "workflow_runs", "workflow_steps", "workflows"]

workflows = tenant_table(
    "workflows",
    Column("name", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("body", JSON, nullable=False),
    Column("created_by", String(64), nullable=False),
    timestamp("created_at"),
    UniqueConstraint("tenant_id", "name", "version"),
)

workflow_batches = tenant_table(
    "workflow_batches",
    ref("workflow_id", "workflows.id"),
    Column("status", String(16), nullable=False),  # open | signed_off
    Column("items", Integer, nullable=False),
    Column("created_by", String(64), nullable=False),
    timestamp("created_at"),
    Column("signed_off_by", String(64), nullable=True),
    timestamp("signed_off_at", nullable=True),
    Index("ix_workflow_batches_tenant_created", "tenant_id", "created_at"),
)

workflow_runs = tenant_table(
    "workflow_runs",
    ref("workflow_id", "workflows.id"),
    ref("batch_id", "workflow_batches.id", nullable=True),
    # running | waiting | needs_attention | succeeded | failed | rejected
    Column("status", String(16), nullable=False),
    Column("step", String(64), nullable=True),  # the step it is on (null once finished)
    Column("waiting_for", String(16), nullable=True),  # approval | batch | review | person
    Column("review_id", String(40), nullable=True),  # a model step's answer held for review
    Column("state", JSON, nullable=False),  # sealed: input, step outputs, visits, approvals
    Column("steps_run", Integer, nullable=False, default=0),
    Column("tokens", Integer, nullable=False, default=0),
    Column("error_code", String(64), nullable=True),
    Column("error", Text, nullable=True),
    Column("lease_owner", String(64), nullable=True),
    timestamp("lease_until", nullable=True),
    Column("started_by", String(64), nullable=False),
    timestamp("created_at"),
    timestamp("updated_at"),
    timestamp("deadline_at", nullable=True),
    timestamp("finished_at", nullable=True),
    Index("ix_workflow_runs_tenant_created", "tenant_id", "created_at"),
    Index("ix_workflow_runs_batch", "batch_id"),
)

workflow_steps = tenant_table(
    "workflow_steps",
    ref("run_id", "workflow_runs.id"),
    Column("seq", Integer, nullable=False),
    Column("step", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # model | connector | branch | approval | end
    # started (intent) | done | failed | abandoned (an idempotent step cut by a crash, run again)
    # | approved | rejected | resolved (a person settled an uncertain step)
    Column("status", String(16), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("sealed", JSON, nullable=True),  # {inputs, output}, sealed
    Column("inputs_sha256", String(64), nullable=True),
    Column("output_sha256", String(64), nullable=True),
    Column("interaction_id", String(40), nullable=True),
    Column("tokens", Integer, nullable=False, default=0),
    Column("error_code", String(64), nullable=True),
    timestamp("started_at"),
    timestamp("finished_at", nullable=True),
    UniqueConstraint("run_id", "seq"),
)
