"""Oversight tables: review items with their answer versions and decisions, expert samples and
scores, feedback, incidents and auto-suspensions. Content (questions, answers, corrections) is only
ever stored sealed (AES-GCM envelope, like the raw tier of interactions)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, String, Text, UniqueConstraint

from charter.store.schema import interaction_ref, tenant_table
from charter.store.types import ID_LENGTH, actor, digest, loose_ref, ref, stamp, status, timestamp, timestamps

__all__ = [
    "expert_samples",
    "expert_scores",
    "feedback",
    "incident_links",
    "incidents",
    "review_assignments",
    "review_decisions",
    "review_items",
    "review_team_members",
    "review_teams",
    "review_versions",
    "suspensions",
]


def _reviewer(name: str, nullable: bool = False) -> Column[str]:
    """A column naming a reviewer (or expert) by their key id, or a person's id."""
    return Column(name, String(ID_LENGTH), nullable=nullable)


def _claim() -> tuple[Column[str], Column[dt.datetime], Column[dt.datetime]]:
    """Who holds a row of a queue and until when (:mod:`charter.oversight.claims`): ``claimed_by``,
    ``claimed_at`` and ``claim_expires_at``, all empty while nobody does."""
    return (
        _reviewer("claimed_by", nullable=True),
        timestamp("claimed_at", nullable=True),
        timestamp("claim_expires_at", nullable=True),
    )


review_items = tenant_table(
    "review_items",
    ref("use_case_id", "use_cases.id"),
    interaction_ref(),
    Column("kind", String(16), nullable=False),  # hold | appeal
    status(),  # pending | approved | edited | rejected
    Column("reasons", JSON, nullable=False),
    Column("findings", JSON, nullable=False),
    loose_ref("requester_key_id"),
    Column("charter_version", Integer, nullable=False),
    Column("required_approvals", Integer, nullable=False),
    Column("approvals", JSON, nullable=False),  # reviewer ids that approved the current version
    Column("current_version", Integer, nullable=False),
    Column("sealed_request", JSON, nullable=False),  # question, redacted context, vault
    Column("model_alias", String(64), nullable=True),
    loose_ref("feedback_id", nullable=True),
    *_claim(),
    timestamp("created_at"),
    timestamp("due_at"),
    *timestamps("escalated_at", "holding_at", "decided_at", nullable=True),
    _reviewer("decided_by", nullable=True),
    Column("outcome_comment", Text, nullable=True),
    Column("subject_id", String(40), nullable=True),  # the end user, pseudonymised (0013)
    Column("officer", String(256), nullable=True),  # the officer the application asked for (0013)
    Index("ix_review_items_tenant_status_created", "tenant_id", "status", "created_at"),
    Index("ix_review_items_use_case_created", "use_case_id", "created_at"),
)

review_versions = tenant_table(
    "review_versions",
    ref("review_id", "review_items.id", ondelete="CASCADE"),
    Column("version", Integer, nullable=False),
    Column("provenance", String(16), nullable=False),  # ai | ai-edited | human
    Column("author", String(40), nullable=False),
    digest("sha256"),
    Column("chars", Integer, nullable=False),
    Column("similarity", Float, nullable=True),  # to the AI version (difflib ratio)
    Column("sealed", JSON, nullable=False),  # {"text", "diff"}
    timestamp("created_at"),
    UniqueConstraint("review_id", "version"),
)

review_decisions = tenant_table(
    "review_decisions",
    ref("review_id", "review_items.id", ondelete="CASCADE"),
    _reviewer("reviewer"),
    Column("decision", String(16), nullable=False),  # approve | edit | reject
    Column("version", Integer, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("final", Boolean, nullable=False),
    timestamp("received_at"),
    timestamp("claimed_at", nullable=True),
    timestamp("decided_at"),
    Index("ix_review_decisions_review", "review_id"),
)

expert_samples = tenant_table(
    "expert_samples",
    ref("use_case_id", "use_cases.id"),
    interaction_ref(),
    status(),  # pending | scored
    Column("sealed", JSON, nullable=False),  # {"question", "answer", "citations"}
    Column("sentences", Integer, nullable=False),
    Column("citations", Integer, nullable=False),
    *_claim(),
    timestamp("created_at"),
    timestamp("scored_at", nullable=True),
    Index("ix_expert_samples_tenant_status_created", "tenant_id", "status", "created_at"),
)

expert_scores = tenant_table(
    "expert_scores",
    ref("sample_id", "expert_samples.id", ondelete="CASCADE"),
    ref("use_case_id", "use_cases.id"),
    _reviewer("scorer"),
    Column("sentence_scores", JSON, nullable=False),
    Column("accuracy", Float, nullable=False),
    Column("citation_score", Float, nullable=True),
    Column("total", Float, nullable=False),
    Column("weights", JSON, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    timestamp("created_at"),
    # 0023: the expert's verdict on each sentence (correct | unsupported | wrong | harmful) and a note
    # each (the reviewer's words, like ``comment``); null for scores given as numbers only
    Column("sentence_labels", JSON, nullable=True),
    Column("sentence_notes", JSON, nullable=True),
    Index("ix_expert_scores_use_case_created", "use_case_id", "created_at"),
)

feedback = tenant_table(
    "feedback",
    ref("use_case_id", "use_cases.id"),
    interaction_ref(),
    loose_ref("key_id"),
    Column("rating", String(16), nullable=True),  # helpful | unhelpful
    Column("reasons", JSON, nullable=False),
    Column("sealed_correction", JSON(none_as_null=True), nullable=True),
    Column("appeal", Boolean, nullable=False),
    Column("consent", Boolean, nullable=False),
    loose_ref("review_id", nullable=True),
    Column("subject_id", String(40), nullable=True),  # the end user of the interaction (0013)
    timestamp("created_at"),
    Index("ix_feedback_use_case_created", "use_case_id", "created_at"),
)

incidents = tenant_table(
    "incidents",
    ref("use_case_id", "use_cases.id", nullable=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("kind", String(16), nullable=False),  # incident | near-miss
    Column("near_miss_type", String(32), nullable=True),
    Column("severity", String(16), nullable=False),  # low | medium | high | critical
    status(),  # open | investigating | mitigated | closed
    Column("source", String(32), nullable=False),  # manual | auto-suspend | appeal | ...
    actor("reported_by"),
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

incident_links = tenant_table(
    "incident_links",
    ref("incident_id", "incidents.id", ondelete="CASCADE", primary_key=True),
    loose_ref("interaction_id", primary_key=True),  # links outlive retention
)

suspensions = tenant_table(
    "suspensions",
    ref("use_case_id", "use_cases.id"),
    Column("criterion", String(32), nullable=False),
    Column("value", Float, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("events", Integer, nullable=False),
    Column("window_minutes", Integer, nullable=False),
    ref("incident_id", "incidents.id"),
    timestamp("suspended_at"),
    timestamp("resumed_at", nullable=True),
    actor("resumed_by", nullable=True),
    Column("resume_reason", Text, nullable=True),
    Index("ix_suspensions_use_case", "use_case_id", "suspended_at"),
)

# -- 0023: reviewer teams and queue assignments (charter.oversight.assignment) ----------------
review_teams = tenant_table(
    "review_teams",
    Column("name", String(64), nullable=False),
    Column("description", Text, nullable=False, default=""),
    *stamp("created"),
    UniqueConstraint("tenant_id", "name"),
)

review_team_members = tenant_table(
    "review_team_members",
    ref("team_id", "review_teams.id", ondelete="CASCADE", primary_key=True),
    Column("member", String(64), primary_key=True),  # a key id, or a person's id (oidc:...)
    *stamp("added"),
)

#: Who is offered a queue first: a use case's items (and samples), or one review item, assigned to a
#: reviewer (``assignee_kind = reviewer``: a key id or a person's id) or a team (its id).
review_assignments = tenant_table(
    "review_assignments",
    ref("use_case_id", "use_cases.id", nullable=True),
    ref("review_id", "review_items.id", ondelete="CASCADE", nullable=True),
    Column("assignee_kind", String(16), nullable=False),  # reviewer | team
    Column("assignee", String(64), nullable=False),
    *stamp("created"),
    Index("ix_review_assignments_tenant", "tenant_id", "assignee_kind", "assignee"),
    Index("ix_review_assignments_review", "review_id"),
)
