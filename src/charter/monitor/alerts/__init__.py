"""Alerts (ME-4): rules in charters and platform settings, evaluated by the ``alerts.evaluate`` job;
fired and resolved alerts are deduplicated, ledgered, silenced and delivered to sinks (webhook,
email, syslog) from a durable outbox. See docs/operations.md, Monitoring, Alerts.

The API other capabilities call::

    await fire(rt, Alert(tenant_id=..., name="budget.share", severity="warning", summary=...))
    await resolve(rt, Alert(...))   # a resolve notice when it was firing
"""

from __future__ import annotations

from charter.monitor.alerts.model import Alert
from charter.monitor.alerts.state import fire, resolve

__all__ = ["Alert", "fire", "resolve"]
