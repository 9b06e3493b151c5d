"""``POST /api/v1/guards/scan`` and ``GET /api/v1/guards``: try the guards (any authenticated role)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from charter.api.deps import Anyone, RuntimeDep
from charter.api.params import JsonBody
from charter.guards import guard_set, scan_text

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/guards", tags=["guards"])


class ScanIn(JsonBody):
    text: str = Field(description="The text to screen.")
    guards: list[str] | None = Field(default=None, description="Guards to run. Default: every input guard.")
    direction: Literal["input", "output", "context"] = "input"
    threshold: float = Field(default=0.5, ge=0.0, le=1.0,
                             description="Findings below this score are left out.")


class FindingOut(BaseModel):
    guard: str
    type: str
    start: int = Field(description="Character offset into the given text (inclusive).")
    end: int = Field(description="Character offset into the given text (exclusive).")
    score: float


class ScanOut(BaseModel):
    findings: list[FindingOut]
    verdict: Literal["pass", "flag"]
    guards: dict[str, dict[str, Any]] = Field(description="Per guard: version, verdict, score, ms.")


@router.post("/scan", response_model=ScanOut)
async def scan(body: ScanIn, p: Anyone, rt: RuntimeDep) -> dict[str, Any]:
    """Findings with character offsets into ``text`` (never the matched values) and a verdict."""
    guards = guard_set(rt)
    result: dict[str, Any] = await run_in_threadpool(
        scan_text, guards, body.text, body.guards, direction=body.direction, threshold=body.threshold)
    return result


@router.get("")
async def list_guards(p: Anyone, rt: RuntimeDep) -> list[dict[str, Any]]:
    """Installed guards with their versions and directions."""
    rows: list[dict[str, Any]] = await run_in_threadpool(guard_set(rt).describe)
    return rows
