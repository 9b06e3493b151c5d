"""The two-person records around the gate (MD-3, PC-2): who asks, who approves, and what a charter
may switch to.

* A **model change** is asked for by one principal (:func:`request_model_change`, the caller's key
  or the CLI operator) and approved by another (:func:`approve_model_change`): the requester is
  never a field a caller fills in.
* A **suite approval** (:func:`approve_suite`) is another principal's review of a suite's current
  state; a suite that is the requester's own work gates the requester's change only after one.
* Applying a charter calls :func:`require_model_change_approval` when its default model changes and
  :func:`require_prompt_vetted` when it starts serving a prompt label.

Every approval is a gate decision (``gate_decisions`` + ``gate.passed``/``gate.failed`` in the
ledger), recorded in the caller's transaction; commit it, then raise ``decision.error()`` if it
did not pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from charter.errors import InvalidRequest
from charter.evals.gate import (
    Approval,
    GateDecision,
    GateFailed,
    ModelChange,
    gate_model_change,
    record_decision,
    suite_subject,
)
from charter.evals.suites import get_suite
from charter.evals.tables import eval_suites, gate_decisions, model_change_requests
from charter.policy.current import get_charter
from charter.prompts.tables import prompt_labels, prompt_versions, prompts
from charter.store.changes import insert_recorded
from charter.store.records import found_in, with_use_case
from charter.store.schema import new_id, utcnow

__all__ = [
    "ModelSwitch",
    "approve_model_change",
    "approve_suite",
    "list_model_change_requests",
    "request_model_change",
    "require_model_change_approval",
    "require_prompt_vetted",
    "vetted_for",
]


def _request_dict(row: Any, use_case: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "use_case": use_case,
        "from_alias": row.from_alias,
        "to_alias": row.to_alias,
        "requested_by": row.requested_by,
        "reason": row.reason,
        "created_at": row.created_at.isoformat(),
    }


def request_model_change(
    conn: Connection, tenant_id: str, use_case: str, *, to_alias: str, actor: str, reason: str = ""
) -> dict[str, Any]:
    """Record that ``actor`` (an authenticated principal) asks to switch ``use_case`` to ``to_alias``."""
    if not to_alias.strip():
        raise InvalidRequest("to_alias names the model alias to switch to", code="missing_field", param="to_alias")
    use_case_id, _, charter = get_charter(conn, tenant_id, use_case)
    values = {
        "id": new_id("mcr"),
        "tenant_id": tenant_id,
        "use_case_id": use_case_id,
        "from_alias": charter.models[0] if charter.models else "",
        "to_alias": to_alias,
        "requested_by": actor,
        "reason": reason,
        "created_at": utcnow(),
    }
    event = {k: values[k] for k in ("id", "from_alias", "to_alias", "reason")}
    insert_recorded(
        conn, model_change_requests, values, actor=actor, action="model_change.requested",
        subject=f"use_case:{use_case}", event=event,
    )
    row = conn.execute(select(model_change_requests).where(model_change_requests.c.id == values["id"])).one()
    return _request_dict(row, use_case)


def list_model_change_requests(conn: Connection, tenant_id: str, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(
        with_use_case(model_change_requests)
        .where(model_change_requests.c.tenant_id == tenant_id)
        .order_by(model_change_requests.c.created_at.desc(), model_change_requests.c.id.desc())
        .limit(limit)
    ).all()
    return [_request_dict(r, r.use_case) for r in rows]


def approve_model_change(
    conn: Connection, tenant_id: str, request_id: str, *, approver: str, run_id: str | None = None
) -> GateDecision:
    """Gate the requested change with ``approver`` (the caller) as the approver; the requester is the
    request's ``requested_by``, so the same principal cannot both ask and approve."""
    row = found_in(
        conn, model_change_requests, tenant_id,
        f"model change request {request_id!r} not found; the requester creates it with "
        "`POST /api/v1/evals/approvals/model/requests` or `charter eval model-change request`",
        query=with_use_case(model_change_requests), id=request_id,
    )
    change = ModelChange(row.use_case, row.to_alias, row.requested_by, approver, run_id=run_id, request_id=row.id)
    return gate_model_change(conn, tenant_id, change)


def approve_suite(conn: Connection, tenant_id: str, use_case: str, *, approver: str) -> GateDecision:
    """Record ``approver``'s review of the suite's current state; refused (``same_principal``, and
    recorded) when the approver set that state or created the dataset version it pins."""
    suite = get_suite(conn, tenant_id, use_case)
    problems: list[str] = []
    if approver in suite.writers:
        problems.append(
            f"the approver must not have written the suite ({approver} set it or created its dataset "
            f"version {suite.dataset}@{suite.dataset_version}): ask another person to review and approve it"
        )
    decision = GateDecision(subject=suite_subject(suite), passed=not problems, problems=problems, code="same_principal")
    approval = Approval("suite", suite.use_case_id, suite.updated_by, approver, suite.id, {"suite": suite.as_dict()})
    return record_decision(conn, tenant_id, decision, approval)


def vetted_for(conn: Connection, tenant_id: str, version_id: str, use_case_id: str) -> bool:
    """Whether prompt version ``version_id`` passed the gate of ``use_case_id``'s suite."""
    found = conn.execute(
        select(gate_decisions.c.id)
        .where(
            gate_decisions.c.tenant_id == tenant_id,
            gate_decisions.c.subject_kind == "prompt",
            gate_decisions.c.subject_id == version_id,
            gate_decisions.c.use_case_id == use_case_id,
            gate_decisions.c.passed.is_(True),
        )
        .limit(1)
    ).first()
    return found is not None


def require_prompt_vetted(
    conn: Connection, *, tenant_id: str, use_case_id: str, use_case: str, prompt: str, label: str
) -> None:
    """Refuse a charter that starts serving ``prompt:label`` while the label's current version never
    passed this use case's gate (409 ``gate_failed``). A label (or prompt) that does not exist yet
    serves nothing: allowed, and its first move is gated because a charter now serves from it."""
    current = conn.execute(
        select(prompt_versions.c.id, prompt_versions.c.version)
        .join(prompts, prompts.c.id == prompt_versions.c.prompt_id)
        .join(
            prompt_labels,
            (prompt_labels.c.prompt_id == prompts.c.id) & (prompt_labels.c.version_id == prompt_versions.c.id),
        )
        .where(prompts.c.tenant_id == tenant_id, prompts.c.name == prompt, prompt_labels.c.label == label)
    ).first()
    if current is None or vetted_for(conn, tenant_id, current.id, use_case_id):
        return
    failure = f"{prompt}@{current.version} (what {prompt}:{label} points at) never passed the {use_case} gate"
    raise GateFailed(
        f"the promotion gate refused use_case:{use_case}:prompt {prompt}:{label}: {failure}. A label a charter "
        f"serves from is protected: have another person promote it through the gate for this use case "
        f"(`charter prompts promote {prompt} --version {current.version} --label {label} --use-case {use_case}`) "
        f"or serve a label that has not been set yet",
        extra={"failures": [failure]},
    )


@dataclass(frozen=True, slots=True)
class ModelSwitch:
    """A charter about to switch ``use_case``'s default model from ``from_alias`` to ``to_alias``;
    ``since`` is when the current charter version was applied."""

    use_case_id: str
    use_case: str
    from_alias: str
    to_alias: str
    since: datetime
    high_impact: bool


def require_model_change_approval(conn: Connection, tenant_id: str, switch: ModelSwitch) -> None:
    """Refuse a charter that switches a use case's default model unless the gate admitted it (MD-3).

    Called by ``apply_charter`` when ``models[0]`` changes. A use case with an evaluation suite needs
    a passing approval of a model change request for ``to_alias`` (one principal asks, another
    approves) recorded since its current charter version (``since``); a high-impact use case needs a
    suite in the first place. A use case with no suite that is not high-impact has nothing to
    evaluate against: allowed.
    """
    use_case_id, use_case, to_alias = switch.use_case_id, switch.use_case, switch.to_alias
    how = (
        f"`charter eval run --use-case {use_case} --model {to_alias}`; ask for the change "
        f"(`POST /api/v1/evals/approvals/model/requests` {{use_case, to_alias}}), then another person approves "
        f"it (`POST /api/v1/evals/approvals/model` {{request_id}})"
    )
    has_suite = (
        conn.execute(
            select(eval_suites.c.id).where(
                eval_suites.c.tenant_id == tenant_id, eval_suites.c.use_case_id == use_case_id
            )
        ).first()
        is not None
    )
    subject = f"use_case:{use_case}:model {switch.from_alias}->{to_alias}"
    if not has_suite:
        if not switch.high_impact:
            return
        raise GateFailed(
            f"the promotion gate refused {subject}: {use_case} is high-impact and has no evaluation suite; "
            f"set one with `charter eval suite set`, then {how}",
            extra={"failures": ["no evaluation suite for a high-impact use case"]},
        )
    approved = conn.execute(
        select(gate_decisions.c.id)
        .where(
            gate_decisions.c.tenant_id == tenant_id,
            gate_decisions.c.use_case_id == use_case_id,
            gate_decisions.c.subject_kind == "model",
            gate_decisions.c.subject_id.is_not(None),  # approved on a request, by another principal
            gate_decisions.c.passed.is_(True),
            gate_decisions.c.created_at >= switch.since,
            gate_decisions.c.subject.endswith(f"->{to_alias}", autoescape=True),
        )
        .limit(1)
    ).first()
    if approved is not None:
        return
    raise GateFailed(
        f"the promotion gate refused {subject}: no passing model-change approval for {to_alias} since the "
        f"current charter version; {how}",
        extra={"failures": [f"no passing model-change approval for {to_alias}"]},
    )
