"""Moving labels: free for ordinary labels, through the promotion gate for protected ones.

A label is **protected** when it is ``production`` or when any charter of the tenant serves from it
(``prompt: NAME`` with ``prompt_label: LABEL``): a label that reaches traffic moves only through the
gate. A protected label's move is gated by the suite of every use case whose charter serves from it,
and of the prompt's own use case (or the one the promoter names); every decision is recorded, and
the label moves only when all pass. Rolling a served label back needs a target version that passed
the gate of every serving use case.

:func:`promote` runs in a writer transaction and always commits what it decided (the gate decisions
and their ledger entries); :func:`promote_or_raise` is what faces call: it commits, then raises
:class:`charter.evals.gate.GateFailed` (or its ``same_principal`` / ``suite_changed_by_requester``
kinds) when the gate refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from charter.errors import InvalidRequest
from charter.evals.approvals import vetted_for
from charter.evals.gate import GateFailed, PromptChange, gate_prompt, refusal
from charter.policy.current import current_charters
from charter.prompts import versions
from charter.prompts.versions import PROTECTED_LABELS, get_version, move_label
from charter.runtime import Runtime
from charter.store.schema import use_cases

__all__ = [
    "Promotion",
    "gating_use_cases",
    "is_protected",
    "move_refused",
    "promote",
    "promote_or_raise",
    "rollback",
    "serving_use_cases",
]


@dataclass(frozen=True, slots=True)
class Promotion:
    """A request to point ``label`` at ``name@version``, made by ``actor`` (the approver when the label
    is protected); ``use_case`` adds a gating suite, ``run_id`` names the run to judge."""

    name: str
    version: int
    label: str  # a protected one (production, or one a charter serves from) goes through the gate
    actor: str
    use_case: str | None = None
    run_id: str | None = None
    reason: str = ""


def _use_case_of(conn: Connection, tenant_id: str, use_case_id: str | None) -> str | None:
    if use_case_id is None:
        return None
    name = conn.execute(
        select(use_cases.c.name).where(use_cases.c.id == use_case_id, use_cases.c.tenant_id == tenant_id)
    ).scalar_one_or_none()
    return None if name is None else str(name)


def serving_use_cases(conn: Connection, tenant_id: str, prompt: str, label: str) -> list[tuple[str, str]]:
    """``(use_case_id, name)`` of every use case whose current charter serves ``prompt:label``."""
    return [
        (c.use_case_id, c.name)
        for c in current_charters(conn, tenant_id)
        if c.body.get("prompt") == prompt and (c.body.get("prompt_label") or "production") == label
    ]


def is_protected(conn: Connection, tenant_id: str, prompt: str, label: str) -> bool:
    """``production``, or a label some charter of the tenant serves from."""
    return label in PROTECTED_LABELS or bool(serving_use_cases(conn, tenant_id, prompt, label))


def gating_use_cases(
    conn: Connection, tenant_id: str, version: versions.PromptVersion, label: str, use_case: str | None
) -> list[str]:
    """The use cases whose suites gate moving ``label`` to ``version`` (empty: the label is free).

    Every use case serving the label, plus the one named (else the prompt's own use case)."""
    serving = [name for _, name in serving_use_cases(conn, tenant_id, version.name, label)]
    if label not in PROTECTED_LABELS and not serving:
        return []
    chosen = use_case or _use_case_of(conn, tenant_id, version.use_case_id)
    names = [*serving, *([chosen] if chosen and chosen not in serving else [])]
    if not names:
        raise InvalidRequest(
            f"prompt {version.name!r} belongs to no use case, so no suite can gate it: push it with "
            "`use_case:` in the prompt file or pass --use-case",
            code="missing_field",
            param="use_case",
        )
    return names


def promote(conn: Connection, tenant_id: str, request: Promotion) -> dict[str, Any]:
    """Point ``label`` at ``name@version``. A protected label needs a passing gate for every gating use
    case, with ``actor`` as the approver; the result carries ``gate`` (the first refusal, else the
    first decision), ``gates`` (every decision) and ``moved`` (whether the label moved)."""
    name, version, label, actor, reason = request.name, request.version, request.label, request.actor, request.reason
    candidate = get_version(conn, tenant_id, name, version=version)
    gating = gating_use_cases(conn, tenant_id, candidate, label, request.use_case)
    if not gating:
        moved = move_label(conn, tenant_id, candidate, label, actor=actor, kind="set", reason=reason)
        return {**moved, "moved": True, "gate": None, "gates": []}
    decisions = [
        gate_prompt(conn, tenant_id, PromptChange(candidate, label, uc, actor, request.run_id)) for uc in gating
    ]
    gates = [d.as_dict() for d in decisions]
    refused = [d for d in decisions if not d.passed]
    if refused:
        first = refused[0].as_dict()
        return {"name": name, "label": label, "version": version, "moved": False, "gate": first, "gates": gates}
    moved = move_label(
        conn, tenant_id, candidate, label, actor=actor, kind="promote", gate_id=decisions[0].id, reason=reason
    )
    return {**moved, "moved": True, "gate": gates[0], "gates": gates}


def move_refused(result: dict[str, Any], what: str) -> GateFailed:
    """The error for a label move the gate refused (``result`` is :func:`promote`'s), led by ``what``."""
    gate = result["gate"]
    failures = gate["failures"]
    return refusal(gate["code"], f"{what}: " + "; ".join(failures), {"failures": failures, "gate_id": gate["id"]})


def promote_or_raise(rt: Runtime, tenant_id: str, request: Promotion) -> dict[str, Any]:
    """Promote in the writer; commit the decision either way; raise ``GateFailed`` if refused."""
    result: dict[str, Any] = rt.writer.write(lambda conn: promote(conn, tenant_id, request))
    rt.policy_changed()
    if not result["moved"]:
        what = f"the promotion gate refused {request.name}@{result['version']} -> {result['label']}"
        raise move_refused(result, what)
    return result


def rollback(conn: Connection, tenant_id: str, request: versions.Rollback) -> dict[str, Any]:
    """:func:`charter.prompts.versions.rollback`, refused (409 ``gate_failed``) when a charter serves
    the label and the target never passed that use case's gate: a label that served an unvetted
    version before a charter pointed at it cannot roll back to it."""
    name, label = request.name, request.label
    serving = serving_use_cases(conn, tenant_id, name, label)

    def check(target: versions.PromptVersion) -> None:
        missing = [uc for uc_id, uc in serving if not vetted_for(conn, tenant_id, target.id, uc_id)]
        if missing:
            failure = f"{name}@{target.version} never passed the gate of {', '.join(missing)}, which serve {label}"
            raise GateFailed(
                f"the promotion gate refused rolling {name}:{label} back: {failure}; promote it instead",
                extra={"failures": [failure]},
            )

    return versions.rollback(conn, tenant_id, request, check=check)
