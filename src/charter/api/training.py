"""``/api/v1/training/datasets``: training datasets built from reviewed answers (developer, admin;
docs/learning.md). Thin: every route calls :mod:`charter.training`."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from charter.api.deps import get_runtime, require_roles
from charter.domain import Principal
from charter.runtime import Runtime
from charter.training import BuildRequest, build_dataset, export_dataset, get_dataset, list_datasets

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/training/datasets", tags=["training"])

BUILDERS = require_roles("admin", "developer")


class BuildIn(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    use_case: str = Field(min_length=1, max_length=64)
    kind: Literal["sft", "dpo"] = "sft"


@router.post("", status_code=201)
def build(body: BuildIn, p: Principal = Depends(BUILDERS), rt: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """A new version of the use case's dataset (or the latest, ``created: false``, when nothing changed)."""
    request = BuildRequest(use_case=body.use_case, kind=body.kind, actor=p.key_id)
    result: dict[str, Any] = rt.writer.write(lambda c: build_dataset(rt, c, p.tenant_id, request))
    return result


@router.get("")
def list_(
    use_case: str | None = Query(default=None, max_length=64),
    p: Principal = Depends(BUILDERS),
    rt: Runtime = Depends(get_runtime),
) -> list[dict[str, Any]]:
    """The tenant's dataset versions, newest first."""
    return rt.read(lambda conn: list_datasets(conn, p.tenant_id, use_case))


@router.get("/{dataset_id}")
def show(dataset_id: str, p: Principal = Depends(BUILDERS), rt: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """One version with each example's lineage (interaction, review, decision, feedback)."""
    return rt.read(lambda conn: get_dataset(conn, p.tenant_id, dataset_id))


@router.get("/{dataset_id}/export")
def export(dataset_id: str, p: Principal = Depends(BUILDERS), rt: Runtime = Depends(get_runtime)) -> Response:
    """The version's JSON Lines in TRL's format (ledgered); ``x-charter-dataset-sha256`` is its hash."""
    body, meta = rt.writer.write(lambda c: export_dataset(c, p.tenant_id, dataset_id, actor=p.key_id))
    headers = {"x-charter-dataset-sha256": meta["sha256_now"], "x-charter-dataset-version": str(meta["version"])}
    return Response(body, media_type="application/jsonl", headers=headers)
