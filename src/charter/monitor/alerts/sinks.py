"""What an alert sink is, and how its notices look. Built-in sinks: :mod:`.webhook`, :mod:`.email`,
:mod:`.syslog`; outside plugins register more through ``register_alert_sinks``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from charter.monitor.alerts.config import config_invalid

__all__ = ["AlertSink", "SinkOptions", "parse_options"]


class AlertSink(Protocol):
    """Delivers one notice; raises when it could not (the outbox retries it with backoff)."""

    async def send(self, notice: Mapping[str, Any]) -> None: ...

    async def aclose(self) -> None: ...


class SinkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


T = TypeVar("T", bound=SinkOptions)


def parse_options(model: type[T], kind: str, options: Mapping[str, Any]) -> T:
    """A sink's options, checked (an unknown or bad option stops the start)."""
    try:
        return model.model_validate(dict(options))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise config_invalid(f"{kind} alert sink: {problems}") from None
