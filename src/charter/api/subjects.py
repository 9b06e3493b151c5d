"""``/api/v1/subjects``: an end user's access (export) and erasure requests (admin only). The
subject travels in the body, never in the URL: it may be an e-mail address or an account number."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from charter.api.deps import get_runtime, require_roles
from charter.domain import Principal
from charter.identity.requests import erase_subject, export_subject
from charter.runtime import Runtime

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/subjects", tags=["identity"])

ADMIN = require_roles("admin")


class SubjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    subject: str = Field(min_length=1, max_length=256, description="The `user` the application sends, or a sub_ id.")
    reason: str = Field(default="", max_length=500, description="Why (recorded in the ledger).")


class ErasureIn(SubjectIn):
    reason: str = Field(min_length=1, max_length=500, description="Why (recorded in the ledger).")


@router.post("/export")
def export(body: SubjectIn, p: Principal = Depends(ADMIN), rt: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Everything held about one end user in the caller's tenant (recorded in the ledger first)."""
    return export_subject(rt, p.tenant_id, body.subject, actor=p.key_id, reason=body.reason)


@router.post("/erase")
def erase(body: ErasureIn, p: Principal = Depends(ADMIN), rt: Runtime = Depends(get_runtime)) -> dict[str, Any]:
    """Crypto-shred everything held about one end user in the caller's tenant (409 under legal hold)."""
    return erase_subject(rt, p.tenant_id, body.subject, actor=p.key_id, reason=body.reason)
