"""Tables of evaluations: datasets and their items, suites, runs, per-item results, gate decisions."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, String, Table, Text, UniqueConstraint

from charter.store.schema import metadata, tenant_table
from charter.store.types import actor, ref, timestamp

__all__ = [
    "eval_datasets",
    "eval_items",
    "eval_results",
    "eval_runs",
    "eval_suites",
    "gate_decisions",
    "model_change_requests",
]

eval_datasets = tenant_table(
    "eval_datasets",
    Column("name", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("source", String(200), nullable=False),  # file name, "interactions", "corrections"
    Column("item_count", Integer, nullable=False),
    Column("description", Text, nullable=False, default=""),
    actor("created_by"),
    timestamp("created_at"),
    UniqueConstraint("tenant_id", "name", "version"),
)

eval_items = tenant_table(
    "eval_items",
    ref("dataset_id", "eval_datasets.id"),
    Column("idx", Integer, nullable=False),
    Column("input", JSON, nullable=False),  # str or [{role, content}]
    Column("refs", JSON, nullable=False),  # reference answers: [str]
    Column("context", JSON, nullable=False),  # [str]
    Column("tags", JSON, nullable=False),  # [str]
    Column("variables", JSON, nullable=False),
    Column("meta", JSON, nullable=False),  # expect, pair, group, pattern, forbidden, ...
    UniqueConstraint("dataset_id", "idx"),
)

eval_suites = tenant_table(
    "eval_suites",
    ref("use_case_id", "use_cases.id"),
    ref("dataset_id", "eval_datasets.id"),
    Column("evaluators", JSON, nullable=False),  # [{name, options}]
    Column("thresholds", JSON, nullable=False),  # defaults; a prompt version's own thresholds win
    Column("params", JSON, nullable=False),  # generation params for suite runs
    actor("updated_by"),
    timestamp("updated_at"),
    UniqueConstraint("tenant_id", "use_case_id"),
)

eval_runs = tenant_table(
    "eval_runs",
    Column("experiment_id", String(40), nullable=False),
    ref("use_case_id", "use_cases.id", nullable=True),
    ref("dataset_id", "eval_datasets.id"),
    Column("prompt_version_id", String(40), nullable=True),
    Column("model", String(200), nullable=False),
    Column("target", String(200), nullable=False),  # how answers were produced
    Column("evaluators", JSON, nullable=False),
    Column("params", JSON, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # running | finished | failed
    Column("item_count", Integer, nullable=False),
    Column("done_count", Integer, nullable=False, default=0),
    Column("aggregates", JSON, nullable=True),
    actor("started_by"),
    timestamp("started_at"),
    timestamp("finished_at", nullable=True),
    Index("ix_eval_runs_tenant_started", "tenant_id", "started_at"),
    Index("ix_eval_runs_experiment", "experiment_id"),
)

eval_results = Table(
    "eval_results",
    metadata,
    ref("run_id", "eval_runs.id", primary_key=True),
    ref("item_id", "eval_items.id", primary_key=True),
    ref("tenant_id", "tenants.id"),
    Column("output", Text, nullable=False),
    Column("refused", Boolean, nullable=False),
    Column("error", String(200), nullable=True),
    Column("latency_ms", Float, nullable=False),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("cost", Float, nullable=False),
    Column("scores", JSON, nullable=False),
    timestamp("created_at"),
)

gate_decisions = tenant_table(
    "gate_decisions",
    Column("subject_kind", String(16), nullable=False),  # prompt | model | suite
    Column("subject", String(300), nullable=False),
    # what was decided on: the prompt version, the model change request, the suite
    Column("subject_id", String(40), nullable=True),
    ref("use_case_id", "use_cases.id", nullable=True),
    actor("author"),
    actor("approver"),
    Column("run_id", String(40), nullable=True),
    Column("baseline_run_id", String(40), nullable=True),
    Column("passed", Boolean, nullable=False),
    Column("checks", JSON, nullable=False),  # every threshold checked, with its value
    Column("failures", JSON, nullable=False),
    timestamp("created_at"),
    Index("ix_gate_decisions_tenant_created", "tenant_id", "created_at"),
    Index("ix_gate_decisions_subject_id", "subject_id"),
)

#: A model change asked for by one principal (MD-3); another approves it with a gate decision.
model_change_requests = tenant_table(
    "model_change_requests",
    ref("use_case_id", "use_cases.id"),
    Column("from_alias", String(64), nullable=False),
    Column("to_alias", String(64), nullable=False),
    actor("requested_by"),
    Column("reason", Text, nullable=False),
    timestamp("created_at"),
    Index("ix_model_change_requests_tenant_created", "tenant_id", "created_at"),
)
