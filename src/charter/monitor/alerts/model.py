"""The alert value other capabilities fire and resolve (budget, drift, oversight, rules)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["SEVERITIES", "Alert", "Severity"]

Severity = Literal["info", "warning", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "critical")


@dataclass(frozen=True)
class Alert:
    tenant_id: str
    name: str  # "budget.share", "drift.input_length", "use_case.suspended", "review.escalated"
    severity: Severity
    summary: str
    use_case: str | None = None  # use case name
    labels: Mapping[str, str] = field(default_factory=dict)
    value: float | None = None
