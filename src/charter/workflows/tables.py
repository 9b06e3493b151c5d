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
from charter.store.types import actor, digest, loose_ref, ref, stamp, status, timestamp

__all__ = ["workflow_batches", "workflow_runs", "workflow_steps", "workflows"]

workflows = tenant_table(
    "workflows",
    Column("name", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    digest("sha256"),
    Column("source", Text, nullable=False),  # the YAML as applied
    Column("body", JSON, nullable=False),  # the parsed definition
    *stamp("created"),
    UniqueConstraint("tenant_id", "name", "version"),
)

workflow_batches = tenant_table(
    "workflow_batches",
    ref("workflow_id", "workflows.id"),
    status(),  # open | signed_off
    Column("items", Integer, nullable=False),
    *stamp("created"),
    *stamp("signed_off", nullable=True),
    Index("ix_workflow_batches_tenant_created", "tenant_id", "created_at"),
)

workflow_runs = tenant_table(
    "workflow_runs",
    ref("workflow_id", "workflows.id"),
    ref("batch_id", "workflow_batches.id", nullable=True),
    # running | waiting | needs_attention | succeeded | failed | rejected
    status(),
    Column("step", String(64), nullable=True),  # the step it is on (null once finished)
    Column("waiting_for", String(16), nullable=True),  # approval | batch | review | person
    loose_ref("review_id", nullable=True),  # a model step's answer held for review
    Column("state", JSON, nullable=False),  # sealed: input, step outputs, visits, approvals
    Column("steps_run", Integer, nullable=False, default=0),
    Column("tokens", Integer, nullable=False, default=0),
    Column("error_code", String(64), nullable=True),
    Column("error", Text, nullable=True),
    Column("lease_owner", String(64), nullable=True),
    timestamp("lease_until", nullable=True),
    actor("started_by"),
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
    status(),
    actor("actor"),
    Column("sealed", JSON, nullable=True),  # {inputs, output}, sealed
    digest("inputs_sha256", nullable=True),
    digest("output_sha256", nullable=True),
    loose_ref("interaction_id", nullable=True),
    Column("tokens", Integer, nullable=False, default=0),
    Column("error_code", String(64), nullable=True),
    timestamp("started_at"),
    timestamp("finished_at", nullable=True),
    UniqueConstraint("run_id", "seq"),
)
