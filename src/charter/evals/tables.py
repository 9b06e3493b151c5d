"""Tables of evaluations: datasets and their items, suites, runs, per-item results, gate decisions."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, String, Text, UniqueConstraint

from charter.store.schema import tenant_table
from charter.store.types import actor, digest, loose_ref, ref, stamp, status, timestamp

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
    digest("sha256"),
    Column("source", String(200), nullable=False),  # file name, "interactions", "corrections"
    Column("item_count", Integer, nullable=False),
    Column("description", Text, nullable=False, default=""),
    *stamp("created"),
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
    *stamp("updated"),
    UniqueConstraint("tenant_id", "use_case_id"),
)

eval_runs = tenant_table(
    "eval_runs",
    loose_ref("experiment_id"),
    ref("use_case_id", "use_cases.id", nullable=True),
    ref("dataset_id", "eval_datasets.id"),
    loose_ref("prompt_version_id", nullable=True),
    Column("model", String(200), nullable=False),
    Column("target", String(200), nullable=False),  # how answers were produced
    Column("evaluators", JSON, nullable=False),
    Column("params", JSON, nullable=False),
    Column("seed", Integer, nullable=False),
    status(),  # running | finished | incomplete
    Column("item_count", Integer, nullable=False),
    Column("done_count", Integer, nullable=False, default=0),
    Column("aggregates", JSON, nullable=True),  # {metric: value} over the stored results, once it ends
    *stamp("started"),
    timestamp("finished_at", nullable=True),
    Index("ix_eval_runs_tenant_started", "tenant_id", "started_at"),
    Index("ix_eval_runs_experiment", "experiment_id"),
)

eval_results = tenant_table(
    "eval_results",
    ref("run_id", "eval_runs.id", primary_key=True),
    ref("item_id", "eval_items.id", primary_key=True),
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
    loose_ref("subject_id", nullable=True),
    ref("use_case_id", "use_cases.id", nullable=True),
    actor("author"),
    actor("approver"),
    loose_ref("run_id", nullable=True),
    loose_ref("baseline_run_id", nullable=True),
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
