"""``/api/v1/subjects``: an end user's access (export) and erasure requests (admin only). The
subject travels in the body, never in the URL: it may be an e-mail address or an account number."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from charter.api.deps import Admin, RuntimeDep
from charter.api.params import JsonBody
from charter.identity.requests import erase_subject, export_subject

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/subjects", tags=["identity"])


class SubjectIn(JsonBody):
    subject: str = Field(min_length=1, max_length=256, description="The `user` the application sends, or a sub_ id.")
    reason: str = Field(default="", max_length=500, description="Why (recorded in the ledger).")


class ErasureIn(SubjectIn):
    reason: str = Field(min_length=1, max_length=500, description="Why (recorded in the ledger).")


@router.post("/export")
def export(body: SubjectIn, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    """Everything held about one end user in the caller's tenant (recorded in the ledger first)."""
    return export_subject(rt, p.tenant_id, body.subject, actor=p.key_id, reason=body.reason)


@router.post("/erase")
def erase(body: ErasureIn, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    """Crypto-shred everything held about one end user in the caller's tenant (409 under legal hold)."""
    return erase_subject(rt, p.tenant_id, body.subject, actor=p.key_id, reason=body.reason)
