"""The model catalog: model versions behind providers, reached by aliases with traffic weights."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection, select, update

from charter import ledger
from charter.domain import ModelEntry
from charter.domain.charter import ClassificationLevel
from charter.errors import Conflict, NotFound
from charter.policy.tenants import tenant_name
from charter.secretstore import NO_EGRESS, SECRET_NAME, Egress, secret_name_refusal
from charter.store.changes import insert_recorded
from charter.store.records import from_row, pick
from charter.store.schema import model_canaries, model_versions, models, new_id, utcnow

__all__ = ["SERVING_STATES", "ModelSpec", "add_model", "list_models", "load_entries", "set_enabled"]


class ModelSpec(BaseModel):
    """A model entry as an operator writes it (CLI flags or the management API's body)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    alias: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
    provider: str = Field(default="openai", pattern=r"^[a-z0-9_-]{1,32}$")
    endpoint: str | None = Field(default=None, max_length=500)
    platform_model_id: str | None = Field(default=None, max_length=200)
    version: str = Field(default="1", max_length=64)
    region: str = Field(default="local", max_length=64)
    classification_ceiling: ClassificationLevel = "internal"
    context_window: int = Field(default=8192, ge=16, le=10_000_000)
    price_prompt_per_1k: float = Field(default=0.0, ge=0)
    price_completion_per_1k: float = Field(default=0.0, ge=0)
    hourly_cost: float = Field(
        default=0.0, ge=0, description="Hourly cost of self-hosted hardware, charged by busy time (docs/operations.md)."
    )
    weight: int = Field(default=100, ge=0, le=1_000_000)
    no_train: bool = True
    secret: str | None = Field(
        default=None,
        pattern=SECRET_NAME,
        description="Name of an operator-defined provider secret granted to the tenant and bound to the "
        "endpoint's host (SA-3; docs/operations.md, Provider secrets).",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_variable_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and "api_key_env" in data:
            raise secret_name_refusal("api_key_env")
        return data


def _row_dict(r: Any) -> dict[str, Any]:
    return pick(
        r, "id", "alias", "provider", "endpoint", "platform_model_id", "version", "region", "classification_ceiling",
        "context_window", "price_prompt_per_1k", "price_completion_per_1k", "hourly_cost", "weight", "enabled",
        "no_train", "secret",
    )


def add_model(
    conn: Connection,
    tenant_id: str,
    spec: ModelSpec,
    *,
    actor: str,
    egress: Egress = NO_EGRESS,
    registry: bool = False,
) -> dict[str, Any]:
    """Register a model version. ``egress`` is the runtime's (``rt.egress``): the endpoint must be on
    the outbound allow-list and the secret granted to this tenant for that host (the default allows
    nothing outbound). An alias under the model registry (charter.training.registry) takes new
    entries only from it (``registry=True``): a plain entry would serve without the gate."""
    egress.admit(spec.endpoint, secret=spec.secret, tenant=tenant_name(conn, tenant_id))
    if not registry:
        versioned = conn.execute(
            select(model_versions.c.id)
            .where(model_versions.c.tenant_id == tenant_id, model_versions.c.alias == spec.alias)
            .limit(1)
        ).first()
        if versioned is not None:
            raise Conflict(
                f"model {spec.alias} has registered versions: add one with `charter models register "
                f"{spec.alias}`, which is gated before it serves",
                code="conflict",
            )
    platform_model_id = spec.platform_model_id or spec.alias
    clash = conn.execute(
        select(models.c.id).where(
            models.c.tenant_id == tenant_id,
            models.c.alias == spec.alias,
            models.c.platform_model_id == platform_model_id,
            models.c.version == spec.version,
        )
    ).first()
    if clash is not None:
        raise Conflict(
            f"model {spec.alias} ({platform_model_id} v{spec.version}) is already registered; "
            "register a new --version instead",
            code="already_exists",
        )
    now = utcnow()
    values = {
        **spec.model_dump(), "id": new_id("mdl"), "tenant_id": tenant_id, "platform_model_id": platform_model_id,
        "enabled": True, "created_at": now, "updated_at": now,
    }
    event = {k: v for k, v in values.items() if k not in ("created_at", "updated_at")}
    insert_recorded(conn, models, values, actor=actor, action="model.added", subject=spec.alias, event=event)
    return _row_dict(conn.execute(select(models).where(models.c.id == values["id"])).one())


def set_enabled(
    conn: Connection, tenant_id: str, alias: str, enabled: bool, *, actor: str, platform_model_id: str | None = None
) -> list[dict[str, Any]]:
    cond = (models.c.tenant_id == tenant_id) & (models.c.alias == alias)
    if platform_model_id:
        cond &= models.c.platform_model_id == platform_model_id
    rows = conn.execute(select(models.c.id, models.c.enabled).where(cond)).all()
    if not rows:
        raise NotFound(f"no model with alias {alias!r}; list them with `charter models list`", code="model_not_found")
    conn.execute(update(models).where(cond).values(enabled=enabled, updated_at=utcnow()))
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="model.enabled" if enabled else "model.disabled",
        subject=alias,
        event={"ids": [r.id for r in rows], "before": [r.enabled for r in rows], "after": enabled},
    )
    return [_row_dict(r) for r in conn.execute(select(models).where(cond)).all()]


def list_models(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    """Every entry; one that is a registered version carries its number and state (``registry_version``,
    ``registry_state``: it serves only while ``serving``), the others ``None``."""
    rows = conn.execute(
        select(
            models,
            model_versions.c.version.label("registry_version"),
            model_versions.c.state.label("registry_state"),
        )
        .select_from(models.outerjoin(model_versions, model_versions.c.model_id == models.c.id))
        .where(models.c.tenant_id == tenant_id)
        .order_by(models.c.alias, models.c.created_at)
    ).all()
    return [
        {**_row_dict(r), "registry_version": r.registry_version, "registry_state": r.registry_state} for r in rows
    ]


#: Registry states in which a version's entry takes traffic (charter.training.registry; a ``canary``
#: takes only its share, charter.training.canary).
SERVING_STATES = frozenset({"serving", "canary"})


def _pinned(files: Any) -> str | None:
    """The SHA-256 recorded for the file a registered version loads (its first file)."""
    if isinstance(files, list) and files and isinstance(files[0], dict):
        digest = files[0].get("sha256")
        return str(digest) if digest else None
    return None


def load_entries(conn: Connection, tenant_id: str) -> list[ModelEntry]:
    """The tenant's entries for routing. A registered version (``model_versions``) is enabled only
    while its state serves; the others are kept (disabled) so an evaluation can name them
    (``alias@N``, charter.evals.targets)."""
    rows = conn.execute(
        select(
            models,
            model_versions.c.version.label("registry_version"),
            model_versions.c.state.label("registry_state"),
            model_versions.c.files.label("registry_files"),
            model_canaries.c.id.label("canary_id"),
            model_canaries.c.share.label("canary_share"),
        )
        .select_from(
            models.outerjoin(model_versions, model_versions.c.model_id == models.c.id).outerjoin(
                model_canaries,
                (model_canaries.c.version_id == model_versions.c.id)
                & model_canaries.c.state.in_(("running", "promotable")),
            )
        )
        .where(models.c.tenant_id == tenant_id)
    ).all()
    return [
        from_row(
            ModelEntry,
            r,
            enabled=bool(r.enabled) and (r.registry_state is None or r.registry_state in SERVING_STATES),
            file_sha256=_pinned(r.registry_files),
            canary_id=r.canary_id if r.registry_state == "canary" else None,
            canary_share=float(r.canary_share or 0.0) if r.registry_state == "canary" else 0.0,
        )
        for r in rows
    ]
