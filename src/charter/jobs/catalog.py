"""The built-in jobs: each capability's periodic work, as :class:`~charter.jobs.base.Job` entries.

Neighbouring capabilities add one line each to :func:`builtin_jobs`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from charter.interactions.retention import expire_content
from charter.jobs.base import Job
from charter.jobs.suites import run_scheduled_suites
from charter.knowledge.lifecycle import apply_retention
from charter.monitor.alerts.evaluate import evaluate as evaluate_alerts
from charter.monitor.drift import check_all
from charter.oversight.sla import SWEEP_INTERVAL_S, sweep
from charter.runtime import Runtime
from charter.settings import Settings
from charter.training.canary import evaluate_canaries
from charter.training.jobs import run_next_training

__all__ = ["builtin_jobs"]


async def _oversight_sweep(rt: Runtime) -> dict[str, Any]:
    done = await sweep(rt)
    return {
        "escalated": [item["id"] for item in done["escalated"]],
        "suspended": [item.get("use_case") for item in done["suspended"]],
    }


async def _content_retention(rt: Runtime) -> dict[str, Any]:
    report = await asyncio.to_thread(expire_content, rt)
    return {"totals": report.to_json()["totals"], "held": report.held}


async def _kb_retention(rt: Runtime) -> dict[str, Any]:
    events = await asyncio.to_thread(apply_retention, rt, actor="scheduler")
    return {"knowledge_bases_changed": len(events), "events": events}


def builtin_jobs(settings: Settings) -> list[Job]:
    """The jobs every replica's scheduler knows (one lease each; at most one run per interval overall)."""
    jobs = [
        Job("oversight.sweep", SWEEP_INTERVAL_S, _oversight_sweep, "review SLA escalation and auto-suspend"),
        Job("kb.retention", 3600.0, _kb_retention, "knowledge-base retention"),
        Job("interactions.retention", 3600.0, _content_retention, "content past the charter's retention_days"),
        Job("eval.scheduled", 60.0, run_scheduled_suites, "suite runs due by eval.schedule, then drift"),
        Job("drift.check", settings.drift_check_interval_s, check_all, "production drift and bias per use case"),
        Job("alerts.evaluate", settings.alert_evaluate_interval_s, evaluate_alerts, "alert rules: fire and resolve"),
        Job("training.run", settings.training_poll_interval_s, run_next_training,
            "a queued fine-tuning job, or one whose process died (resumed from its checkpoint)"),
        Job("models.canary", settings.canary_evaluate_interval_s, evaluate_canaries,
            "canaries' live signals against the serving version; withdraw on a regression"),
    ]
    return jobs
