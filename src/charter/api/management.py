"""The management API under ``/api/v1``: tenants, use cases, keys, models, kill switches, interactions.

Thin: every route checks the role, calls a capability function in the writer (or a reader), and
calls ``rt.policy_changed()`` after a change (this replica's policy caches forget what they hold).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse
from pydantic import Field
from sqlalchemy import Connection

from charter import catalog
from charter.api.deps import Admin, Builder, RecordReader, RuntimeDep, Staff, require_roles
from charter.api.params import JsonBody, StatusFilter, UseCaseFilter
from charter.catalog import ModelSpec
from charter.domain import Principal
from charter.errors import PermissionDenied
from charter.gateway import refusals
from charter.guards.catalog import guard_set
from charter.interactions import service as interactions
from charter.policy import controls as kill
from charter.policy import service as policy
from charter.policy.inventory import inventory_csv, inventory_rows, system_card
from charter.principals import keys
from charter.principals.roles import RAW_READERS
from charter.runtime import Runtime

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["management"])

RawReader = Annotated[Principal, Depends(require_roles(*RAW_READERS))]


class TenantIn(JsonBody):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    display_name: str = Field(default="", max_length=200)


class CharterIn(JsonBody):
    yaml: str = Field(min_length=1, max_length=200_000, description="The charter, as YAML text (docs/charter.md).")


class KeyIn(JsonBody):
    role: Literal["admin", "developer", "reviewer", "auditor", "app"]
    use_case: str | None = Field(default=None, max_length=64)
    name: str = Field(default="", max_length=200)
    scopes: list[Literal["chat", "embeddings", "models"]] = Field(default_factory=list, max_length=3)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class SwitchIn(JsonBody):
    scope: Literal["global", "use_case", "model"]
    target: str = Field(default="*", min_length=1, max_length=200)
    reason: str = Field(default="", max_length=2000)


# -- tenants -------------------------------------------------------------------------------
@router.get("/tenants")
def list_tenants(p: Admin, rt: RuntimeDep) -> list[dict[str, Any]]:
    rows = rt.read(policy.list_tenants)
    return rows if p.platform else [r for r in rows if r["id"] == p.tenant_id]


@router.post("/tenants", status_code=201)
def create_tenant(body: TenantIn, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    if not p.platform:
        raise PermissionDenied("only a platform admin creates tenants", code="role_not_allowed")
    tenant_id = rt.writer.write(
        lambda c: policy.ensure_tenant(c, body.name, display_name=body.display_name, actor=p.key_id)
    )
    return {"id": tenant_id, "name": body.name}


# -- use cases -----------------------------------------------------------------------------
@router.get("/usecases")
def list_use_cases(p: Staff, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: policy.list_use_cases(conn, p.tenant_id))


@router.post("/usecases", status_code=201)
def apply_use_case(body: CharterIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Apply a charter (a new version when it differs from the current one)."""
    result = rt.writer.write(
        lambda c: policy.apply_charter(c, body.yaml, actor=p.key_id, tenant_id=p.tenant_id, egress=rt.egress,
                                       check=guard_set(rt).check_charter)
    )
    rt.policy_changed()
    return result


@router.get("/usecases/{name}")
def show_use_case(name: str, p: Staff, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: policy.get_use_case(conn, p.tenant_id, name))


@router.get("/usecases/{name}/versions")
def use_case_versions(name: str, p: Staff, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: policy.charter_history(conn, p.tenant_id, name))


@router.get("/inventory", response_model=None)
def inventory(p: Staff, rt: RuntimeDep, format: Literal["json", "csv"] = Query(default="json")) -> Any:
    """The OMB AI use-case inventory of the caller's tenant, as JSON rows or CSV (MD-4)."""
    rows = rt.read(lambda conn: inventory_rows(conn, p.tenant_id))
    if format == "csv":
        return PlainTextResponse(inventory_csv(rows), media_type="text/csv")
    return rows


@router.get("/usecases/{name}/card", response_model=None)
def use_case_card(name: str, p: Staff, rt: RuntimeDep) -> Any:
    """The use case's system card, in Markdown (AT-5)."""
    return rt.read(lambda conn: PlainTextResponse(system_card(conn, p.tenant_id, name), media_type="text/markdown"))


# -- keys ----------------------------------------------------------------------------------
@router.get("/keys")
def list_keys(p: Admin, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: keys.list_keys(conn, tenant_id=p.tenant_id))


@router.post("/keys", status_code=201)
def create_key(body: KeyIn, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    """Create a key. The `key` field is shown this once; only its hash is stored."""
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=body.expires_in_days)) if body.expires_in_days else None

    def create(conn: Connection) -> keys.CreatedKey:
        uc_id = policy.get_use_case(conn, p.tenant_id, body.use_case)["id"] if body.use_case else None
        return keys.create_key(
            conn,
            tenant_id=p.tenant_id,
            role=body.role,
            actor=p.key_id,
            use_case_id=uc_id,
            name=body.name,
            scopes=list(body.scopes),
            expires_at=expires,
        )

    created = rt.writer.write(create)
    return {
        "id": created.id,
        "key": created.key,
        "prefix": created.prefix,
        "role": created.role,
        "use_case": created.use_case,
        "expires_at": created.expires_at,
    }


@router.delete("/keys/{key_id}")
def revoke_key(key_id: str, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    result = rt.writer.write(lambda c: keys.revoke_key(c, tenant_id=p.tenant_id, key_id=key_id, actor=p.key_id))
    rt.policy_changed()
    return result


# -- models --------------------------------------------------------------------------------
@router.get("/models")
def list_models(p: Builder, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: catalog.list_models(conn, p.tenant_id))


@router.post("/models", status_code=201)
def add_model(body: ModelSpec, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    row = rt.writer.write(lambda c: catalog.add_model(c, p.tenant_id, body, actor=p.key_id, egress=rt.egress))
    rt.policy_changed()
    return row


@router.post("/models/{alias}/disable")
def disable_model(alias: str, p: Admin, rt: RuntimeDep) -> list[dict[str, Any]]:
    rows = rt.writer.write(lambda c: catalog.set_enabled(c, p.tenant_id, alias, False, actor=p.key_id))
    rt.policy_changed()
    return rows


@router.post("/models/{alias}/enable")
def enable_model(alias: str, p: Admin, rt: RuntimeDep) -> list[dict[str, Any]]:
    rows = rt.writer.write(lambda c: catalog.set_enabled(c, p.tenant_id, alias, True, actor=p.key_id))
    rt.policy_changed()
    return rows


# -- kill switches -------------------------------------------------------------------------
def _switch(body: SwitchIn, p: Principal, rt: Runtime, active: bool) -> dict[str, Any]:
    tenant_id = p.tenant_id
    if body.scope == "global":
        if not p.platform:
            raise PermissionDenied("only a platform admin flips the global kill switch", code="role_not_allowed")
        tenant_id = rt.writer.write(lambda c: policy.ensure_tenant(c, policy.PLATFORM_TENANT, actor=p.key_id))
    result = rt.writer.write(
        lambda c: kill.set_control(c, tenant_id, body.scope, body.target, active, actor=p.key_id, reason=body.reason)
    )
    rt.policy_changed()
    return result


@router.post("/kill")
def kill_switch_on(body: SwitchIn, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    """Switch off everything (global), one use case, or one model alias. Effective for the next request."""
    return _switch(body, p, rt, True)


@router.post("/revive")
def kill_switch_off(body: SwitchIn, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    return _switch(body, p, rt, False)


@router.get("/controls")
def list_controls(p: Admin, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: kill.list_controls(conn, p.tenant_id))


# -- interactions --------------------------------------------------------------------------
def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """A query time without a zone is read as UTC."""
    return when if when is None or when.tzinfo else when.replace(tzinfo=dt.UTC)


@router.get("/interactions")
def list_interactions(
    p: RecordReader,
    rt: RuntimeDep,
    use_case: UseCaseFilter = None,
    status: StatusFilter = None,
    limit: int = Query(default=50, ge=1, le=500),
    before: str | None = Query(default=None, max_length=40, description="Cursor: an interaction id."),
    verdict: str | None = Query(default=None, max_length=16, description="Some stage had this outcome."),
    model: str | None = Query(default=None, max_length=64, description="The model alias asked for."),
    since: dt.datetime | None = Query(default=None, description="Recorded at or after (ISO-8601)."),
    until: dt.datetime | None = Query(default=None, description="Recorded before (ISO-8601)."),
    review: str | None = Query(default=None, max_length=16, description="A review item's status, or none."),
) -> list[dict[str, Any]]:
    """The redacted tier: hashes, lengths, model, charter version, verdicts. Never content."""
    with rt.engine.connect() as conn:
        query = interactions.InteractionQuery(use_case=use_case, status=status, limit=limit, before=before,
                                              verdict=verdict, model=model, since=_utc(since), until=_utc(until),
                                              review=review)
        return interactions.list_interactions(conn, p.tenant_id, query)


@router.get("/refusals")
def list_refusals(
    p: RecordReader, rt: RuntimeDep, use_case: UseCaseFilter = None, limit: int = Query(default=50, ge=1, le=500)
) -> dict[str, Any]:
    """Refusals counted in aggregate (429 rate limits, 503 ``ratelimit_unavailable``): the flushed
    counts, newest window first, and what this replica counted since its last flush."""
    data = rt.read(lambda conn: refusals.list_refusals(conn, p.tenant_id, use_case=use_case, limit=limit))
    pending = [r for r in refusals.refusal_counter(rt).pending() if r["tenant_id"] == p.tenant_id]
    return {"data": data, "pending": pending}


@router.get("/interactions/{interaction_id}")
def show_interaction(interaction_id: str, p: RecordReader, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: interactions.get_interaction(conn, p.tenant_id, interaction_id))


@router.get("/interactions/{interaction_id}/raw")
def read_raw(
    interaction_id: str, p: RawReader, rt: RuntimeDep, reason: str = Query(default="", max_length=500)
) -> dict[str, Any]:
    """The decrypted raw tier (auditor only). The read is itself recorded in the ledger first (AT-4)."""
    return interactions.read_raw(rt, p.tenant_id, interaction_id, actor=p.key_id, reason=reason)
