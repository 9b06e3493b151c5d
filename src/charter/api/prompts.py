"""The prompt registry API under ``/api/v1/prompts``: push, list, show, diff, promote, rollback.

Thin: each route checks the role and calls :mod:`charter.prompts`. The caller's key is the actor;
promoting to a protected label (``production``, or one a charter serves from) needs a key other than
the one that pushed the version.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field

from charter.api.deps import Builder, RuntimeDep, Staff
from charter.api.params import JsonBody
from charter.prompts import promotion, versions
from charter.prompts.spec import PromptSpec

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/prompts", tags=["prompts"])


class PromoteIn(JsonBody):
    version: int = Field(ge=1)
    label: str = Field(default="production", min_length=1, max_length=64)
    use_case: str | None = Field(default=None, max_length=64)
    run_id: str | None = Field(default=None, max_length=40)
    reason: str = Field(default="", max_length=2000)


class RollbackIn(JsonBody):
    label: str = Field(default="production", min_length=1, max_length=64)
    to_version: int | None = Field(default=None, ge=1)
    reason: str = Field(default="", max_length=2000)


@router.get("")
def list_prompts(p: Staff, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: versions.list_prompts(conn, p.tenant_id))


@router.post("", status_code=201)
def push(body: PromptSpec, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Store a new immutable version (identical content returns the existing one, ``created: false``)."""
    result: dict[str, Any] = rt.writer.write(lambda c: versions.push(c, p.tenant_id, body, actor=p.key_id))
    return result


@router.get("/{name}")
def show(name: str, p: Staff, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: versions.show_prompt(conn, p.tenant_id, name))


@router.get("/{name}/versions/{version}")
def show_version(name: str, version: int, p: Staff, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: versions.get_version(conn, p.tenant_id, name, version=version).as_dict())


@router.get("/{name}/labels/{label}")
def show_label(name: str, label: str, p: Staff, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: versions.get_version(conn, p.tenant_id, name, label=label).as_dict())


@router.get("/{name}/diff")
def diff(name: str, p: Staff, rt: RuntimeDep, a: int = Query(ge=1), b: int = Query(ge=1)) -> dict[str, Any]:
    return rt.read(lambda conn: versions.diff_versions(conn, p.tenant_id, name, a, b))


@router.get("/{name}/history")
def history(
    name: str, p: Staff, rt: RuntimeDep, label: str | None = Query(default=None, max_length=64)
) -> list[dict[str, Any]]:
    return rt.read(lambda conn: versions.label_history(conn, p.tenant_id, name, label))


@router.post("/{name}/promote")
def promote(name: str, body: PromoteIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Move a label; a protected one goes through the gate (409 ``gate_failed``, ``same_principal`` or
    ``suite_changed_by_requester``, with the failures)."""
    request = promotion.Promotion(name=name, actor=p.key_id, **body.model_dump())
    return promotion.promote_or_raise(rt, p.tenant_id, request)


@router.post("/{name}/rollback")
def rollback(name: str, body: RollbackIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Move a label back to its previous version (or to one that held it before)."""
    request = versions.Rollback(name=name, actor=p.key_id, **body.model_dump())
    result: dict[str, Any] = rt.writer.write(lambda c: promotion.rollback(c, p.tenant_id, request))
    rt.policy_changed()
    return result
