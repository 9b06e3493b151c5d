"""Tables of the prompt registry: prompts, their immutable versions, movable labels and label moves."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Text, UniqueConstraint

from charter.store.schema import tenant_table
from charter.store.types import actor, digest, loose_ref, ref, stamp, timestamp

__all__ = ["prompt_label_moves", "prompt_labels", "prompt_versions", "prompts"]

prompts = tenant_table(
    "prompts",
    Column("name", String(64), nullable=False),
    ref("use_case_id", "use_cases.id", nullable=True),
    Column("description", Text, nullable=False, default=""),
    *stamp("created"),
    UniqueConstraint("tenant_id", "name"),
)

prompt_versions = tenant_table(
    "prompt_versions",
    ref("prompt_id", "prompts.id"),
    Column("version", Integer, nullable=False),
    digest("sha256"),
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

prompt_labels = tenant_table(
    "prompt_labels",
    ref("prompt_id", "prompts.id", primary_key=True),
    Column("label", String(64), primary_key=True),
    ref("version_id", "prompt_versions.id"),
    *stamp("moved"),
)

prompt_label_moves = tenant_table(
    "prompt_label_moves",
    ref("prompt_id", "prompts.id"),
    Column("label", String(64), nullable=False),
    loose_ref("from_version_id", nullable=True),
    loose_ref("to_version_id"),
    Column("kind", String(16), nullable=False),  # set | promote | rollback
    actor("actor"),
    loose_ref("gate_id", nullable=True),  # the gate decision that allowed it
    Column("reason", Text, nullable=False, default=""),
    timestamp("moved_at"),
    Index("ix_prompt_label_moves_prompt_label", "prompt_id", "label", "moved_at"),
)
