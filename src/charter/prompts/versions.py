"""Prompt versions: named prompts, immutable content-hashed versions, movable labels.

Every function takes a connection; the ones that change state must run inside a writer transaction
(``rt.writer.write(lambda conn: push(conn, ...))``) and append their ledger entry in it.
Protected labels (``production``, and any label a charter serves from) are moved only through
:func:`charter.prompts.promotion.promote` or rolled back with :func:`charter.prompts.promotion.rollback`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from charter.errors import Conflict, InvalidRequest, NotFound
from charter.policy.current import use_case_id
from charter.prompts.render import BUILTIN_NAMES, check_template
from charter.prompts.spec import PromptSpec, content_hash
from charter.prompts.tables import prompt_label_moves, prompt_labels, prompt_versions, prompts
from charter.store.changes import insert_recorded
from charter.store.records import found_in, from_row, pick
from charter.store.schema import new_id, use_cases, utcnow

__all__ = [
    "PROTECTED_LABELS",
    "PromptVersion",
    "Rollback",
    "diff_versions",
    "get_version",
    "label_history",
    "list_prompts",
    "move_label",
    "push",
    "resolve",
    "rollback",
    "show_prompt",
]

#: Labels that only a passing promotion gate may move (rollback may move them back).
PROTECTED_LABELS = frozenset({"production"})


@dataclass(frozen=True, slots=True)
class PromptVersion:
    id: str
    prompt_id: str
    name: str
    version: int
    sha256: str
    kind: str
    template: Any
    variables: dict[str, Any]
    model_params: dict[str, Any]
    thresholds: dict[str, dict[str, float]]
    author: str
    message: str
    created_at: str
    use_case_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return pick(self, "id", "name", "version", "sha256", "kind", "template", "variables", "model_params",
                    "thresholds", "author", "message", "created_at")


def _version_query() -> Any:
    return select(prompt_versions, prompts.c.name, prompts.c.use_case_id).join(
        prompts, prompts.c.id == prompt_versions.c.prompt_id
    )


def _to_version(row: Any) -> PromptVersion:
    return from_row(PromptVersion, row, created_at=row.created_at.isoformat())


def _prompt_row(conn: Connection, tenant_id: str, name: str) -> Any:
    return found_in(conn, prompts, tenant_id, f"prompt {name!r} not found; push it with `charter prompts push FILE`",
                    name=name)


def _ensure_prompt(conn: Connection, tenant_id: str, spec: PromptSpec, actor: str) -> Any:
    row = conn.execute(select(prompts).where(prompts.c.tenant_id == tenant_id, prompts.c.name == spec.name)).first()
    uc_id = use_case_id(conn, tenant_id, spec.use_case) if spec.use_case else None
    if row is None:
        values = {
            "id": new_id("prm"),
            "tenant_id": tenant_id,
            "name": spec.name,
            "use_case_id": uc_id,
            "description": spec.description,
            "created_by": actor,
            "created_at": utcnow(),
        }
        conn.execute(prompts.insert().values(**values))
        return _prompt_row(conn, tenant_id, spec.name)
    if uc_id is not None and row.use_case_id not in (None, uc_id):
        raise Conflict(f"prompt {spec.name!r} belongs to another use case; push under a new name")
    if uc_id is not None and row.use_case_id is None:
        conn.execute(prompts.update().where(prompts.c.id == row.id).values(use_case_id=uc_id))
    return row


def _check_declared(spec: PromptSpec, used: set[str]) -> None:
    """With ``additionalProperties: false`` every variable the template uses must be declared."""
    declared = set(spec.variables.get("properties", {}))
    jinja_globals = {"range", "loop", "dict", "namespace", "lipsum", "cycler", "joiner"}
    undeclared = sorted(used - declared - BUILTIN_NAMES - jinja_globals)
    if undeclared and spec.variables.get("additionalProperties", True) is False:
        raise InvalidRequest(
            f"the template uses undeclared variable(s) {undeclared}", code="invalid_value", param="variables"
        )


def push(conn: Connection, tenant_id: str, spec: PromptSpec, *, actor: str) -> dict[str, Any]:
    """Store a new immutable version (or return the existing one with the same content hash)."""
    template = spec.template_value()
    _check_declared(spec, check_template(template))
    digest = content_hash(spec.kind, template, spec.variables, spec.model_params, spec.thresholds)
    prompt = _ensure_prompt(conn, tenant_id, spec, actor)
    same = conn.execute(
        _version_query().where(
            prompt_versions.c.prompt_id == prompt.id,
            prompt_versions.c.sha256 == digest,
            prompt_versions.c.tenant_id == tenant_id,
        )
    ).first()
    if same is not None:
        return {**_to_version(same).as_dict(), "created": False}
    latest = select(func.coalesce(func.max(prompt_versions.c.version), 0)).where(
        prompt_versions.c.prompt_id == prompt.id
    )
    number = int(conn.execute(latest).scalar_one()) + 1
    version_id = new_id("pv")
    row = {
        "id": version_id, "tenant_id": tenant_id, "prompt_id": prompt.id, "version": number, "sha256": digest,
        "kind": spec.kind, "template": template, "variables": spec.variables, "model_params": spec.model_params,
        "thresholds": spec.thresholds, "author": actor, "message": spec.message, "created_at": utcnow(),
    }
    event = {"version": number, "version_id": version_id, "sha256": digest, "message": spec.message}
    insert_recorded(conn, prompt_versions, row, actor=actor, action="prompt.pushed", subject=f"prompt:{spec.name}",
                    event=event)
    version = get_version(conn, tenant_id, spec.name, version=number)
    return {**version.as_dict(), "created": True}


def get_version(
    conn: Connection, tenant_id: str, name: str, *, version: int | None = None, label: str | None = None
) -> PromptVersion:
    """One version, by number, by label, or the latest."""
    prompt = _prompt_row(conn, tenant_id, name)
    query = _version_query().where(prompt_versions.c.prompt_id == prompt.id, prompt_versions.c.tenant_id == tenant_id)
    if label is not None:
        version_id = conn.execute(
            select(prompt_labels.c.version_id).where(
                prompt_labels.c.prompt_id == prompt.id, prompt_labels.c.label == label
            )
        ).scalar_one_or_none()
        if version_id is None:
            raise NotFound(f"prompt {name!r} has no label {label!r}; set it with `charter prompts promote`")
        query = query.where(prompt_versions.c.id == version_id)
    elif version is not None:
        query = query.where(prompt_versions.c.version == version)
    else:
        query = query.order_by(prompt_versions.c.version.desc()).limit(1)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"prompt {name!r} has no version {version}; see `charter prompts show {name}`")
    return _to_version(row)


def get_version_by_id(conn: Connection, tenant_id: str, version_id: str) -> PromptVersion:
    row = conn.execute(
        _version_query().where(prompt_versions.c.id == version_id, prompt_versions.c.tenant_id == tenant_id)
    ).first()
    if row is None:
        raise NotFound(f"prompt version {version_id!r} not found")
    return _to_version(row)


def resolve(conn: Connection, tenant_id: str, ref: str) -> PromptVersion:
    """``name``, ``name@3`` (version) or ``name:staging`` (label)."""
    if "@" in ref:
        name, number = ref.split("@", 1)
        if not number.isdigit():
            raise InvalidRequest(f"{ref!r}: a version after @ is a number", code="invalid_value")
        return get_version(conn, tenant_id, name, version=int(number))
    if ":" in ref:
        name, label = ref.split(":", 1)
        return get_version(conn, tenant_id, name, label=label)
    return get_version(conn, tenant_id, ref)


def _labels(conn: Connection, prompt_id: str) -> dict[str, int]:
    rows = conn.execute(
        select(prompt_labels.c.label, prompt_versions.c.version)
        .join(prompt_versions, prompt_versions.c.id == prompt_labels.c.version_id)
        .where(prompt_labels.c.prompt_id == prompt_id)
    ).all()
    return {r.label: r.version for r in rows}


def list_prompts(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            prompts.c.id,
            prompts.c.name,
            prompts.c.description,
            use_cases.c.name.label("uc"),
            func.max(prompt_versions.c.version).label("latest"),
        )
        .join(prompt_versions, prompt_versions.c.prompt_id == prompts.c.id)
        .outerjoin(use_cases, use_cases.c.id == prompts.c.use_case_id)
        .where(prompts.c.tenant_id == tenant_id)
        .group_by(prompts.c.id, prompts.c.name, prompts.c.description, use_cases.c.name)
        .order_by(prompts.c.name)
    ).all()
    return [
        {
            "name": r.name,
            "use_case": r.uc,
            "description": r.description,
            "latest": r.latest,
            "labels": _labels(conn, r.id),
        }
        for r in rows
    ]


def show_prompt(conn: Connection, tenant_id: str, name: str) -> dict[str, Any]:
    prompt = _prompt_row(conn, tenant_id, name)
    rows = conn.execute(
        _version_query().where(prompt_versions.c.prompt_id == prompt.id).order_by(prompt_versions.c.version)
    ).all()
    uc = None
    if prompt.use_case_id:
        uc = conn.execute(select(use_cases.c.name).where(use_cases.c.id == prompt.use_case_id)).scalar_one()
    return {
        "name": name,
        "use_case": uc,
        "description": prompt.description,
        "labels": _labels(conn, prompt.id),
        "versions": [
            {
                "version": r.version,
                "sha256": r.sha256,
                "author": r.author,
                "message": r.message,
                "created_at": r.created_at.isoformat(),
                "id": r.id,
            }
            for r in rows
        ],
    }


def _render_for_diff(v: PromptVersion) -> list[str]:
    lines = [f"# kind: {v.kind}"]
    if isinstance(v.template, str):
        lines += v.template.splitlines()
    else:
        for m in v.template:
            lines.append(f"## {m['role']}")
            lines += str(m["content"]).splitlines()
    for field in ("variables", "model_params", "thresholds"):
        lines.append(f"# {field}: {json.dumps(getattr(v, field), sort_keys=True)}")
    return lines


def diff_versions(conn: Connection, tenant_id: str, name: str, a: int, b: int) -> dict[str, Any]:
    """A unified diff between two versions (template, variables, model parameters, thresholds)."""
    va, vb = get_version(conn, tenant_id, name, version=a), get_version(conn, tenant_id, name, version=b)
    lines = list(
        difflib.unified_diff(
            _render_for_diff(va),
            _render_for_diff(vb),
            fromfile=f"{name}@{a}",
            tofile=f"{name}@{b}",
            lineterm="",
        )
    )
    return {"name": name, "from": a, "to": b, "same": va.sha256 == vb.sha256, "diff": "\n".join(lines)}


def _point(conn: Connection, tenant_id: str, version: PromptVersion, label: str, actor: str, now: Any) -> str | None:
    """Set the label row; return the version id it pointed at before (None: a new label)."""
    current = conn.execute(
        select(prompt_labels.c.version_id).where(
            prompt_labels.c.prompt_id == version.prompt_id, prompt_labels.c.label == label
        )
    ).scalar_one_or_none()
    if current is None:
        conn.execute(
            prompt_labels.insert().values(
                prompt_id=version.prompt_id,
                label=label,
                tenant_id=tenant_id,
                version_id=version.id,
                moved_by=actor,
                moved_at=now,
            )
        )
    else:
        conn.execute(
            prompt_labels.update()
            .where(prompt_labels.c.prompt_id == version.prompt_id, prompt_labels.c.label == label)
            .values(version_id=version.id, moved_by=actor, moved_at=now)
        )
    return None if current is None else str(current)


def move_label(
    conn: Connection,
    tenant_id: str,
    version: PromptVersion,
    label: str,
    *,
    actor: str,
    kind: str = "set",
    gate_id: str | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """Point ``label`` at ``version`` and record the move (history row + ledger entry).

    Callers check protection first; this function only refuses malformed labels."""
    if not label or len(label) > 64 or not label.replace("-", "").replace("_", "").isalnum():
        raise InvalidRequest("a label is letters, digits, '-' or '_' (up to 64)", code="invalid_value", param="label")
    now = utcnow()
    current = _point(conn, tenant_id, version, label, actor, now)
    move = {"label": label, "from_version_id": current, "to_version_id": version.id, "kind": kind,
            "gate_id": gate_id, "reason": reason}
    row = {"id": new_id("plm"), "tenant_id": tenant_id, "prompt_id": version.prompt_id, **move, "actor": actor,
           "moved_at": now}
    action = "prompt.rolled_back" if kind == "rollback" else "prompt.label_moved"
    insert_recorded(conn, prompt_label_moves, row, actor=actor, action=action, subject=f"prompt:{version.name}",
                    event={**move, "to_version": version.version})
    return {
        "name": version.name,
        "label": label,
        "version": version.version,
        "version_id": version.id,
        "previous_version_id": current,
        "kind": kind,
        "gate_id": gate_id,
    }


def label_history(conn: Connection, tenant_id: str, name: str, label: str | None = None) -> list[dict[str, Any]]:
    prompt = _prompt_row(conn, tenant_id, name)
    query = select(prompt_label_moves).where(
        prompt_label_moves.c.prompt_id == prompt.id, prompt_label_moves.c.tenant_id == tenant_id
    )
    if label is not None:
        query = query.where(prompt_label_moves.c.label == label)
    rows = conn.execute(query.order_by(prompt_label_moves.c.moved_at, prompt_label_moves.c.id)).all()
    return [
        {
            "label": r.label,
            "from_version_id": r.from_version_id,
            "to_version_id": r.to_version_id,
            "kind": r.kind,
            "actor": r.actor,
            "gate_id": r.gate_id,
            "reason": r.reason,
            "moved_at": r.moved_at.isoformat(),
        }
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Rollback:
    """A request by ``actor`` to move ``name``'s ``label`` back (to ``to_version``, else the previous one)."""

    name: str
    actor: str
    label: str = "production"
    to_version: int | None = None
    reason: str = ""


def rollback(
    conn: Connection, tenant_id: str, request: Rollback, *, check: Callable[[PromptVersion], None] | None = None
) -> dict[str, Any]:
    """Move ``label`` back: to the version it pointed at before its last move, or to ``to_version``
    (which must have held the label before, so a rollback never promotes an unvetted version).
    ``check`` may refuse the target by raising (served labels: :func:`charter.prompts.promotion.rollback`)."""
    name, label, to_version = request.name, request.label, request.to_version
    history = label_history(conn, tenant_id, name, label)
    if not history:
        raise NotFound(f"prompt {name!r} has never had the label {label!r}")
    current_id = history[-1]["to_version_id"]
    if to_version is None:
        target_id = history[-1]["from_version_id"]
        if target_id is None:
            raise Conflict(f"label {label!r} of {name!r} has no earlier version to roll back to")
        target = get_version_by_id(conn, tenant_id, target_id)
    else:
        target = get_version(conn, tenant_id, name, version=to_version)
        held = {h["to_version_id"] for h in history}
        if target.id not in held:
            raise Conflict(f"version {to_version} of {name!r} never held {label!r}; promote it instead")
    if target.id == current_id:
        raise Conflict(f"label {label!r} of {name!r} already points at version {target.version}")
    if check is not None:
        check(target)
    return move_label(conn, tenant_id, target, label, actor=request.actor, kind="rollback", reason=request.reason)
