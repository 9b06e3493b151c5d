"""The alert part of one process: the operator's configuration, the built sinks and the delivery
wake-up. Created by :func:`alerts_of` on first use (a bad alerts file or sink stops the start when
the API app starts: ``503 alerts_config_invalid``)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from charter.monitor.alerts.config import AlertsConfig, config_invalid, load_alerts_config
from charter.monitor.alerts.sinks import AlertSink

if TYPE_CHECKING:
    from charter.runtime import Runtime

__all__ = ["AlertService", "alerts_of"]

log = logging.getLogger(__name__)
_PART = "alerts"


class AlertService:
    def __init__(self, rt: Runtime) -> None:
        self.config: AlertsConfig = load_alerts_config(rt.settings.alerts_file)
        self.sinks: dict[str, AlertSink] = {}
        for sink in self.config.sinks:
            try:
                factory = rt.extensions.get("alert_sinks", sink.type)
            except KeyError as exc:
                raise config_invalid(f"alerts file: sink {sink.name!r}: {exc.args[0]}") from None
            self.sinks[sink.name] = factory(sink.options, rt.settings, rt.egress)
        self.repeat_s = rt.settings.alert_repeat_interval_s
        #: Set when a notice is queued, so the delivery loop (on ``loop``) sends it at once.
        self.wakeup = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    def routed(self, severity: str) -> list[str]:
        return self.config.routed(severity)

    def wake(self) -> None:
        """Wake the delivery loop, from any thread (a CLI or a job may fire outside the app's loop)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self.wakeup.set()
        else:
            loop.call_soon_threadsafe(self.wakeup.set)

    async def aclose(self) -> None:
        for name, sink in self.sinks.items():
            try:
                await sink.aclose()
            except Exception:  # closing at shutdown: nothing left to deliver through it
                log.warning("alert sink %s did not close cleanly", name, exc_info=True)


def alerts_of(rt: Runtime) -> AlertService:
    return rt.part(_PART, AlertService, lambda: AlertService(rt))
