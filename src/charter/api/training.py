"""``/api/v1/training/datasets``: training datasets built from reviewed answers (developer, admin;
docs/learning.md). Thin: every route calls :mod:`charter.training`."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from charter.api.deps import Builder, RuntimeDep
from charter.api.params import JsonBody, UseCaseFilter
from charter.training import BuildRequest, build_dataset, export_dataset, get_dataset, list_datasets

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/training/datasets", tags=["training"])


class BuildIn(JsonBody):
    use_case: str = Field(min_length=1, max_length=64)
    kind: Literal["sft", "dpo"] = "sft"


@router.post("", status_code=201)
def build(body: BuildIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """A new version of the use case's dataset (or the latest, ``created: false``, when nothing changed)."""
    request = BuildRequest(use_case=body.use_case, kind=body.kind, actor=p.key_id)
    result: dict[str, Any] = rt.writer.write(lambda c: build_dataset(rt, c, p.tenant_id, request))
    return result


@router.get("")
def list_(p: Builder, rt: RuntimeDep, use_case: UseCaseFilter = None) -> list[dict[str, Any]]:
    """The tenant's dataset versions, newest first."""
    return rt.read(lambda conn: list_datasets(conn, p.tenant_id, use_case))


@router.get("/{dataset_id}")
def show(dataset_id: str, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """One version with each example's lineage (interaction, review, decision, feedback)."""
    return rt.read(lambda conn: get_dataset(conn, p.tenant_id, dataset_id))


@router.get("/{dataset_id}/export")
def export(dataset_id: str, p: Builder, rt: RuntimeDep) -> Response:
    """The version's JSON Lines in TRL's format (ledgered); ``x-charter-dataset-sha256`` is its hash."""
    body, meta = rt.writer.write(lambda c: export_dataset(c, p.tenant_id, dataset_id, actor=p.key_id))
    headers = {"x-charter-dataset-sha256": meta["sha256_now"], "x-charter-dataset-version": str(meta["version"])}
    return Response(body, media_type="application/jsonl", headers=headers)
