"""The oversee stage of the gateway pipeline: release, hold for a person, or release and sample
for expert scoring. A hold is written in the same transaction as the interaction record."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import Connection

from charter.domain import Exchange
from charter.oversight.items import NewItem, insert_item, seal_item
from charter.oversight.responses import held_response_body
from charter.oversight.rules import decide
from charter.oversight.scoring import NewSample, insert_sample, seal_sample
from charter.store.schema import new_id, utcnow

__all__ = ["held_response_body", "must_hold_before_release", "oversee"]


def _findings(ex: Exchange) -> list[dict[str, Any]]:
    """Guard findings as offsets and scores (never the matched values)."""
    return [v.as_record() for v in ex.verdicts if v.findings or v.outcome in ("review", "warn", "redact")]


def _request(ex: Exchange) -> dict[str, Any]:
    return {
        "messages": [{"role": m.role, "content": m.content} for m in ex.messages],
        "context": list(ex.context),
        "vault": dict(ex.vault),
    }


def _hold(ex: Exchange, rt: Any, reasons: tuple[str, ...]) -> None:
    rule = ex.charter.review
    item = NewItem(
        id=new_id("rev"),
        tenant_id=ex.principal.tenant_id,
        use_case_id=ex.use_case_id,
        kind="hold",
        reasons=list(reasons),
        findings=_findings(ex),
        requester_key_id=ex.principal.key_id,
        charter_version=ex.charter_version,
        required_approvals=2 if rule.four_eyes else 1,
        sla_minutes=rule.sla_minutes,
        answer=ex.output,
        answer_provenance="ai",
        answer_author=ex.model.platform_model_id if ex.model is not None else "model",
        model_alias=ex.model.alias if ex.model is not None else None,
        subject_id=ex.subject_id,
        officer=ex.officer,
        tool_calls=ex.tool_calls,  # released with the answer once a person approves it
    )
    seal_item(rt, item, _request(ex))

    def write(conn: Connection, interaction_id: str) -> dict[str, Any]:
        return insert_item(conn, item, interaction_id, utcnow())

    ex.writes.append(write)
    ex.held_review_id = item.id
    ex.verdict("oversee", "hold", review_id=item.id, reasons=list(reasons))


def _sample(ex: Exchange, rt: Any) -> None:
    sample = seal_sample(
        rt,
        NewSample(
            id=new_id("smp"),
            tenant_id=ex.principal.tenant_id,
            use_case_id=ex.use_case_id,
            question=ex.messages[-1].content if ex.messages else "",
            answer=ex.output,
            citations=list(ex.citations or []),
        ),
    )
    ex.writes.append(partial(_write_sample, sample))
    ex.verdict("oversee", "release", sampled=True, sample_id=sample.id)


def _write_sample(sample: NewSample, conn: Connection, interaction_id: str) -> dict[str, Any]:
    return insert_sample(conn, sample, interaction_id, utcnow())


async def oversee(ex: Exchange, rt: Any) -> None:
    """Decide release / hold / sample for a generated answer (HO-1, HO-2, ME-3)."""
    if ex.status != "ok":
        return
    if ex.content_filter is not None:
        ex.verdict("oversee", "release", reason="an output guard blocked the answer")
        return  # nothing left to review: the block stands
    decision = decide(ex)
    if decision.action == "hold":
        _hold(ex, rt, decision.reasons)
    elif decision.sampled and ex.output:
        _sample(ex, rt)
    else:
        ex.verdict("oversee", "release")


def must_hold_before_release(ex: Exchange) -> bool:
    """True when this exchange may be held, so the gateway must not stream it to the client before
    the oversee stage has run (it buffers and answers 202 or 200 instead)."""
    rule = ex.charter.review
    if decide(ex).action == "hold" or rule.grounding_below is not None:
        return True
    return rule.on_guard_flag and any(p.action.value == "review" for p in ex.charter.guards.values())
