"""Who may do what: the role groups that both faces check (API routes and console pages).

A principal has one role (:data:`charter.domain.ROLES`): ``admin``, ``developer``, ``reviewer``,
``auditor`` or ``app``. A group below names the roles allowed one kind of work; a route or a page
names its group instead of spelling the roles again, so the API and the console cannot disagree.
Each group lists its roles in the order of :data:`~charter.domain.ROLES` (the order a 403 names them).

- :data:`ADMINS` (admin): tenants, keys, models, kill switches; lifting a suspension; changing and
  closing incidents; review teams and assignments.
- :data:`BUILDERS` (admin, developer): charters, prompts, datasets, suites, runs, knowledge bases,
  workflows, model changes, training.
- :data:`STAFF` (every person, never ``app``): read use cases, prompts, evaluations, workflows and a
  use case's oversight metrics.
- :data:`REVIEWERS` (admin, reviewer): the review queue, expert scoring, workflow decisions, opening
  incidents.
- :data:`OVERSEERS` (admin, reviewer, auditor): read incidents, alerts and expert scores.
- :data:`AUDITORS` (admin, auditor): the ledger, jobs, suspensions, lineage, ``/metrics`` and the
  readiness detail.
- :data:`RECORD_READERS` (admin, developer, auditor): the redacted interaction records, refusals,
  cost, drift and monitoring, expert scores as data.
- :data:`RAW_READERS` (auditor): the decrypted raw tier (each read is ledgered).
- :data:`CONTENT_READERS` (reviewer, auditor): a workflow run's sealed content (each read is ledgered).
- :data:`RESUMERS` (admin, developer, reviewer): resume a workflow run.
- :data:`CALLERS` (developer, app): call models through the gateway (``/v1/``).
- :data:`APP_USERS` (admin, developer, app): feedback on an answer, knowledge-base queries.
- :data:`EVERYONE` (every role): the guard catalogue.
"""

from __future__ import annotations

from charter.domain import ROLES

__all__ = [
    "ADMINS",
    "APP_USERS",
    "AUDITORS",
    "BUILDERS",
    "CALLERS",
    "CONTENT_READERS",
    "EVERYONE",
    "OVERSEERS",
    "RAW_READERS",
    "RECORD_READERS",
    "RESUMERS",
    "REVIEWERS",
    "STAFF",
]

Roles = tuple[str, ...]

ADMINS: Roles = ("admin",)
BUILDERS: Roles = ("admin", "developer")
STAFF: Roles = ("admin", "developer", "reviewer", "auditor")
REVIEWERS: Roles = ("admin", "reviewer")
OVERSEERS: Roles = ("admin", "reviewer", "auditor")
AUDITORS: Roles = ("admin", "auditor")
RECORD_READERS: Roles = ("admin", "developer", "auditor")
RAW_READERS: Roles = ("auditor",)
CONTENT_READERS: Roles = ("reviewer", "auditor")
RESUMERS: Roles = ("admin", "developer", "reviewer")
CALLERS: Roles = ("developer", "app")
APP_USERS: Roles = ("admin", "developer", "app")
EVERYONE: Roles = ROLES
