"""Tables of the prompt registry: prompts, their immutable versions, movable labels and label moves."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text, UniqueConstraint

from charter.store.schema import metadata, tenant_table
from charter.store.types import actor, ref, timestamp

__all__ = ["prompt_label_moves", "prompt_labels", "prompt_versions", "prompts"]

prompts = tenant_table(
    "prompts",
    Column("name", String(64), nullable=False),
    ref("use_case_id", "use_cases.id", nullable=True),
    Column("description", Text, nullable=False, default=""),
    actor("created_by"),
    timestamp("created_at"),
    UniqueConstraint("tenant_id", "name"),
)

prompt_versions = tenant_table(
    "prompt_versions",
    ref("prompt_id", "prompts.id"),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("kind", String(8), nullable=False),  # text | chat
    Column("template", JSON, nullable=False),  # str (text) or [{role, content}] (chat)
    Column("variables", JSON, nullable=False),  # variables schema
    Column("model_params", JSON, nullable=False),
    Column("thresholds", JSON, nullable=False),  # promotion-gate thresholds, per metric
    actor("author"),
    Column("message", Text, nullable=False, default=""),
    timestamp("created_at"),
    UniqueConstraint("prompt_id", "version"),
    Index("ix_prompt_versions_prompt_sha", "prompt_id", "sha256"),
)

prompt_labels = Table(
    "prompt_labels",
    metadata,
    ref("prompt_id", "prompts.id", primary_key=True),
    Column("label", String(64), primary_key=True),
    ref("tenant_id", "tenants.id"),
    ref("version_id", "prompt_versions.id"),
    actor("moved_by"),
    timestamp("moved_at"),
)

prompt_label_moves = tenant_table(
    "prompt_label_moves",
    ref("prompt_id", "prompts.id"),
    Column("label", String(64), nullable=False),
    Column("from_version_id", String(40), nullable=True),
    Column("to_version_id", String(40), nullable=False),
    Column("kind", String(16), nullable=False),  # set | promote | rollback
    actor("actor"),
    Column("gate_id", String(40), nullable=True),  # the gate decision that allowed it
    Column("reason", Text, nullable=False, default=""),
    timestamp("moved_at"),
    Index("ix_prompt_label_moves_prompt_label", "prompt_id", "label", "moved_at"),
)
