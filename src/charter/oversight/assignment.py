"""Queues assigned to reviewers or teams, and each reviewer's progress (HO-1, HO-2).

A **team** is a named set of reviewers (key ids, or people's ids ``oidc:...`` for single sign-on) in a
tenant. An **assignment** gives a use case's queue (its review items and its expert samples) or one
review item to a reviewer or a team. An item's own assignments replace its use case's.

Assigned work is **offered to its assignees first**: "take the next item" gives a reviewer, in order,
their own live claim, the oldest item assigned to them (or one of their teams), the oldest item
assigned to nobody, and only then items assigned to others **once those are overdue** (past their
SLA): an away assignee never keeps a held answer waiting past its SLA. Expert samples follow their
use case's assignments, and others' samples come after unassigned ones (scoring has no SLA). Anyone
may still claim an assigned item by its id; an assignment directs the queue, it is not a permission.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, delete, func, select

from charter import ledger
from charter.domain import Principal
from charter.errors import Conflict, InvalidRequest, NotFound
from charter.oversight.tables import (
    expert_scores,
    review_assignments,
    review_decisions,
    review_items,
    review_team_members,
    review_teams,
)
from charter.policy.current import use_case_id as find_use_case
from charter.store.records import found_in
from charter.store.schema import api_keys, new_id, use_cases
from charter.store.types import iso

__all__ = [
    "Assignee",
    "Board",
    "add_member",
    "assign",
    "create_team",
    "delete_team",
    "list_assignments",
    "list_teams",
    "load_board",
    "progress",
    "remove_member",
    "sample_rank",
    "unassign",
]

AssigneeKind = Literal["reviewer", "team"]
_TEAM_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
#: Roles that review (the API's REVIEWERS).
_REVIEW_ROLES = ("reviewer", "admin")


@dataclass(frozen=True, slots=True)
class Assignee:
    kind: AssigneeKind
    id: str  # a reviewer's key or person id, or a team's id


@dataclass(slots=True)
class Board:
    """A tenant's teams and assignments, read once: who each item and use case is assigned to."""

    teams: dict[str, str] = field(default_factory=dict)  # team id -> name
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # team id -> reviewers
    by_review: dict[str, set[Assignee]] = field(default_factory=lambda: defaultdict(set))
    by_use_case: dict[str, set[Assignee]] = field(default_factory=lambda: defaultdict(set))

    def assignees(self, review_id: str | None, use_case_id: str) -> set[Assignee]:
        """Whom an item (or a sample, ``review_id=None``) is assigned to: its own, else its use case's."""
        own = self.by_review.get(review_id) if review_id else None
        return set(own) if own else set(self.by_use_case.get(use_case_id, ()))

    def teams_of(self, reviewer: str) -> set[str]:
        return {team for team, people in self.members.items() if reviewer in people}

    def reviewers_of(self, assignees: set[Assignee]) -> set[str]:
        out: set[str] = set()
        for a in assignees:
            out |= set(self.members.get(a.id, ())) if a.kind == "team" else {a.id}
        return out

    def is_for(self, reviewer: str, assignees: set[Assignee]) -> bool:
        return reviewer in self.reviewers_of(assignees)

    def rank(self, reviewer: str, review_id: str | None, use_case_id: str, overdue: bool) -> int | None:
        """Where an unclaimed item comes in ``reviewer``'s "next": 1 assigned to them, 2 to nobody,
        3 to others but overdue; None: not offered to them yet (assigned to others, within its SLA)."""
        assignees = self.assignees(review_id, use_case_id)
        if not assignees:
            return 2
        if self.is_for(reviewer, assignees):
            return 1
        return 3 if overdue else None

    def label(self, assignees: set[Assignee], viewer: str) -> str:
        """``you``, ``team night-shift``, a reviewer's id, or ``—``, for a queue row."""
        if not assignees:
            return "—"
        words = []
        for a in sorted(assignees, key=lambda x: (x.kind, x.id)):
            if a.kind == "team":
                yours = " (yours)" if viewer in self.members.get(a.id, ()) else ""
                words.append(f"team {self.teams.get(a.id, a.id)}{yours}")
            else:
                words.append("you" if a.id == viewer else a.id)
        return ", ".join(words)


def load_board(conn: Connection, tenant_id: str) -> Board:
    board = Board()
    teams = select(review_teams.c.id, review_teams.c.name).where(review_teams.c.tenant_id == tenant_id)
    for row in conn.execute(teams):
        board.teams[row.id] = row.name
    for row in conn.execute(
        select(review_team_members.c.team_id, review_team_members.c.member).where(
            review_team_members.c.tenant_id == tenant_id
        )
    ):
        board.members[row.team_id].add(row.member)
    for row in conn.execute(select(review_assignments).where(review_assignments.c.tenant_id == tenant_id)):
        who = Assignee(row.assignee_kind, row.assignee)
        if row.review_id:
            board.by_review[row.review_id].add(who)
        elif row.use_case_id:
            board.by_use_case[row.use_case_id].add(who)
    return board


# -- teams ----------------------------------------------------------------------------------
def _team(conn: Connection, tenant_id: str, name: str) -> Any:
    return found_in(conn, review_teams, tenant_id,
                    f"team {name!r} not found; list them with `charter review teams list`", name=name)


def check_reviewer_id(conn: Connection, tenant_id: str, reviewer: str) -> str:
    """A reviewer is a key of the tenant with role reviewer or admin (not revoked), or a person signed
    in by single sign-on (``oidc:...``, whose role is read from the provider at each sign-in)."""
    reviewer = reviewer.strip()
    if reviewer.startswith("oidc:") and 5 < len(reviewer) <= 64:
        return reviewer
    row = conn.execute(
        select(api_keys.c.role, api_keys.c.revoked_at).where(api_keys.c.id == reviewer,
                                                             api_keys.c.tenant_id == tenant_id)
    ).first()
    if row is None or row.revoked_at is not None or row.role not in _REVIEW_ROLES:
        raise InvalidRequest(
            f"{reviewer!r} is not a reviewer of this tenant: give the id of a reviewer or admin key "
            "(`charter keys list`) or a person's id (oidc:...)",
            code="invalid_value",
            param="reviewer",
        )
    return reviewer


def create_team(
    conn: Connection, tenant_id: str, name: str, *, description: str = "", members: list[str] | None = None,
    actor: str, now: dt.datetime,
) -> dict[str, Any]:
    if not _TEAM_NAME.match(name):
        raise InvalidRequest("a team's name is 1-64 lower-case letters, digits, '.', '_' or '-'",
                             code="invalid_value", param="name")
    exists = conn.execute(
        select(review_teams.c.id).where(review_teams.c.tenant_id == tenant_id, review_teams.c.name == name)
    ).first()
    if exists is not None:
        raise Conflict(f"team {name!r} already exists", code="conflict")
    team_id = new_id("tea")
    conn.execute(review_teams.insert().values(id=team_id, tenant_id=tenant_id, name=name, description=description,
                                              created_by=actor, created_at=now))
    for member in members or []:
        _add(conn, tenant_id, team_id, check_reviewer_id(conn, tenant_id, member), actor, now)
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="review_team.created", subject=team_id,
                  event={"name": name, "members": sorted(members or [])})
    return team_view(conn, tenant_id, name)


def _add(conn: Connection, tenant_id: str, team_id: str, member: str, actor: str, now: dt.datetime) -> bool:
    present = conn.execute(
        select(review_team_members.c.member).where(review_team_members.c.team_id == team_id,
                                                   review_team_members.c.member == member)
    ).first()
    if present is not None:
        return False
    conn.execute(review_team_members.insert().values(team_id=team_id, member=member, tenant_id=tenant_id,
                                                     added_by=actor, added_at=now))
    return True


def add_member(conn: Connection, tenant_id: str, team: str, member: str, *, actor: str,
               now: dt.datetime) -> dict[str, Any]:
    row = _team(conn, tenant_id, team)
    member = check_reviewer_id(conn, tenant_id, member)
    if _add(conn, tenant_id, row.id, member, actor, now):
        ledger.append(conn, tenant_id=tenant_id, actor=actor, action="review_team.member_added", subject=row.id,
                      event={"team": team, "member": member})
    return team_view(conn, tenant_id, team)


def remove_member(conn: Connection, tenant_id: str, team: str, member: str, *, actor: str) -> dict[str, Any]:
    row = _team(conn, tenant_id, team)
    gone = conn.execute(
        delete(review_team_members).where(review_team_members.c.team_id == row.id,
                                          review_team_members.c.member == member)
    ).rowcount
    if not gone:
        raise NotFound(f"{member!r} is not in team {team!r}", code="not_found")
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="review_team.member_removed", subject=row.id,
                  event={"team": team, "member": member})
    return team_view(conn, tenant_id, team)


def delete_team(conn: Connection, tenant_id: str, team: str, *, actor: str) -> dict[str, Any]:
    """Delete a team and the assignments to it (its queues go back to everyone)."""
    row = _team(conn, tenant_id, team)
    dropped = conn.execute(
        delete(review_assignments).where(review_assignments.c.tenant_id == tenant_id,
                                         review_assignments.c.assignee_kind == "team",
                                         review_assignments.c.assignee == row.id)
    ).rowcount
    conn.execute(delete(review_team_members).where(review_team_members.c.team_id == row.id))
    conn.execute(delete(review_teams).where(review_teams.c.id == row.id))
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="review_team.deleted", subject=row.id,
                  event={"name": team, "assignments_removed": dropped})
    return {"id": row.id, "name": team, "deleted": True, "assignments_removed": dropped}


def team_view(conn: Connection, tenant_id: str, name: str) -> dict[str, Any]:
    row = _team(conn, tenant_id, name)
    members = conn.execute(
        select(review_team_members.c.member).where(review_team_members.c.team_id == row.id)
        .order_by(review_team_members.c.member)
    ).scalars().all()
    return {"id": row.id, "name": row.name, "description": row.description, "members": list(members),
            "created_by": row.created_by, "created_at": iso(row.created_at)}


def list_teams(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    names = conn.execute(
        select(review_teams.c.name).where(review_teams.c.tenant_id == tenant_id).order_by(review_teams.c.name)
    ).scalars().all()
    return [team_view(conn, tenant_id, n) for n in names]


# -- assignments ----------------------------------------------------------------------------
def assign(
    conn: Connection, tenant_id: str, *, use_case: str | None = None, review_id: str | None = None,
    reviewer: str | None = None, team: str | None = None, actor: str, now: dt.datetime,
) -> dict[str, Any]:
    """Assign a use case's queue or one review item to a reviewer or a team (exactly one of each)."""
    if (use_case is None) == (review_id is None):
        raise InvalidRequest("assign either a use case or a review item", code="invalid_value", param="use_case")
    if (reviewer is None) == (team is None):
        raise InvalidRequest("assign to either a reviewer or a team", code="invalid_value", param="reviewer")
    uc_id: str | None = None
    if use_case is not None:
        uc_id = find_use_case(conn, tenant_id, use_case)
    else:
        found = conn.execute(
            select(review_items.c.id).where(review_items.c.id == review_id, review_items.c.tenant_id == tenant_id)
        ).first()
        if found is None:
            raise NotFound(f"review {review_id!r} not found; list the queue with `charter review list`")
    who = (Assignee("team", _team(conn, tenant_id, team).id) if team is not None
           else Assignee("reviewer", check_reviewer_id(conn, tenant_id, reviewer or "")))
    col = review_assignments.c
    same = conn.execute(
        select(col.id).where(
            col.tenant_id == tenant_id,
            col.use_case_id.is_(None) if uc_id is None else col.use_case_id == uc_id,
            col.review_id.is_(None) if review_id is None else col.review_id == review_id,
            review_assignments.c.assignee_kind == who.kind,
            review_assignments.c.assignee == who.id,
        )
    ).scalar()
    if same is not None:
        raise Conflict(f"already assigned ({same})", code="conflict")
    assignment_id = new_id("asg")
    conn.execute(review_assignments.insert().values(
        id=assignment_id, tenant_id=tenant_id, use_case_id=uc_id, review_id=review_id, assignee_kind=who.kind,
        assignee=who.id, created_by=actor, created_at=now))
    result = {"id": assignment_id, "use_case": use_case, "review_id": review_id, "assignee_kind": who.kind,
              "assignee": team if team is not None else who.id}
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="review.assigned", subject=assignment_id,
                  event=result)
    return result


def unassign(conn: Connection, tenant_id: str, assignment_id: str, *, actor: str) -> dict[str, Any]:
    gone = conn.execute(
        delete(review_assignments).where(review_assignments.c.id == assignment_id,
                                         review_assignments.c.tenant_id == tenant_id)
    ).rowcount
    if not gone:
        raise NotFound(f"assignment {assignment_id!r} not found", code="not_found")
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="review.unassigned", subject=assignment_id,
                  event={"id": assignment_id})
    return {"id": assignment_id, "deleted": True}


def list_assignments(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(review_assignments, use_cases.c.name.label("use_case"), review_teams.c.name.label("team"))
        .outerjoin(use_cases, use_cases.c.id == review_assignments.c.use_case_id)
        .outerjoin(review_teams, review_teams.c.id == review_assignments.c.assignee)
        .where(review_assignments.c.tenant_id == tenant_id)
        .order_by(review_assignments.c.created_at, review_assignments.c.id)
    ).all()
    return [
        {"id": r.id, "use_case": r.use_case, "review_id": r.review_id, "assignee_kind": r.assignee_kind,
         "assignee": r.team if r.assignee_kind == "team" else r.assignee, "created_by": r.created_by,
         "created_at": iso(r.created_at)}
        for r in rows
    ]


# -- progress -------------------------------------------------------------------------------
def start_of_day(now: dt.datetime) -> dt.datetime:
    """Midnight UTC of ``now``'s day: "today" for progress."""
    return now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def progress(conn: Connection, viewer: Principal, now: dt.datetime) -> list[dict[str, Any]]:
    """Per reviewer: decisions today (and how many after the item's SLA), samples scored today, open
    items (pending and held by them or assigned to them) and how many of those are overdue. A key
    bound to a use case sees that use case's work only. One row for everyone who is assigned work, is
    in a team, holds a claim or decided or scored anything today."""
    tenant_id = viewer.tenant_id
    since = start_of_day(now)
    scope = viewer.use_case
    board = load_board(conn, tenant_id)
    rows: dict[str, dict[str, Any]] = {}

    def row(reviewer: str) -> dict[str, Any]:
        if reviewer not in rows:
            teams = sorted(board.teams[t] for t in board.teams_of(reviewer))
            rows[reviewer] = {"reviewer": reviewer, "name": "", "teams": teams, "decided_today": 0,
                              "late_today": 0, "scored_today": 0, "open": 0, "overdue_open": 0}
        return rows[reviewer]

    for people in board.members.values():
        for person in people:
            row(person)
    decided = (
        select(review_decisions.c.reviewer, review_decisions.c.decided_at, review_items.c.due_at)
        .join(review_items, review_items.c.id == review_decisions.c.review_id)
        .join(use_cases, use_cases.c.id == review_items.c.use_case_id)
        .where(review_decisions.c.tenant_id == tenant_id, review_decisions.c.decided_at >= since)
    )
    scored = (
        select(expert_scores.c.scorer, func.count())
        .join(use_cases, use_cases.c.id == expert_scores.c.use_case_id)
        .where(expert_scores.c.tenant_id == tenant_id, expert_scores.c.created_at >= since)
        .group_by(expert_scores.c.scorer)
    )
    pending = (
        select(review_items.c.id, review_items.c.use_case_id, review_items.c.claimed_by,
               review_items.c.claim_expires_at, review_items.c.due_at)
        .join(use_cases, use_cases.c.id == review_items.c.use_case_id)
        .where(review_items.c.tenant_id == tenant_id, review_items.c.status == "pending")
    )
    if scope is not None:
        decided, scored, pending = (q.where(use_cases.c.name == scope) for q in (decided, scored, pending))
    for r in conn.execute(decided):
        entry = row(r.reviewer)
        entry["decided_today"] += 1
        entry["late_today"] += int(r.decided_at > r.due_at)
    for scorer, count in conn.execute(scored):
        row(scorer)["scored_today"] += int(count)
    for item in conn.execute(pending):
        holders = set(board.reviewers_of(board.assignees(item.id, item.use_case_id)))
        if item.claimed_by and item.claim_expires_at is not None and item.claim_expires_at >= now:
            holders.add(item.claimed_by)
        for person in holders:
            entry = row(person)
            entry["open"] += 1
            entry["overdue_open"] += int(item.due_at < now)
    names = dict(conn.execute(select(api_keys.c.id, api_keys.c.name).where(
        api_keys.c.tenant_id == tenant_id, api_keys.c.id.in_(list(rows)))).all()) if rows else {}
    for reviewer, entry in rows.items():
        entry["name"] = names.get(reviewer, "")
        entry["sla_breaches"] = entry["late_today"] + entry["overdue_open"]
    return sorted(rows.values(), key=lambda e: (-e["open"], e["reviewer"]))


def sample_rank(board: Board, reviewer: str, use_case_id: str) -> int | None:
    """A sample's place in ``reviewer``'s next: their use cases' samples first, then unassigned ones,
    then others' (scoring has no SLA: nobody's sample waits for ever)."""
    return board.rank(reviewer, None, use_case_id, overdue=True)
