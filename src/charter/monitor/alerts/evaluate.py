"""The ``alerts.evaluate`` job: every rule — each charter's ``alerts:`` for its use case, and the
operator's platform rules for every use case or the platform — is measured over its window and the
alert fired (or kept firing) when its condition holds, resolved when it no longer does. A budget
alert of a past period, a review escalation whose review was decided and a suspension alert whose
use case was resumed are resolved here too."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from charter.domain.charter import AlertRule, Charter
from charter.monitor.alerts.model import Alert
from charter.monitor.alerts.service import alerts_of
from charter.monitor.alerts.signals import Scope, measure
from charter.monitor.alerts.state import Routing, fire_in, resolve_in
from charter.monitor.alerts.tables import alerts
from charter.monitor.budgets import period_of
from charter.monitor.drift import latest_findings
from charter.oversight.tables import review_items, suspensions
from charter.policy.current import current_charters
from charter.policy.tenants import PLATFORM_TENANT
from charter.store.schema import tenants, utcnow

if TYPE_CHECKING:
    from charter.runtime import Runtime

__all__ = ["Decision", "decide", "evaluate"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    alert: Alert
    firing: bool
    for_s: float = 0.0


def _scopes(conn: Connection) -> list[Scope]:
    rows = current_charters(conn)
    scopes = []
    for r in rows:
        try:
            scopes.append(Scope(r.tenant_id, r.use_case_id, r.name, Charter.model_validate(r.body)))
        except ValueError:  # a stored charter this version no longer reads: its rules cannot run
            log.error("use case %s: its charter does not validate; its alert rules are skipped", r.name)
    return scopes


def _fmt(value: float | None) -> str:
    return "none" if value is None else f"{value:.4g}"


def decide(conn: Connection, scope: Scope, rule: AlertRule, origin: str, now: dt.datetime) -> Decision:
    """Measure one rule for one scope: the alert, and whether it holds."""
    labels = {"rule": origin, **({"guard": rule.guard} if rule.guard else {})}
    where = f"use case {scope.use_case}" if scope.use_case else "the platform"
    if rule.detector is not None:
        found = [] if scope.use_case_id is None else latest_findings(conn, scope.tenant_id, scope.use_case_id)
        hits = [f for f in found if f.detector == rule.detector and f.drifted]
        value = max((f.statistic for f in hits), default=None)
        segments = ", ".join(sorted({f.segment for f in hits})) or "none"
        summary = f"{where}: drift detector {rule.detector} found drift (segments: {segments})"
        firing = bool(hits)
    else:
        m = measure(conn, scope, rule, now)
        value = m.value
        bound = f"above {rule.above}" if rule.above is not None else f"below {rule.below}"
        summary = f"{where}: {rule.metric} is {_fmt(value)} ({bound}) over {rule.window}, {m.events} events"
        firing = value is not None and m.events >= rule.min_events and rule.breached(value)
    alert = Alert(
        tenant_id=scope.tenant_id,
        name=rule.alert_name,
        severity=rule.severity,
        summary=summary,
        use_case=scope.use_case,
        labels=labels,
        value=value,
    )
    return Decision(alert, firing, float(rule.for_s))


def _stale_budget_alerts(conn: Connection, scopes: list[Scope], now: dt.datetime) -> list[Decision]:
    current = {
        (s.tenant_id, s.use_case): period_of(s.charter.budget, now).key
        for s in scopes
        if s.charter is not None and s.charter.budget is not None
    }
    rows = conn.execute(
        select(alerts).where(alerts.c.name == "budget.share", alerts.c.status == "firing")
    ).all()
    out = []
    for r in rows:
        if (r.labels or {}).get("period") != current.get((r.tenant_id, r.use_case)):
            alert = Alert(r.tenant_id, r.name, r.severity, r.summary, r.use_case, dict(r.labels or {}), r.value)
            out.append(Decision(alert, firing=False))
    return out


def _settled_alerts(conn: Connection) -> list[Decision]:
    """Oversight alerts whose cause has gone: a review decided, a suspended use case resumed."""
    rows = conn.execute(
        select(alerts).where(alerts.c.name.in_(("review.escalated", "use_case.suspended")), alerts.c.status == "firing")
    ).all()
    reviews = [r.labels.get("review") for r in rows if r.name == "review.escalated"]
    pending = set(
        conn.execute(
            select(review_items.c.id).where(review_items.c.id.in_(reviews), review_items.c.status == "pending")
        ).scalars()
    )
    suspended = [r.labels.get("suspension") for r in rows if r.name == "use_case.suspended"]
    in_force = set(
        conn.execute(
            select(suspensions.c.id).where(suspensions.c.id.in_(suspended), suspensions.c.resumed_at.is_(None))
        ).scalars()
    )
    out = []
    for r in rows:
        cause = r.labels.get("review") if r.name == "review.escalated" else r.labels.get("suspension")
        if cause not in pending and cause not in in_force:
            alert = Alert(r.tenant_id, r.name, r.severity, r.summary, r.use_case, dict(r.labels), r.value)
            out.append(Decision(alert, firing=False))
    return out


def _decisions(rt: Runtime, now: dt.datetime) -> list[Decision]:
    platform_rules = alerts_of(rt).config.rules
    with rt.engine.connect() as conn:
        scopes = _scopes(conn)
        work: list[tuple[Scope, AlertRule, str]] = []
        for scope in scopes:
            assert scope.charter is not None
            work += [(scope, rule, "charter") for rule in scope.charter.alerts]
            work += [(scope, rule, "platform") for rule in platform_rules if rule.scope == "use_case"]
        platform_id = conn.execute(select(tenants.c.id).where(tenants.c.name == PLATFORM_TENANT)).scalar()
        if platform_id is not None:
            work += [(Scope(platform_id), rule, "platform") for rule in platform_rules if rule.scope == "platform"]
        out = []
        for scope, rule, origin in work:
            try:
                out.append(decide(conn, scope, rule, origin, now))
            except Exception:  # one rule that cannot be measured must not stop the others
                log.exception("alert rule %s of %s could not be evaluated", rule.alert_name, scope.use_case)
        return out + _stale_budget_alerts(conn, scopes, now) + _settled_alerts(conn)


def _apply(conn: Connection, decisions: list[Decision], routing: Routing, now: dt.datetime) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    for d in decisions:
        if d.firing:
            outcome = fire_in(conn, d.alert, routing, now, for_s=d.for_s)
        else:
            outcome = resolve_in(conn, d.alert, routing, now)
        outcomes[outcome] += 1
    return outcomes


async def evaluate(rt: Runtime, now: dt.datetime | None = None) -> dict[str, Any]:
    """Evaluate every rule once (the ``alerts.evaluate`` job); returns counts of what happened."""
    at = now or utcnow()
    routing = Routing.of(rt)
    decisions = await asyncio.to_thread(_decisions, rt, at)
    outcomes = await rt.writer.awrite(lambda conn: _apply(conn, decisions, routing, at))
    if outcomes["fired"] or outcomes["repeated"] or outcomes["resolved"]:
        alerts_of(rt).wake()
    return {"rules": len(decisions), **{k: v for k, v in sorted(outcomes.items()) if k != "none"}}
