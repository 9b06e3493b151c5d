"""The charter in force for a use case: its current version, read by the gateway, evals and oversight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, select

from charter.domain import Charter
from charter.errors import NotFound
from charter.store.schema import charter_versions, use_cases

__all__ = [
    "IN_FORCE",
    "CurrentCharter",
    "body_in_force",
    "current_charters",
    "get_charter",
    "get_use_case",
    "use_case_id",
]

IN_FORCE = and_(
    charter_versions.c.use_case_id == use_cases.c.id,
    charter_versions.c.version == use_cases.c.current_version,
)
"""Joins a use case to the version of its charter in force."""


@dataclass(frozen=True, slots=True)
class CurrentCharter:
    """A use case and the body of the charter in force for it (validate with ``Charter.model_validate``)."""

    tenant_id: str
    use_case_id: str
    name: str
    body: dict[str, Any]
    version: int = 0
    updated_at: datetime | None = None


def current_charters(conn: Connection, tenant_id: str | None = None) -> list[CurrentCharter]:
    """Every use case (of ``tenant_id``, else of every tenant) with its charter in force, by tenant and
    name (what the periodic jobs walk: retention, alert rules, auto-suspend; and the use case list)."""
    query = (
        select(
            use_cases.c.tenant_id,
            use_cases.c.id,
            use_cases.c.name,
            use_cases.c.current_version,
            use_cases.c.updated_at,
            charter_versions.c.body,
        )
        .join(charter_versions, IN_FORCE)
        .order_by(use_cases.c.tenant_id, use_cases.c.name)
    )
    if tenant_id is not None:
        query = query.where(use_cases.c.tenant_id == tenant_id)
    return [
        CurrentCharter(r.tenant_id, r.id, r.name, r.body or {}, r.current_version, r.updated_at)
        for r in conn.execute(query).all()
    ]


def body_in_force(*where: ColumnElement[bool]) -> Select[tuple[Any]]:
    """The query for the body of the charter in force of the use case ``where`` selects."""
    return select(charter_versions.c.body).select_from(use_cases).join(charter_versions, IN_FORCE).where(*where)


def _not_found(name: str, param: str | None = None) -> NotFound:
    return NotFound(f"use case {name!r} not found; list them with `charter usecases list`", code="use_case_not_found",
                    param=param)


def use_case_id(conn: Connection, tenant_id: str, name: str, param: str | None = None) -> str:
    """The id of the tenant's use case ``name`` (404 ``use_case_not_found``, naming ``param`` where the
    name came from a request field)."""
    found = conn.execute(
        select(use_cases.c.id).where(use_cases.c.tenant_id == tenant_id, use_cases.c.name == name)
    ).scalar_one_or_none()
    if found is None:
        raise _not_found(name, param)
    return str(found)


def get_use_case(conn: Connection, tenant_id: str, name: str) -> dict[str, Any]:
    row = conn.execute(
        select(
            use_cases.c.id,
            use_cases.c.name,
            use_cases.c.current_version,
            charter_versions.c.body,
            charter_versions.c.created_at,
            charter_versions.c.created_by,
            charter_versions.c.sha256,
        )
        .join(charter_versions, IN_FORCE)
        .where(use_cases.c.tenant_id == tenant_id, use_cases.c.name == name)
    ).first()
    if row is None:
        raise _not_found(name)
    return {
        "id": row.id,
        "name": row.name,
        "version": row.current_version,
        "charter": row.body,
        "sha256": row.sha256,
        "applied_at": row.created_at.isoformat(),
        "applied_by": row.created_by,
    }


def get_charter(conn: Connection, tenant_id: str, name: str) -> tuple[str, int, Charter]:
    uc = get_use_case(conn, tenant_id, name)
    return uc["id"], uc["version"], Charter.model_validate(uc["charter"])
