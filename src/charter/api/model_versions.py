"""``/api/v1/models/{alias}/versions`` and ``/rollback``: the model registry (admin, developer;
docs/learning.md, Model registry). Thin: every route calls :mod:`charter.training.registry`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from charter.api.deps import Builder, RuntimeDep
from charter.api.params import JsonBody
from charter.training import registry

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/models", tags=["models"])


class RegisterIn(JsonBody):
    base: str = Field(min_length=1, max_length=200)
    file: str | None = Field(default=None, max_length=500, description="A GGUF file in the models directory.")
    url: str | None = Field(default=None, max_length=500, description="An OpenAI-compatible server.")
    platform_model_id: str | None = Field(default=None, max_length=200)
    secret: str | None = Field(default=None, max_length=100)
    dataset_id: str | None = Field(default=None, max_length=40)
    training_config: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    code_version: str | None = Field(default=None, max_length=100)


class RollbackIn(JsonBody):
    reason: str = Field(default="", max_length=500)


@router.get("/{alias}/versions")
def list_versions(alias: str, p: Builder, rt: RuntimeDep) -> list[dict[str, Any]]:
    """The alias's versions with lineage and state, oldest first."""
    return rt.read(lambda conn: registry.list_versions(conn, p.tenant_id, alias))


@router.get("/{alias}/versions/{version}")
def show_version(alias: str, version: int, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: registry.get_version(conn, p.tenant_id, alias, version))


@router.post("/{alias}/versions", status_code=201)
def register(alias: str, body: RegisterIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Register a candidate version (its file's SHA-256 computed here); it serves nobody until promoted."""
    file = None if body.file is None else registry.file_under(rt.settings.data_dir / "models", body.file)
    reg = registry.Registration(
        alias=alias, base=body.base, file=file, url=body.url, platform_model_id=body.platform_model_id,
        secret=body.secret, dataset_id=body.dataset_id, training_config=body.training_config, metrics=body.metrics,
        code_version=body.code_version,
    )
    row: dict[str, Any] = rt.writer.write(
        lambda c: registry.register_version(c, p.tenant_id, reg, actor=p.key_id, egress=rt.egress)
    )
    rt.policy_changed()
    return row


@router.post("/{alias}/versions/{version}/promote")
def promote(alias: str, version: int, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Serve the version once the gate of every use case listing the alias passed (the caller approves;
    409 ``same_principal`` for the registrant, ``gate_failed`` otherwise, recorded too)."""
    row, decisions = rt.writer.write(
        lambda c: registry.promote_version(c, p.tenant_id, alias, version, approver=p.key_id)
    )
    for decision in decisions:
        if not decision.passed:
            raise decision.error()
    rt.policy_changed()
    return {**row, "gate": [d.as_dict() for d in decisions]}


@router.post("/{alias}/rollback")
def rollback(alias: str, p: Builder, rt: RuntimeDep, body: RollbackIn | None = None) -> dict[str, Any]:
    """Return to the version the current one replaced, without a new gate (ledgered)."""
    reason = "" if body is None else body.reason
    result: dict[str, Any] = rt.writer.write(
        lambda c: registry.rollback_version(c, p.tenant_id, alias, actor=p.key_id, reason=reason)
    )
    rt.policy_changed()
    return result
