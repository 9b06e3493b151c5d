"""The operator's alert configuration (``CHARTER_ALERTS_FILE``, YAML): which sinks get notices, for
which severities, and the platform-wide rules that apply to every use case or to the platform::

    sinks:
      - name: ops-webhook
        type: webhook                 # a registered sink kind: webhook | email | syslog | a plugin's
        severities: [warning, critical]
        url: https://hooks.agency.example/charter
        secret: alerts-hmac           # a secret in the secrets file: the HMAC-SHA256 key
    rules:
      - metric: error_rate
        above: 0.2
        window: 15m
        severity: critical
      - metric: requests
        scope: platform               # evaluated once over every tenant's traffic
        below: 1
        window: 1h

Every sink's own options (``url``, ``host``, ...) are checked by its factory; an unknown option or a
malformed file stops the start (``503 alerts_config_invalid``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from charter.domain.charter import AlertRule
from charter.errors import Unavailable

__all__ = ["AlertsConfig", "PlatformRule", "SinkConfig", "config_invalid", "load_alerts_config"]

Severity = Literal["info", "warning", "critical"]
_ALL: tuple[Severity, ...] = ("info", "warning", "critical")


def config_invalid(message: str) -> Unavailable:
    return Unavailable(message, code="alerts_config_invalid")


class SinkConfig(BaseModel):
    """One sink: its name, its kind, the severities routed to it; other keys are the kind's options."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")
    type: str
    severities: list[Severity] = Field(default_factory=lambda: list(_ALL), min_length=1)

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class PlatformRule(AlertRule):
    """A rule from the operator's file: per use case (every use case of every tenant) or platform-wide."""

    scope: Literal["use_case", "platform"] = "use_case"


class AlertsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sinks: list[SinkConfig] = Field(default_factory=list)
    rules: list[PlatformRule] = Field(default_factory=list)

    @field_validator("sinks")
    @classmethod
    def _unique(cls, sinks: list[SinkConfig]) -> list[SinkConfig]:
        names = [s.name for s in sinks]
        if len(set(names)) != len(names):
            raise ValueError("two sinks have the same name")
        return sinks

    def routed(self, severity: str) -> list[str]:
        """The names of the sinks that take notices of ``severity``."""
        return [s.name for s in self.sinks if severity in s.severities]


def load_alerts_config(path: Path | None) -> AlertsConfig:
    """Read the operator's file (none: no sinks, no platform rules)."""
    if path is None:
        return AlertsConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return AlertsConfig.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise config_invalid(f"alerts file {path} cannot be read ({exc})") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise config_invalid(f"alerts file {path}: {problems}") from None
