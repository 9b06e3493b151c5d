"""oversight: review items, answer versions, decisions, expert samples and scores, feedback,
incidents and auto-suspensions

Revision ID: 0003_oversight
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_oversight"
down_revision = "0001_core"
branch_labels = ("oversight",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("interaction_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("requester_key_id", sa.String(length=40), nullable=False),
        sa.Column("charter_version", sa.Integer(), nullable=False),
        sa.Column("required_approvals", sa.Integer(), nullable=False),
        sa.Column("approvals", sa.JSON(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("sealed_request", sa.JSON(), nullable=False),
        sa.Column("model_alias", sa.String(length=64), nullable=True),
        sa.Column("feedback_id", sa.String(length=40), nullable=True),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("holding_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("outcome_comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_review_items_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_review_items_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_cases.id"], name=op.f("fk_review_items_use_case_id_use_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
    )
    op.create_index(
        "ix_review_items_tenant_status_created",
        "review_items",
        ["tenant_id", "status", "created_at"],
        unique=False,
    )
    op.create_index("ix_review_items_use_case_created", "review_items", ["use_case_id", "created_at"], unique=False)
    op.create_table(
        "review_versions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("review_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("sealed", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review_items.id"],
            name=op.f("fk_review_versions_review_id_review_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_review_versions_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_versions")),
        sa.UniqueConstraint("review_id", "version", name=op.f("uq_review_versions_review_id_version")),
    )
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("review_id", sa.String(length=40), nullable=False),
        sa.Column("reviewer", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review_items.id"],
            name=op.f("fk_review_decisions_review_id_review_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_review_decisions_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
    )
    op.create_index("ix_review_decisions_review", "review_decisions", ["review_id"], unique=False)
    op.create_table(
        "expert_samples",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("interaction_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sealed", sa.JSON(), nullable=False),
        sa.Column("sentences", sa.Integer(), nullable=False),
        sa.Column("citations", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_expert_samples_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_expert_samples_tenant_id_tenants")),
        sa.ForeignKeyConstraint(
            ["use_case_id"], ["use_cases.id"], name=op.f("fk_expert_samples_use_case_id_use_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_samples")),
    )
    op.create_index(
        "ix_expert_samples_tenant_status_created",
        "expert_samples",
        ["tenant_id", "status", "created_at"],
        unique=False,
    )
    op.create_table(
        "expert_scores",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("sample_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("scorer", sa.String(length=40), nullable=False),
        sa.Column("sentence_scores", sa.JSON(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("citation_score", sa.Float(), nullable=True),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["expert_samples.id"],
            name=op.f("fk_expert_scores_sample_id_expert_samples"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_expert_scores_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_cases.id"], name=op.f("fk_expert_scores_use_case_id_use_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_scores")),
    )
    op.create_index("ix_expert_scores_use_case_created", "expert_scores", ["use_case_id", "created_at"], unique=False)
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("interaction_id", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("rating", sa.String(length=16), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("sealed_correction", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("appeal", sa.Boolean(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("review_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_feedback_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_feedback_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_cases.id"], name=op.f("fk_feedback_use_case_id_use_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index("ix_feedback_use_case_created", "feedback", ["use_case_id", "created_at"], unique=False)
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("near_miss_type", sa.String(length=32), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("affected", sa.Text(), nullable=False),
        sa.Column("actions_taken", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("after_action", sa.Text(), nullable=False),
        sa.Column("disclosed_to", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_incidents_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_cases.id"], name=op.f("fk_incidents_use_case_id_use_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index("ix_incidents_tenant_created", "incidents", ["tenant_id", "created_at"], unique=False)
    op.create_table(
        "incident_links",
        sa.Column("incident_id", sa.String(length=40), nullable=False),
        sa.Column("interaction_id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_links_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_incident_links_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("incident_id", "interaction_id", name=op.f("pk_incident_links")),
    )
    op.create_table(
        "suspensions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("criterion", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("window_minutes", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.String(length=40), nullable=False),
        sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resumed_by", sa.String(length=64), nullable=True),
        sa.Column("resume_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name=op.f("fk_suspensions_incident_id_incidents")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_suspensions_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_cases.id"], name=op.f("fk_suspensions_use_case_id_use_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suspensions")),
    )
    op.create_index("ix_suspensions_use_case", "suspensions", ["use_case_id", "suspended_at"], unique=False)


def downgrade() -> None:
    # dropping a table drops its indexes
    op.drop_table("suspensions")
    op.drop_table("incident_links")
    op.drop_table("incidents")
    op.drop_table("feedback")
    op.drop_table("expert_scores")
    op.drop_table("expert_samples")
    op.drop_table("review_decisions")
    op.drop_table("review_versions")
    op.drop_table("review_items")
