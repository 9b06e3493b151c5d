"""review assignment: reviewer teams, queue assignments, sentence labels, durable citizen chats

Revision ID: 0023_review_assignment
Revises: 0013_end_users

- ``review_teams`` and ``review_team_members``: a team is a named set of reviewers (key ids or
  people's ids) in a tenant.
- ``review_assignments``: a use case's queue (its review items and expert samples) or one review item
  assigned to a reviewer or a team; assigned work is offered to its assignees first
  (charter.oversight.assignment, docs/oversight.md).
- ``expert_scores`` gains ``sentence_labels`` (correct | unsupported | wrong | harmful per sentence)
  and ``sentence_notes`` (a note per sentence); null for scores given as numbers.
- ``citizen_turns``: the console's citizen chat conversations in the store instead of one process's
  memory, so any replica serves a citizen (docs/console.md, Citizen chat); content sealed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_review_assignment"
down_revision = "0013_end_users"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_teams",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_review_teams_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_teams")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_review_teams_tenant_id_name")),
    )
    op.create_table(
        "review_team_members",
        sa.Column("team_id", sa.String(length=40), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["review_teams.id"], ondelete="CASCADE",
                                name=op.f("fk_review_team_members_team_id_review_teams")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_review_team_members_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("team_id", "member", name=op.f("pk_review_team_members")),
    )
    op.create_table(
        "review_assignments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=True),
        sa.Column("review_id", sa.String(length=40), nullable=True),
        sa.Column("assignee_kind", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_review_assignments_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_cases.id"],
                                name=op.f("fk_review_assignments_use_case_id_use_cases")),
        sa.ForeignKeyConstraint(["review_id"], ["review_items.id"], ondelete="CASCADE",
                                name=op.f("fk_review_assignments_review_id_review_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_assignments")),
    )
    op.create_index("ix_review_assignments_tenant", "review_assignments", ["tenant_id", "assignee_kind", "assignee"])
    op.create_index("ix_review_assignments_review", "review_assignments", ["review_id"])
    with op.batch_alter_table("expert_scores") as batch:
        batch.add_column(sa.Column("sentence_labels", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("sentence_notes", sa.JSON(), nullable=True))
    op.create_table(
        "citizen_turns",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("use_case_id", sa.String(length=40), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sealed", sa.JSON(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("interaction_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_citizen_turns_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_cases.id"], name=op.f("fk_citizen_turns_use_case_id_use_cases")),
        sa.ForeignKeyConstraint(["interaction_id"], ["interactions.id"], ondelete="CASCADE",
                                name=op.f("fk_citizen_turns_interaction_id_interactions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_turns")),
        sa.UniqueConstraint("tenant_id", "use_case_id", "conversation_id", "no",
                            name=op.f("uq_citizen_turns_tenant_id_use_case_id_conversation_id_no")),
    )
    op.create_index("ix_citizen_turns_updated", "citizen_turns", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_citizen_turns_updated", table_name="citizen_turns")
    op.drop_table("citizen_turns")
    with op.batch_alter_table("expert_scores") as batch:
        batch.drop_column("sentence_notes")
        batch.drop_column("sentence_labels")
    op.drop_index("ix_review_assignments_review", table_name="review_assignments")
    op.drop_index("ix_review_assignments_tenant", table_name="review_assignments")
    op.drop_table("review_assignments")
    op.drop_table("review_team_members")
    op.drop_table("review_teams")
