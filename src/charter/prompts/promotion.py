"""Moving labels: free for ordinary labels, through the promotion gate for protected ones.

:func:`promote` runs in a writer transaction and always commits what it decided (the gate decision
and its ledger entry); :func:`promote_or_raise` is what faces call: it commits, then raises
:class:`charter.evals.gate.GateFailed` when the gate refused.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from charter.errors import InvalidRequest
from charter.prompts.registry import PROTECTED_LABELS, get_version, move_label
from charter.runtime import Runtime
from charter.store.schema import use_cases

__all__ = ["promote", "promote_or_raise"]


def _use_case_of(conn: Connection, tenant_id: str, use_case_id: str | None) -> str | None:
    if use_case_id is None:
        return None
    name = conn.execute(
        select(use_cases.c.name).where(use_cases.c.id == use_case_id, use_cases.c.tenant_id == tenant_id)
    ).scalar_one_or_none()
    return None if name is None else str(name)


def promote(
    conn: Connection,
    tenant_id: str,
    name: str,
    *,
    version: int,
    label: str,
    actor: str,
    use_case: str | None = None,
    run_id: str | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """Point ``label`` at ``name@version``. A protected label needs a passing gate, with ``actor`` as
    the approver; the result carries ``gate`` (the decision) and ``moved`` (whether the label moved)."""
    candidate = get_version(conn, tenant_id, name, version=version)
    if label not in PROTECTED_LABELS:
        moved = move_label(conn, tenant_id, candidate, label, actor=actor, kind="set", reason=reason)
        return {**moved, "moved": True, "gate": None}
    from charter.evals.gate import gate_prompt

    use_case = use_case or _use_case_of(conn, tenant_id, candidate.use_case_id)
    if use_case is None:
        raise InvalidRequest(
            f"prompt {name!r} belongs to no use case, so no suite can gate it: push it with "
            "`use_case:` in the prompt file or pass --use-case",
            code="missing_field",
            param="use_case",
        )
    decision = gate_prompt(conn, tenant_id, candidate, label=label, approver=actor, use_case=use_case, run_id=run_id)
    if not decision.passed:
        return {"name": name, "label": label, "version": version, "moved": False, "gate": decision.as_dict()}
    moved = move_label(
        conn, tenant_id, candidate, label, actor=actor, kind="promote", gate_id=decision.id, reason=reason
    )
    return {**moved, "moved": True, "gate": decision.as_dict()}


def promote_or_raise(rt: Runtime, tenant_id: str, name: str, **kwargs: Any) -> dict[str, Any]:
    """Promote in the writer; commit the decision either way; raise ``GateFailed`` if refused."""
    result: dict[str, Any] = rt.writer.write(lambda conn: promote(conn, tenant_id, name, **kwargs))
    cache = rt.parts.get("prompts")
    if cache is not None:
        cache.clear()
    if not result["moved"]:
        from charter.evals.gate import GateFailed

        gate = result["gate"]
        raise GateFailed(
            f"the promotion gate refused {name}@{result['version']} -> {result['label']}: "
            + "; ".join(gate["failures"]),
            extra={"failures": gate["failures"], "gate_id": gate["id"]},
        )
    return result
