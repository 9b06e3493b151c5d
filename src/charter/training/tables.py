"""Training data tables: immutable, content-hashed dataset versions and their examples.

``training_datasets``: one row per version of a use case's SFT or DPO dataset, with the SHA-256 of
its canonical JSON Lines, the counts of what was included and left out, and ``tainted_at`` once an
erasure removed examples from it. ``training_examples``: one row per example, already scrubbed of
personal data, with its lineage (interaction, review item, reviewer decision, feedback, end user).
The interaction id has no foreign key: lineage outlives the interaction's content.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Index, Integer, String, Text, UniqueConstraint

from charter.store.schema import tenant_table
from charter.store.types import loose_ref, ref, timestamp

__all__ = ["training_datasets", "training_examples", "training_jobs"]

training_datasets = tenant_table(
    "training_datasets",
    ref("use_case_id", "use_cases.id"),
    Column("kind", String(8), nullable=False),  # sft | dpo
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the canonical JSON Lines as built
    Column("examples", Integer, nullable=False),
    Column("summary", JSON, nullable=False),  # counts by source and by reason left out
    Column("charter_version", Integer, nullable=False),
    Column("created_by", String(64), nullable=False),
    timestamp("created_at"),
    timestamp("tainted_at", nullable=True),  # an erasure removed examples (training_examples rows)
    Column("erased_examples", Integer, nullable=False, default=0),
    UniqueConstraint("use_case_id", "kind", "version"),
    Index("ix_training_datasets_tenant_created", "tenant_id", "created_at"),
)

training_examples = tenant_table(
    "training_examples",
    ref("dataset_id", "training_datasets.id", ondelete="CASCADE"),
    Column("position", Integer, nullable=False),
    Column("source", String(24), nullable=False),  # review-approved | review-edited | appeal-correction
    loose_ref("interaction_id"),
    loose_ref("review_id"),
    loose_ref("decision_id"),
    loose_ref("feedback_id", nullable=True),
    loose_ref("subject_id", nullable=True),
    Column("sha256", String(64), nullable=False),  # of the example's canonical line
    Column("record", JSON, nullable=False),  # the TRL example, scrubbed
    timestamp("created_at"),
    UniqueConstraint("dataset_id", "position"),
    Index("ix_training_examples_tenant_subject", "tenant_id", "subject_id"),
    Index("ix_training_examples_tenant_interaction", "tenant_id", "interaction_id"),
)

#: Fine-tuning jobs (charter.training.jobs): queued by ``charter train run``, run by the scheduler's
#: ``training.run`` job (or ``charter train work``), resumed from their last checkpoint when the process
#: running them died (``heartbeat_at`` stale). ``result``: metrics, trials, the GGUF's hash; the model
#: version it registered, the CPU/GPU seconds and what they cost at the configured prices.
training_jobs = tenant_table(
    "training_jobs",
    Column("alias", String(64), nullable=False),  # the model alias the result is registered under
    loose_ref("dataset_id"),  # training_datasets.id (no foreign key: migration 0026)
    Column("method", String(8), nullable=False),  # sft | dpo
    Column("options", JSON, nullable=False),  # the training options as given (validated)
    Column("status", String(16), nullable=False),  # queued | running | succeeded | failed | cancelled
    Column("progress", JSON, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("worker", String(128), nullable=True),
    timestamp("heartbeat_at", nullable=True),
    Column("result", JSON, nullable=True),
    Column("error", Text, nullable=True),
    loose_ref("model_version_id", nullable=True),
    Column("device", String(16), nullable=True),
    Column("cpu_s", Float, nullable=False, default=0.0),
    Column("gpu_s", Float, nullable=False, default=0.0),
    Column("cost", Float, nullable=False, default=0.0),
    Column("created_by", String(64), nullable=False),
    timestamp("created_at"),
    timestamp("started_at", nullable=True),
    timestamp("finished_at", nullable=True),
    Index("ix_training_jobs_status_created", "status", "created_at"),
    Index("ix_training_jobs_tenant_created", "tenant_id", "created_at"),
)
