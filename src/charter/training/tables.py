"""Training data tables: immutable, content-hashed dataset versions and their examples.

``training_datasets``: one row per version of a use case's SFT or DPO dataset, with the SHA-256 of
its canonical JSON Lines, the counts of what was included and left out, and ``tainted_at`` once an
erasure removed examples from it. ``training_examples``: one row per example, already scrubbed of
personal data, with its lineage (interaction, review item, reviewer decision, feedback, end user).
The interaction id has no foreign key: lineage outlives the interaction's content.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from charter.store.schema import metadata
from charter.store.types import timestamp

__all__ = ["training_datasets", "training_examples"]

training_datasets = Table(
    "training_datasets",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("tenant_id", String(40), ForeignKey("tenants.id"), nullable=False),
    Column("use_case_id", String(40), ForeignKey("use_cases.id"), nullable=False),
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

training_examples = Table(
    "training_examples",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("tenant_id", String(40), ForeignKey("tenants.id"), nullable=False),
    Column("dataset_id", String(40), ForeignKey("training_datasets.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("source", String(24), nullable=False),  # review-approved | review-edited | appeal-correction
    Column("interaction_id", String(40), nullable=False),
    Column("review_id", String(40), nullable=False),
    Column("decision_id", String(40), nullable=False),
    Column("feedback_id", String(40), nullable=True),
    Column("subject_id", String(40), nullable=True),
    Column("sha256", String(64), nullable=False),  # of the example's canonical line
    Column("record", JSON, nullable=False),  # the TRL example, scrubbed
    timestamp("created_at"),
    UniqueConstraint("dataset_id", "position"),
    Index("ix_training_examples_tenant_subject", "tenant_id", "subject_id"),
    Index("ix_training_examples_tenant_interaction", "tenant_id", "interaction_id"),
)
