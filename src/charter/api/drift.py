"""Production drift and bias of a use case (ME-2, ME-4): ``GET /api/v1/usecases/{name}/drift`` shows
the latest stored run and its findings; ``POST`` runs every detector now. The periodic run is the
``drift.check`` job (charter.jobs)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from charter.api.deps import Builder, RecordReader, RuntimeDep
from charter.monitor import drift

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/usecases", tags=["monitoring"])


@router.get("/{name}/drift")
def show_drift(name: str, p: RecordReader, rt: RuntimeDep) -> dict[str, Any]:
    """The latest drift run of the use case: each detector and segment with its test, statistic,
    p-value, the corrected cutoff, whether it drifted, and the two windows and their sizes."""
    return rt.read(lambda conn: drift.drift_report(conn, p.tenant_id, name))


@router.post("/{name}/drift")
async def run_drift(name: str, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Run every detector of the use case now (409 ``monitor_not_configured`` without ``monitor:``)."""
    await drift.check_use_case(rt, p.tenant_id, name, actor=p.key_id)
    return rt.read(lambda conn: drift.drift_report(conn, p.tenant_id, name))
