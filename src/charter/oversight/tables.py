"""Oversight tables: review items with their answer versions and decisions, expert samples and
scores, feedback, incidents and auto-suspensions. Content (questions, answers, corrections) is only
ever stored sealed (AES-GCM envelope, like the raw tier of interactions)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from charter.store.schema import metadata
from charter.store.types import timestamp

__all__ = [
    "expert_samples",
    "expert_scores",
    "feedback",
    "incident_links",
    "incidents",
    "review_decisions",
    "review_items",
    "review_versions",
    "suspensions",
]


def _tenant() -> Column[str]:
    return Column("tenant_id", String(40), ForeignKey("tenants.id"), nullable=False)


def _interaction(nullable: bool = False) -> Column[str]:
    return Column(
        "interaction_id", String(40), ForeignKey("interactions.id", ondelete="CASCADE"), nullable=nullable
    )


review_items = Table(
    "review_items",
    metadata,
    Column("id", String(40), primary_key=True),
    _tenant(),
    Column("use_case_id", String(40), ForeignKey("use_cases.id"), nullable=False),
    _interaction(),
    Column("kind", String(16), nullable=False),  # hold | appeal
    Column("status", String(16), nullable=False),  # pending | approved | edited | rejected
    Column("reasons", JSON, nullable=False),
    Column("findings", JSON, nullable=False),
    Column("requester_key_id", String(40), nullable=False),
    Column("charter_version", Integer, nullable=False),
    Column("required_approvals", Integer, nullable=False),
    Column("approvals", JSON, nullable=False),  # reviewer ids that approved the current version
    Column("current_version", Integer, nullable=False),
    Column("sealed_request", JSON, nullable=False),  # question, redacted context, vault
    Column("model_alias", String(64), nullable=True),
    Column("feedback_id", String(40), nullable=True),
    Column("claimed_by", String(40), nullable=True),
    timestamp("claimed_at", nullable=True),
    timestamp("claim_expires_at", nullable=True),
    timestamp("created_at"),
    timestamp("due_at"),
    timestamp("escalated_at", nullable=True),
    timestamp("holding_at", nullable=True),
    timestamp("decided_at", nullable=True),
    Column("decided_by", String(40), nullable=True),
    Column("outcome_comment", Text, nullable=True),
    Column("subject_id", String(40), nullable=True),  # the end user, pseudonymised (0013)
    Column("officer", String(256), nullable=True),  # the officer the application asked for (0013)
    Index("ix_review_items_tenant_status_created", "tenant_id", "status", "created_at"),
    Index("ix_review_items_use_case_created", "use_case_id", "created_at"),
)

review_versions = Table(
    "review_versions",
    metadata,
    Column("id", String(40), primary_key=True),
    _tenant(),
    Column("review_id", String(40), ForeignKey("review_items.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("provenance", String(16), nullable=False),  # ai | ai-edited | human
    Column("author", String(40), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("chars", Integer, nullable=False),
    Column("similarity", Float, nullable=True),  # to the AI version (difflib ratio)
    Column("sealed", JSON, nullable=False),  # {"text", "diff"}
    timestamp("created_at"),
    UniqueConstraint("review_id", "version"),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", String(40), primary_key=True),
    _tenant(),
    Column("review_id", String(40), ForeignKey("review_items.id", ondelete="CASCADE"), nullable=False),
    Column("reviewer", String(40), nullable=False),
    Column("decision", String(16), nullable=False),  # approve | edit | reject
    Column("version", Integer, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("final", Boolean, nullable=False),
    timestamp("received_at"),
    timestamp("claimed_at", nullable=True),
    timestamp("decided_at"),
    Index("ix_review_decisions_review", "review_id"),
)

expert_samples = Table(
    "expert_samples",
    metadata,
    Column("id", String(40), primary_key=True),
    _tenant(),
    Column("use_case_id", String(40), ForeignKey("use_cases.id"), nullable=False),
    _interaction(),
    Column("status", String(16), nullable=False),  # pending | scored
    Column("sealed", JSON, nullable=False),  # {"question", "answer", "citations"}
    Column("sentences", Integer, nullable=False),
    Column("citations", Integer, nullable=False),
    Column("claimed_by", String(40), nullable=True),
    timestamp("claimed_at", nullable=True),
    timestamp("claim_expires_at", nullable=True),
    timestamp("created_at"),
    timestamp("scored_at", nullable=True),
    Index("ix_expert_samples_tenant_status_created", "tenant_id", "status", "created_at"),
)

expert_scores = Table(
    "expert_scores",
    metadata,
    Column("id", String(40), primary_key=True),
    _tenant(),
    Column("sample_id", String(40), ForeignKey("expert_samples.id", ondelete="CASCADE"), nullable=False),
    Column("use_case_id", String(40), ForeignKey("use_cases.id"), nullable=False),
    Column("scorer", String(40), nullable=False),
    Column("sentence_scores", JSON, nullable=False),
    Column("accuracy", Float, nullable=False),
    Column("citation_score", Float, nullable=True),
    Column("total", Float, nullable=False),
    Column("weights", JSON, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    timestamp("created_at"),
    Index("ix_expert_scores_use_case_created", "use_case_id", "created_at"),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", String(40), primary_key=True),
    _tenant(),
    Column("use_case_id", String(40), ForeignKey("use_cases.id"), nullable=False),
    _interaction(),
    Column("key_id", String(40), nullable=False),
    Column("rating", String(16), nullable=True),  # helpful | unhelpful
    Column("reasons", JSON, nullable=False),
    Column("sealed_correction", JSON(none_as_null=True), nullable=True),
    Column("appeal", Boolean, nullable=False),
    Column("consent", Boolean, nullable=False),
    Column("review_id", String(40), nullable=True),
    Column("subject_id", String(40), nullable=True),  # the end user of the interaction (0013)
    timestamp("created_at"),
    Index("ix_feedback_use_case_created", "use_case_id", "created_at"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(40), primary_key=True),
    _tenant(),
    Column("use_case_id", String(40), ForeignKey("use_cases.id"), nullable=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("kind", String(16), nullable=False),  # incident | near-miss
    Column("near_miss_type", String(32), nullable=True),
    Column("severity", String(16), nullable=False),  # low | medium | high | critical
    Column("status", String(16), nullable=False),  # open | investigating | mitigated | closed
    Column("source", String(32), nullable=False),  # manual | auto-suspend | appeal | ...
    Column("reported_by", String(64), nullable=False),
    Column("impact", Text, nullable=False, default=""),
    Column("affected", Text, nullable=False, default=""),
    Column("actions_taken", Text, nullable=False, default=""),
    Column("root_cause", Text, nullable=False, default=""),
    Column("after_action", Text, nullable=False, default=""),
    Column("disclosed_to", Text, nullable=False, default=""),
    timestamp("detected_at"),
    timestamp("created_at"),
    timestamp("updated_at"),
    timestamp("closed_at", nullable=True),
    Index("ix_incidents_tenant_created", "tenant_id", "created_at"),
)

incident_links = Table(
    "incident_links",
    metadata,
    Column("incident_id", String(40), ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("interaction_id", String(40), primary_key=True),  # no FK: links outlive retention
    _tenant(),
)

suspensions = Table(
    "suspensions",
    metadata,
    Column("id", String(40), primary_key=True),
    _tenant(),
    Column("use_case_id", String(40), ForeignKey("use_cases.id"), nullable=False),
    Column("criterion", String(32), nullable=False),
    Column("value", Float, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("events", Integer, nullable=False),
    Column("window_minutes", Integer, nullable=False),
    Column("incident_id", String(40), ForeignKey("incidents.id"), nullable=False),
    timestamp("suspended_at"),
    timestamp("resumed_at", nullable=True),
    Column("resumed_by", String(64), nullable=True),
    Column("resume_reason", Text, nullable=True),
    Index("ix_suspensions_use_case", "use_case_id", "suspended_at"),
)
