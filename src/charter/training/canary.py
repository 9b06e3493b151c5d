"""Canaries (issue 17 item 4): a gated candidate version takes a share of its alias's traffic while
its live signals are compared with those of the versions serving; a regression withdraws it at once.

* :func:`start_canary` runs the MD-3 gate (:func:`charter.training.registry.gate_version`, the same
  as a promotion: a candidate serves nobody, not even a share, before it passed) and puts the version
  in state ``canary``. Routing (:func:`charter.providers.router.split_canary`) sends a request to it
  when ``sha256(canary id, request id)`` falls under ``share``: the same request id always lands on
  the same arm. The route verdict names the arm (``canary: {id, arm, version}``) and the interaction
  records the alias and version that answered (``model_alias``, ``model_version``).
* :func:`evaluate_canary` compares the two arms over the interactions since the start: error rate
  (failed, or the candidate failed and another model answered), output guard hits, review rejections
  and negative feedback (rates: Fisher's exact or the two-proportion z-test), latency and grounding
  scores (Mann-Whitney U), each one-sided (is the candidate worse?) at ``alpha`` divided by the number
  of signals tested (Bonferroni). A signal is tested only once each arm has ``min_samples`` events.
* A regression **withdraws** the candidate (version state ``withdrawn``, canary ``withdrawn``), in
  the ledger (``model.canary_withdrawn`` with the comparison) and as a ``model.canary_withdrawn``
  alert (critical). When every signal has its minimum sample and none regressed, the canary is
  ``promotable``; ``charter models promote`` then makes it serve the whole alias.

The ``models.canary`` job evaluates every running canary each ``CHARTER_CANARY_EVALUATE_INTERVAL_S``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from charter import ledger
from charter.domain import Charter
from charter.errors import Conflict, InvalidRequest, NotFound
from charter.evals.gate import GateDecision
from charter.monitor.alerts import Alert, fire
from charter.oversight.suspend import HIT_OUTCOMES
from charter.oversight.tables import feedback, review_decisions, review_items
from charter.policy.current import current_charters
from charter.runtime import Runtime
from charter.store.records import pick, pick_iso
from charter.store.schema import interactions, model_canaries, model_versions, new_id, utcnow
from charter.store.types import iso
from charter.training.registry import _version_row, gate_version
from charter.training.stats import mann_whitney_greater, rate_greater

__all__ = [
    "SIGNALS",
    "CanaryStart",
    "Comparison",
    "evaluate_canaries",
    "evaluate_canary",
    "list_canaries",
    "running_canaries",
    "start_canary",
    "stop_canary",
]

#: Each signal: (kind, worse when the candidate's is ...). Rates are shares of events; values are
#: compared whole (Mann-Whitney).
SIGNALS: dict[str, tuple[str, str]] = {
    "error_rate": ("rate", "higher"),
    "guard_hit_rate": ("rate", "higher"),
    "rejection_rate": ("rate", "higher"),
    "negative_feedback_rate": ("rate", "higher"),
    "latency_ms": ("values", "higher"),
    "grounding": ("values", "lower"),
}
_WINDOW_ROWS = 50_000


@dataclass(frozen=True, slots=True)
class CanaryStart:
    alias: str
    version: int
    share: float = 0.1
    min_samples: int = 100
    alpha: float = 0.05


def _as_dict(r: Any) -> dict[str, Any]:
    return {
        **pick(r, "id", "alias", "version"),
        "label": f"{r.alias}@{r.version}",
        **pick(r, "share", "min_samples", "alpha", "state"),
        "incumbent_ids": list(r.incumbent_ids or []),
        "gate_ids": list(r.gate_ids or []),
        **pick(r, "comparison", "reason", "started_by"),
        **pick_iso(r, "started_at", "evaluated_at"),
        "ended_by": r.ended_by,
        "ended_at": iso(r.ended_at),
    }


def list_canaries(conn: Connection, tenant_id: str, alias: str | None = None) -> list[dict[str, Any]]:
    query = select(model_canaries).where(model_canaries.c.tenant_id == tenant_id)
    if alias is not None:
        query = query.where(model_canaries.c.alias == alias)
    return [_as_dict(r) for r in conn.execute(query.order_by(model_canaries.c.started_at.desc())).all()]


def running_canaries(conn: Connection) -> list[Any]:
    """Every running canary, all tenants (the ``models.canary`` job)."""
    return list(conn.execute(select(model_canaries).where(model_canaries.c.state == "running")).all())


def _open_canary(conn: Connection, tenant_id: str, alias: str) -> Any:
    return conn.execute(
        select(model_canaries).where(
            model_canaries.c.tenant_id == tenant_id,
            model_canaries.c.alias == alias,
            model_canaries.c.state.in_(("running", "promotable")),
        )
    ).first()


def start_canary(
    conn: Connection, tenant_id: str, start: CanaryStart, *, actor: str
) -> tuple[dict[str, Any] | None, list[GateDecision]]:
    """Gate ``alias@version`` and, when every gate passed, give it ``share`` of the alias's traffic.
    Returns (the canary or None, the gate decisions); call in a writer transaction, commit, then raise
    the first failed decision's ``error()``. One canary per alias at a time (409 ``canary_running``)."""
    if not 0.0 < start.share < 1.0:
        raise InvalidRequest("share must be between 0 and 1 (exclusive): the candidate's part of the traffic",
                             code="invalid_value", param="share")
    if start.min_samples < 10 or not 0.0 < start.alpha < 0.5:
        raise InvalidRequest("min_samples must be at least 10 and alpha between 0 and 0.5",
                             code="invalid_value", param="min_samples" if start.min_samples < 10 else "alpha")
    row = _version_row(conn, tenant_id, start.alias, start.version)
    if row.state != "candidate":
        raise Conflict(f"{start.alias}@{start.version} is {row.state}: only a candidate can start a canary",
                       code="conflict")
    if _open_canary(conn, tenant_id, start.alias) is not None:
        raise Conflict(f"{start.alias} already has a canary; stop it (`charter models canary stop`) first",
                       code="canary_running")
    incumbents = [r.id for r in conn.execute(select(model_versions.c.id).where(
        model_versions.c.tenant_id == tenant_id, model_versions.c.alias == start.alias,
        model_versions.c.state == "serving")).all()]
    if not incumbents:
        raise Conflict(f"{start.alias} has no serving version to compare a canary with; promote one first",
                       code="conflict")
    decisions = gate_version(conn, tenant_id, row, approver=actor)
    if not all(d.passed for d in decisions):
        return None, decisions
    now = utcnow()
    values = {
        "id": new_id("cnry"), "tenant_id": tenant_id, "alias": start.alias, "version_id": row.id,
        "version": start.version, "incumbent_ids": incumbents, "share": start.share,
        "min_samples": start.min_samples, "alpha": start.alpha, "state": "running",
        "gate_ids": [d.id for d in decisions], "comparison": None, "reason": None, "started_by": actor,
        "started_at": now, "evaluated_at": None, "ended_by": None, "ended_at": None,
    }
    conn.execute(model_canaries.insert().values(**values))
    conn.execute(update(model_versions).where(model_versions.c.id == row.id).values(state="canary"))
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="model.canary_started", subject=start.alias,
                  event={k: values[k] for k in ("id", "version_id", "version", "incumbent_ids", "share",
                                                "min_samples", "alpha", "gate_ids")})
    return _as_dict(conn.execute(select(model_canaries).where(model_canaries.c.id == values["id"])).one()), decisions


def stop_canary(conn: Connection, tenant_id: str, alias: str, *, actor: str, reason: str = "") -> dict[str, Any]:
    """End the alias's canary by hand: the version goes back to ``candidate`` (it takes no traffic)."""
    found = _open_canary(conn, tenant_id, alias)
    if found is None:
        raise NotFound(f"{alias} has no running canary", code="not_found")
    now = utcnow()
    conn.execute(update(model_canaries).where(model_canaries.c.id == found.id).values(
        state="stopped", ended_by=actor, ended_at=now, reason=reason[:500] or "stopped by hand"))
    conn.execute(update(model_versions).where(model_versions.c.id == found.version_id,
                                              model_versions.c.state == "canary").values(state="candidate"))
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="model.canary_stopped", subject=alias,
                  event={"id": found.id, "version": found.version, "reason": reason[:500]})
    return _as_dict(conn.execute(select(model_canaries).where(model_canaries.c.id == found.id)).one())


# -- the comparison ----------------------------------------------------------------------------------


@dataclass
class _Arm:
    interactions: int = 0
    errors: int = 0
    guard_hits: int = 0
    latency: list[float] | None = None
    grounding: list[float] | None = None
    ids: list[str] | None = None


def _route_canary(verdicts: Any) -> dict[str, Any] | None:
    for v in verdicts or ():
        if isinstance(v, dict) and v.get("stage") == "route":
            found = (v.get("detail") or {}).get("canary")
            return found if isinstance(found, dict) else None
    return None


def _failed_over(verdicts: Any) -> bool:
    for v in verdicts or ():
        if isinstance(v, dict) and v.get("stage") == "generate":
            return int((v.get("detail") or {}).get("attempts") or 1) > 1
    return False


def _guard_hit(verdicts: Any) -> bool:
    return any(isinstance(v, dict) and v.get("stage") == "screen_output" and v.get("outcome") in HIT_OUTCOMES
               for v in verdicts or ())


def _grounding(verdicts: Any) -> float | None:
    for v in verdicts or ():
        detail = (v.get("detail") or {}) if isinstance(v, dict) else {}
        if v.get("stage") == "screen_output" and detail.get("guard") == "grounding" and "score" in detail:
            return round(1.0 - float(detail["score"]), 4)
    return None


def _use_case_ids(conn: Connection, tenant_id: str, alias: str) -> list[str]:
    return [c.use_case_id for c in current_charters(conn, tenant_id)
            if alias in Charter.model_validate(c.body).models]


def _arms(conn: Connection, canary: Any) -> dict[str, _Arm]:
    arms = {"candidate": _Arm(latency=[], grounding=[], ids=[]), "incumbent": _Arm(latency=[], grounding=[], ids=[])}
    use_cases = _use_case_ids(conn, canary.tenant_id, canary.alias)
    if not use_cases:
        return arms
    rows = conn.execute(
        select(interactions.c.id, interactions.c.status, interactions.c.latency_ms, interactions.c.verdicts)
        .where(interactions.c.tenant_id == canary.tenant_id, interactions.c.use_case_id.in_(use_cases),
               interactions.c.created_at >= canary.started_at)
        .order_by(interactions.c.created_at.desc())
        .limit(_WINDOW_ROWS)
    ).all()
    for r in rows:
        mark = _route_canary(r.verdicts)
        if mark is None or mark.get("id") != canary.id or mark.get("arm") not in arms:
            continue
        arm = arms[mark["arm"]]
        arm.interactions += 1
        assert arm.ids is not None and arm.latency is not None and arm.grounding is not None
        arm.ids.append(r.id)
        if r.status == "error" or _failed_over(r.verdicts):
            arm.errors += 1
        if _guard_hit(r.verdicts):
            arm.guard_hits += 1
        if r.status == "ok":
            arm.latency.append(float(r.latency_ms))
        score = _grounding(r.verdicts)
        if score is not None:
            arm.grounding.append(score)
    return arms


def _chunks(ids: list[str], size: int = 5000) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _feedback_counts(conn: Connection, ids: list[str]) -> tuple[int, int]:
    negative = total = 0
    for part in _chunks(ids):
        for r in conn.execute(select(feedback.c.rating).where(feedback.c.interaction_id.in_(part),
                                                               feedback.c.rating.is_not(None))).all():
            total += 1
            negative += r.rating == "unhelpful"
    return negative, total


def _review_counts(conn: Connection, ids: list[str]) -> tuple[int, int]:
    rejected = total = 0
    for part in _chunks(ids):
        for r in conn.execute(
            select(review_decisions.c.decision)
            .join(review_items, review_items.c.id == review_decisions.c.review_id)
            .where(review_items.c.interaction_id.in_(part), review_decisions.c.final.is_(True))
        ).all():
            total += 1
            rejected += r.decision == "rejected"
    return rejected, total


@dataclass
class Comparison:
    verdict: str  # regression | promotable | collecting
    signals: dict[str, dict[str, Any]]
    threshold: float
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "threshold": self.threshold, "reason": self.reason,
                "signals": self.signals}


def _rate_signal(name: str, c: tuple[int, int], i: tuple[int, int], min_samples: int) -> dict[str, Any]:
    found: dict[str, Any] = {
        "candidate": {"events": c[0], "of": c[1], "rate": round(c[0] / c[1], 4) if c[1] else None},
        "incumbent": {"events": i[0], "of": i[1], "rate": round(i[0] / i[1], 4) if i[1] else None},
        "tested": c[1] >= min_samples and i[1] >= min_samples,
    }
    if found["tested"]:
        found["p"], found["test"] = rate_greater(c[0], c[1], i[0], i[1])
        found["p"] = round(found["p"], 6)
    return found


def _value_signal(c: list[float], i: list[float], worse: str, min_samples: int) -> dict[str, Any]:
    def summary(values: list[float]) -> dict[str, Any]:
        ordered = sorted(values)
        return {"n": len(values), "median": None if not values else round(ordered[len(ordered) // 2], 3)}

    found: dict[str, Any] = {"candidate": summary(c), "incumbent": summary(i),
                             "tested": len(c) >= min_samples and len(i) >= min_samples}
    if found["tested"]:
        p = mann_whitney_greater(c, i) if worse == "higher" else mann_whitney_greater([-v for v in c],
                                                                                       [-v for v in i])
        found["p"], found["test"] = round(p, 6), "mann-whitney"
    return found


def compare(conn: Connection, canary: Any) -> Comparison:
    """Both arms' signals since the canary started, each tested (module docstring)."""
    arms = _arms(conn, canary)
    cand, inc = arms["candidate"], arms["incumbent"]
    assert cand.ids is not None and inc.ids is not None
    n = canary.min_samples
    signals = {
        "error_rate": _rate_signal("error_rate", (cand.errors, cand.interactions), (inc.errors, inc.interactions), n),
        "guard_hit_rate": _rate_signal("guard_hit_rate", (cand.guard_hits, cand.interactions),
                                       (inc.guard_hits, inc.interactions), n),
        "rejection_rate": _rate_signal("rejection_rate", _review_counts(conn, cand.ids),
                                       _review_counts(conn, inc.ids), max(10, n // 10)),
        "negative_feedback_rate": _rate_signal("negative_feedback_rate", _feedback_counts(conn, cand.ids),
                                               _feedback_counts(conn, inc.ids), max(10, n // 10)),
        "latency_ms": _value_signal(cand.latency or [], inc.latency or [], "higher", n),
        "grounding": _value_signal(cand.grounding or [], inc.grounding or [], "lower", max(10, n // 10)),
    }
    threshold = canary.alpha / len(SIGNALS)
    worse = [name for name, s in signals.items() if s["tested"] and s["p"] < threshold]
    if worse:
        parts = [f"{name} p={signals[name]['p']:.2g}" for name in worse]
        return Comparison("regression", signals, threshold,
                          f"the candidate is worse than the serving version on {', '.join(parts)} "
                          f"(one-sided, threshold {threshold:.3g})")
    # promotable once the traffic signals every request gives have their sample; review and
    # feedback signals are tested when they have one (they may never reach it on a quiet use case)
    basic = ("error_rate", "guard_hit_rate", "latency_ms")
    if all(signals[name]["tested"] for name in basic):
        return Comparison("promotable", signals, threshold,
                          f"no regression on {', '.join(k for k, s in signals.items() if s['tested'])} "
                          f"after {cand.interactions} candidate and {inc.interactions} serving answers")
    return Comparison("collecting", signals, threshold,
                      f"{cand.interactions} candidate and {inc.interactions} serving answers so far; "
                      f"each arm needs {n}")


def evaluate_canary(
    conn: Connection, canary_id: str, *, actor: str = "scheduler", now: dt.datetime | None = None
) -> tuple[dict[str, Any], Comparison]:
    """Compare and act: withdraw on a regression (ledgered), mark promotable, or keep collecting.
    The caller fires the alert after the transaction commits (:func:`withdrawal_alert`)."""
    canary = conn.execute(select(model_canaries).where(model_canaries.c.id == canary_id)).first()
    if canary is None:
        raise NotFound(f"no canary {canary_id}", code="not_found")
    now = now or utcnow()
    comparison = compare(conn, canary)
    values: dict[str, Any] = {"comparison": comparison.as_dict(), "evaluated_at": now}
    if canary.state in ("running", "promotable"):
        if comparison.verdict == "regression":
            values.update(state="withdrawn", reason=comparison.reason, ended_by=actor, ended_at=now)
            conn.execute(update(model_versions).where(model_versions.c.id == canary.version_id)
                         .values(state="withdrawn"))
            ledger.append(conn, tenant_id=canary.tenant_id, actor=actor, action="model.canary_withdrawn",
                          subject=canary.alias, event={"id": canary.id, "version": canary.version,
                                                       "reason": comparison.reason,
                                                       "comparison": comparison.as_dict()})
        elif comparison.verdict == "promotable" and canary.state == "running":
            values.update(state="promotable", reason=comparison.reason)
            ledger.append(conn, tenant_id=canary.tenant_id, actor=actor, action="model.canary_promotable",
                          subject=canary.alias, event={"id": canary.id, "version": canary.version,
                                                       "reason": comparison.reason})
    conn.execute(update(model_canaries).where(model_canaries.c.id == canary.id).values(**values))
    row = conn.execute(select(model_canaries).where(model_canaries.c.id == canary.id)).one()
    return _as_dict(row), comparison


def withdrawal_alert(canary: dict[str, Any], tenant_id: str) -> Alert:
    """The alert a withdrawal fires (charter.monitor.alerts)."""
    return Alert(tenant_id=tenant_id, name="model.canary_withdrawn", severity="critical",
                 summary=f"canary {canary['label']} withdrawn: {canary['reason']}",
                 labels={"alias": canary["alias"], "version": str(canary["version"]), "canary": canary["id"]})



def _evaluate(conn: Connection, *, canary_id: str) -> tuple[dict[str, Any], Comparison]:
    return evaluate_canary(conn, canary_id)


async def evaluate_canaries(rt: Runtime) -> dict[str, Any]:
    """The ``models.canary`` job: evaluate every running or promotable canary; a withdrawal fires its
    alert once the transaction committed."""
    query = select(model_canaries.c.id, model_canaries.c.tenant_id).where(
        model_canaries.c.state.in_(("running", "promotable")))
    rows = await rt.writer.awrite(lambda c: list(c.execute(query).all()))
    outcome: dict[str, list[str]] = {"withdrawn": [], "promotable": [], "collecting": []}
    for row in rows:
        canary, comparison = await rt.writer.awrite(functools.partial(_evaluate, canary_id=row.id))
        if canary["state"] == "withdrawn" and comparison.verdict == "regression":
            await fire(rt, withdrawal_alert(canary, row.tenant_id))
        outcome["withdrawn" if canary["state"] == "withdrawn" else comparison.verdict].append(canary["label"])
    return outcome

