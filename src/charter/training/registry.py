"""The model registry (MD-1, MD-3, issue 17): versions of a model alias with their lineage, gated
before they serve, and a one-command rollback.

A **version** is one ``models`` entry of an alias plus its ``model_versions`` row: the base it was
trained from, the training dataset (id and SHA-256, :mod:`charter.training.datasets`), the training
config, the code version (the git commit of the checkout when there is one, else the package
version), its metrics and the SHA-256 of each file. Its **state**:

* ``candidate``: registered, never served. Its entry is in the catalog but routing skips it; an
  evaluation can name it as ``alias@N`` (:class:`charter.evals.targets.ProviderTarget`).
* ``serving``: takes the alias's traffic. Only :func:`promote_version` puts a candidate here, after
  the promotion gate (:func:`charter.evals.gate.gate_model_change`, the MD-3 gate: a finished run
  of the suite with ``alias@N``, the thresholds, approver ≠ registrant) passed for *every* use case
  whose charter in force lists the alias. The versions it replaces go to ``standby``.
* ``standby``: vetted and served before; what :func:`rollback_version` returns to.
* ``rolled_back``: taken out of service by a rollback.

The first registration of an alias whose entries were added with ``charter models add`` adopts
them as versions 1..k (``serving`` if enabled, else ``standby``), so a rollback can return to them.
Every change is in the ledger (``model.version_registered``, ``model.version_promoted``,
``model.version_rolled_back``; the gate adds ``gate.passed``/``gate.failed``). A registered file is
checked against its SHA-256 before every load (:func:`charter.providers.embedded.locate_registered`).
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, func, select, update

from charter import catalog, ledger
from charter.catalog import ModelSpec
from charter.domain import Charter
from charter.errors import Conflict, InvalidRequest, NotFound
from charter.evals.gate import GateDecision, GateFailed, ModelChange, find_run, gate_model_change, production_prompt
from charter.evals.suites import get_suite
from charter.evals.tables import eval_suites
from charter.policy.current import current_charters
from charter.providers.embedded import EMBEDDED_MODELS, file_sha256
from charter.secretstore import NO_EGRESS, Egress
from charter.store.records import pick, pick_iso
from charter.store.schema import model_canaries, model_versions, models, new_id, utcnow
from charter.store.types import iso
from charter.training.tables import training_datasets

__all__ = [
    "Registration",
    "code_version",
    "file_digest",
    "file_under",
    "gate_version",
    "get_version",
    "list_versions",
    "promote_version",
    "register_version",
    "rollback_version",
]

#: The inherited settings of a new version's entry (from the alias's serving entry).
_INHERITED = (
    "region", "classification_ceiling", "context_window", "price_prompt_per_1k", "price_completion_per_1k",
    "hourly_cost", "no_train",
)
_JSON_LIMIT = 64_000


@dataclass(frozen=True, slots=True)
class Registration:
    """A new version of ``alias``: its weights as a local GGUF ``file`` (served by the embedded provider)
    or an OpenAI-compatible ``url`` (``platform_model_id`` the model's name there), with its lineage."""

    alias: str
    base: str
    file: Path | None = None
    url: str | None = None
    platform_model_id: str | None = None
    secret: str | None = None
    dataset_id: str | None = None
    training_config: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    code_version: str | None = None  # the training job's; default: this checkout's (code_version())


@functools.cache
def code_version() -> str:
    """The git commit of the checkout Charter runs from, else the installed package's version."""
    root = Path(__file__).resolve().parent
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5, check=False
        )
        commit = done.stdout.strip()
        if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit):
            return f"git:{commit}"
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return f"charter=={importlib.metadata.version('charter')}"
    except importlib.metadata.PackageNotFoundError:
        return "charter (version unknown)"


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file."""
    size = path.stat().st_size
    return file_sha256(path), size


def _json_field(value: dict[str, Any], param: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidRequest(f"{param} must be a JSON object", code="invalid_value", param=param)
    if len(repr(value)) > _JSON_LIMIT:
        raise InvalidRequest(f"{param} is larger than {_JSON_LIMIT} characters", code="invalid_value", param=param)
    return value


def _as_dict(r: Any) -> dict[str, Any]:
    return {
        **pick(r, "id", "alias", "version"),
        "label": f"{r.alias}@{r.version}",
        **pick(r, "state", "model_id", "provider", "endpoint", "platform_model_id"),
        "lineage": {
            "base": r.base,
            "dataset": None if r.dataset_id is None else {"id": r.dataset_id, "sha256": r.dataset_sha256},
            **pick(r, "training_config", "code_version", "metrics", "files", "source"),
        },
        "replaced": list(r.replaced or []),
        "gate_ids": list(r.gate_ids or []),
        "created_by": r.created_by,
        **pick_iso(r, "created_at", "vetted_at"),
        "vetted_by": r.vetted_by,
        "served_at": iso(r.served_at),
    }


def _query() -> Any:
    return select(
        model_versions, models.c.provider, models.c.endpoint, models.c.platform_model_id
    ).join(models, models.c.id == model_versions.c.model_id)


def _rows(conn: Connection, tenant_id: str, alias: str) -> list[Any]:
    return list(
        conn.execute(
            _query()
            .where(model_versions.c.tenant_id == tenant_id, model_versions.c.alias == alias)
            .order_by(model_versions.c.version)
        ).all()
    )


def list_versions(conn: Connection, tenant_id: str, alias: str) -> list[dict[str, Any]]:
    """The alias's registered versions, oldest first (404 ``model_not_found`` for an unknown alias)."""
    rows = _rows(conn, tenant_id, alias)
    if not rows:
        known = conn.execute(
            select(models.c.id).where(models.c.tenant_id == tenant_id, models.c.alias == alias).limit(1)
        ).first()
        if known is None:
            raise NotFound(f"no model with alias {alias!r}; list them with `charter models list`",
                           code="model_not_found")
    return [_as_dict(r) for r in rows]


def get_version(conn: Connection, tenant_id: str, alias: str, version: int) -> dict[str, Any]:
    return _as_dict(_version_row(conn, tenant_id, alias, version))


def _version_row(conn: Connection, tenant_id: str, alias: str, version: int) -> Any:
    row = conn.execute(
        _query().where(
            model_versions.c.tenant_id == tenant_id,
            model_versions.c.alias == alias,
            model_versions.c.version == version,
        )
    ).first()
    if row is None:
        raise NotFound(
            f"model {alias!r} has no version {version}; list them with `charter models versions {alias}`",
            code="model_version_not_found",
        )
    return row


def _adopt(conn: Connection, tenant_id: str, alias: str, *, actor: str) -> None:
    """Record the alias's entries that predate the registry as versions 1..k (serving if enabled)."""
    versioned = conn.execute(select(model_versions.c.id).where(
        model_versions.c.tenant_id == tenant_id, model_versions.c.alias == alias).limit(1)).first()
    if versioned is not None:  # adopted already; catalog.add_model refuses plain entries since
        return
    entries = conn.execute(
        select(models).where(models.c.tenant_id == tenant_id, models.c.alias == alias)
        .order_by(models.c.created_at, models.c.id)
    ).all()
    now = utcnow()
    for number, entry in enumerate(entries, start=1):
        key = (entry.endpoint or "").removeprefix("embedded://")
        pinned = EMBEDDED_MODELS.get(key) if entry.provider == "embedded" else None
        files = [] if pinned is None else [
            {"path": f"{pinned.package}/{pinned.filename}", "sha256": pinned.sha256, "size": pinned.size}
        ]
        values = {
            "id": new_id("mver"), "tenant_id": tenant_id, "model_id": entry.id, "alias": alias, "version": number,
            "state": "serving" if entry.enabled else "standby", "base": entry.platform_model_id,
            "dataset_id": None, "dataset_sha256": None, "training_config": {},
            "code_version": "unknown (adopted)", "metrics": {}, "files": files,
            "source": entry.endpoint, "replaced": [], "gate_ids": [], "created_by": actor, "created_at": now,
            "vetted_at": now, "vetted_by": "adopted", "served_at": now if entry.enabled else None,
        }
        conn.execute(model_versions.insert().values(**values))
        ledger.append(conn, tenant_id=tenant_id, actor=actor, action="model.version_adopted", subject=alias,
                      event={"id": values["id"], "model_id": entry.id, "version": number, "state": values["state"]})


def _dataset_lineage(conn: Connection, tenant_id: str, dataset_id: str | None) -> tuple[str | None, str | None]:
    if dataset_id is None:
        return None, None
    row = conn.execute(
        select(training_datasets.c.sha256, training_datasets.c.tainted_at).where(
            training_datasets.c.tenant_id == tenant_id, training_datasets.c.id == dataset_id
        )
    ).first()
    if row is None:
        raise NotFound(f"training dataset {dataset_id!r} not found in this tenant (`charter train dataset list`)",
                       param="dataset")
    if row.tainted_at is not None:
        raise Conflict(
            f"training dataset {dataset_id} lost examples to an erasure or retention after it was built: a model "
            "trained on it carries data that must be gone; build a new dataset version and train again",
            code="dataset_tainted",
            param="dataset",
        )
    return dataset_id, str(row.sha256)


def _source(reg: Registration) -> tuple[str, str, str, list[dict[str, Any]]]:
    """(provider, endpoint, source, files) of the registration."""
    if (reg.file is None) == (reg.url is None):
        raise InvalidRequest("give exactly one of file (a GGUF file) or url (an OpenAI-compatible server)",
                             code="missing_field" if reg.file is None else "invalid_value", param="file")
    if reg.file is not None:
        path = reg.file.expanduser().resolve()
        if not path.is_file():
            raise InvalidRequest(f"{reg.file} is not a readable file", code="invalid_value", param="file")
        digest, size = file_digest(path)
        files = [{"path": str(path), "sha256": digest, "size": size}]
        return "embedded", f"embedded://{path}", str(path), files
    assert reg.url is not None
    return "openai", reg.url, reg.url, []


def register_version(
    conn: Connection, tenant_id: str, reg: Registration, *, actor: str, egress: Egress = NO_EGRESS
) -> dict[str, Any]:
    """Register ``reg`` as the alias's next version, a ``candidate``: it serves nobody until
    :func:`promote_version`. The file's SHA-256 is computed here; the entry inherits region,
    classification ceiling, context window and prices from the alias's serving entry."""
    if not reg.base.strip():
        raise InvalidRequest("base names what the version was trained from", code="missing_field", param="base")
    config = _json_field(reg.training_config, "config")
    metrics = _json_field(reg.metrics, "metrics")
    provider, endpoint, source, files = _source(reg)
    dataset_id, dataset_sha256 = _dataset_lineage(conn, tenant_id, reg.dataset_id)
    _adopt(conn, tenant_id, reg.alias, actor=actor)
    number = int(conn.execute(
        select(func.coalesce(func.max(model_versions.c.version), 0)).where(
            model_versions.c.tenant_id == tenant_id, model_versions.c.alias == reg.alias)
    ).scalar_one()) + 1
    template = conn.execute(
        select(models)
        .select_from(models.join(model_versions, model_versions.c.model_id == models.c.id))
        .where(models.c.tenant_id == tenant_id, models.c.alias == reg.alias)
        .order_by((model_versions.c.state == "serving").desc(), model_versions.c.version.desc())
        .limit(1)
    ).first()
    inherited = {} if template is None else {k: getattr(template, k) for k in _INHERITED}
    try:
        spec = ModelSpec(
            alias=reg.alias,
            provider=provider,
            endpoint=endpoint,
            platform_model_id=reg.platform_model_id or (reg.file.name if reg.file is not None else reg.alias),
            version=f"v{number}",
            secret=reg.secret,
            **inherited,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        param = ".".join(str(part) for part in first["loc"]) or "alias"
        raise InvalidRequest(f"{param}: {first['msg']}", code="invalid_value", param=param) from exc
    entry = catalog.add_model(conn, tenant_id, spec, actor=actor, egress=egress, registry=True)
    values = {
        "id": new_id("mver"), "tenant_id": tenant_id, "model_id": entry["id"], "alias": reg.alias, "version": number,
        "state": "candidate", "base": reg.base.strip()[:200], "dataset_id": dataset_id,
        "dataset_sha256": dataset_sha256, "training_config": config,
        "code_version": (reg.code_version or code_version())[:100], "metrics": metrics, "files": files,
        "source": source[:500], "replaced": [], "gate_ids": [], "created_by": actor, "created_at": utcnow(),
        "vetted_at": None, "vetted_by": None, "served_at": None,
    }
    conn.execute(model_versions.insert().values(**values))
    event = {k: values[k] for k in ("id", "model_id", "version", "base", "dataset_id", "dataset_sha256",
                                    "training_config", "code_version", "metrics", "files", "source")}
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="model.version_registered", subject=reg.alias,
                  event=event)
    return get_version(conn, tenant_id, reg.alias, number)


def _use_cases_of(conn: Connection, tenant_id: str, alias: str) -> list[tuple[str, Charter]]:
    found = []
    for current in current_charters(conn, tenant_id):
        charter_ = Charter.model_validate(current.body)
        if alias in charter_.models:
            found.append((current.use_case_id, charter_))
    return found


def _baseline_label(conn: Connection, tenant_id: str, use_case: str, alias: str, serving: list[Any]) -> str:
    """What the candidate is compared with: the serving version's own runs (``alias@N``) if any, else
    the alias's runs (which measured the serving entry)."""
    suite = get_suite(conn, tenant_id, use_case)
    version = production_prompt(conn, tenant_id, use_case)
    pv_id = None if version is None else version.id
    for row in serving:
        label = f"{alias}@{row.version}"
        if find_run(conn, tenant_id, suite, prompt_version_id=pv_id, model=label) is not None:
            return label
    return alias


def gate_version(conn: Connection, tenant_id: str, row: Any, *, approver: str) -> list[GateDecision]:
    """The MD-3 gate for registered version ``row`` in every use case whose charter in force lists its
    alias (approver: the caller; requester: who registered it); every decision is recorded. A use case
    without a suite, or an alias no charter lists, is refused (``GateFailed``)."""
    alias, version = row.alias, row.version
    users = _use_cases_of(conn, tenant_id, alias)
    label = f"{alias}@{version}"
    if not users:
        raise GateFailed(
            f"the promotion gate refused {label}: no use case's charter lists {alias}, so no suite can judge it; "
            "add the alias to a charter with an evaluation suite first",
            extra={"failures": [f"no use case lists {alias}"]},
        )
    without = [c.name for uc_id, c in users if conn.execute(
        select(eval_suites.c.id).where(eval_suites.c.tenant_id == tenant_id, eval_suites.c.use_case_id == uc_id)
    ).first() is None]
    if without:
        raise GateFailed(
            f"the promotion gate refused {label}: {', '.join(without)} has no evaluation suite to judge it; "
            "set one with `charter eval suite set`",
            extra={"failures": [f"no evaluation suite for {name}" for name in without]},
        )
    serving = [r for r in _rows(conn, tenant_id, alias) if r.state == "serving"]
    decisions = []
    for _, charter_ in users:
        change = ModelChange(
            use_case=charter_.name,
            to_alias=label,
            requested_by=row.created_by,
            approver=approver,
            from_alias=_baseline_label(conn, tenant_id, charter_.name, alias, serving),
            request_id=row.id,
        )
        decisions.append(gate_model_change(conn, tenant_id, change))
    return decisions


def promote_version(
    conn: Connection, tenant_id: str, alias: str, version: int, *, approver: str
) -> tuple[dict[str, Any], list[GateDecision]]:
    """Gate version ``version`` (:func:`gate_version`) and, when every gate passed, make it the one
    serving version (the others go to ``standby``; a canary of it ends ``promoted``). Every decision is
    recorded; call in a writer transaction, commit, then raise the first failed decision's ``error()``:
    the version did not move. A version withdrawn by its canary is refused (``409 canary_withdrawn``)."""
    row = _version_row(conn, tenant_id, alias, version)
    if row.state == "serving":
        raise Conflict(f"{alias}@{version} is already serving", code="already_serving")
    if row.state == "withdrawn":
        raise Conflict(
            f"{alias}@{version} was withdrawn by its canary (a live regression; `charter models canary list "
            f"{alias}` says why): register a new version instead",
            code="canary_withdrawn",
        )
    if row.state == "canary":
        canary = conn.execute(select(model_canaries.c.state).where(
            model_canaries.c.version_id == row.id, model_canaries.c.state.in_(("running", "promotable")))).first()
        if canary is not None and canary.state == "running":
            raise Conflict(
                f"{alias}@{version} is a canary still collecting live signals; promote it once it is promotable "
                f"(`charter models canary evaluate {alias}`), or stop the canary first",
                code="canary_running",
            )
    decisions = gate_version(conn, tenant_id, row, approver=approver)
    if not all(d.passed for d in decisions):
        return _as_dict(row), decisions
    serving = [r for r in _rows(conn, tenant_id, alias) if r.state == "serving"]
    now = utcnow()
    replaced = [r.id for r in serving]
    if replaced:
        conn.execute(update(model_versions).where(model_versions.c.id.in_(replaced)).values(state="standby"))
    gate_ids = [d.id for d in decisions]
    conn.execute(
        update(model_versions).where(model_versions.c.id == row.id).values(
            state="serving", replaced=replaced, gate_ids=gate_ids, vetted_at=now, vetted_by=approver, served_at=now
        )
    )
    ledger.append(conn, tenant_id=tenant_id, actor=approver, action="model.version_promoted", subject=alias,
                  event={"id": row.id, "version": version, "from": [r.version for r in serving],
                         "replaced": replaced, "gate_ids": gate_ids, "requested_by": row.created_by})
    conn.execute(
        update(model_canaries)
        .where(model_canaries.c.version_id == row.id, model_canaries.c.state.in_(("running", "promotable")))
        .values(state="promoted", ended_by=approver, ended_at=now)
    )
    return get_version(conn, tenant_id, alias, version), decisions


def rollback_version(conn: Connection, tenant_id: str, alias: str, *, actor: str, reason: str = "") -> dict[str, Any]:
    """Take the alias's current version (the last promoted) out of service and return to the versions
    its promotion replaced: vetted before, so no new gate. Ledgered (``model.version_rolled_back``).
    409 ``no_previous_version`` when there is nothing to return to."""
    rows = _rows(conn, tenant_id, alias)
    if not rows:
        list_versions(conn, tenant_id, alias)  # 404 for an unknown alias
    serving = sorted(
        (r for r in rows if r.state == "serving"), key=lambda r: (r.served_at is not None, r.served_at, r.version)
    )
    by_id = {r.id: r for r in rows}
    current = serving[-1] if serving else None
    targets = [] if current is None else [
        by_id[i] for i in current.replaced if i in by_id and by_id[i].state == "standby" and by_id[i].vetted_at
    ]
    if current is None or not targets:
        raise Conflict(
            f"{alias} has no previous vetted version to return to"
            + ("" if current is None else f" ({alias}@{current.version} replaced none that is still on standby)"),
            code="no_previous_version",
        )
    now = utcnow()
    conn.execute(update(model_versions).where(model_versions.c.id == current.id).values(state="rolled_back"))
    conn.execute(
        update(model_versions).where(model_versions.c.id.in_([t.id for t in targets])).values(
            state="serving", served_at=now
        )
    )
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="model.version_rolled_back", subject=alias,
                  event={"from": current.version, "from_id": current.id, "to": [t.version for t in targets],
                         "to_ids": [t.id for t in targets], "reason": reason[:500]})
    return {
        "alias": alias,
        "rolled_back": f"{alias}@{current.version}",
        "serving": [f"{alias}@{t.version}" for t in targets],
        "versions": [_as_dict(r) for r in _rows(conn, tenant_id, alias)],
    }


def file_under(root: Path, name: str) -> Path:
    """``name`` (relative to ``root``, or absolute) as a file inside ``root``: what the management API
    may register, so a caller cannot point the server at any file it can read (400 otherwise)."""
    base = root.resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise InvalidRequest(f"file must be inside the models directory ({base})", code="invalid_value",
                             param="file")
    return path
