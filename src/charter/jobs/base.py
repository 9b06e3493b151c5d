"""The job type the scheduler runs (see :mod:`charter.jobs.catalog` for the built-in ones)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from charter.runtime import Runtime

__all__ = ["Job"]


@dataclass(frozen=True)
class Job:
    name: str  # "drift.check", "alerts.evaluate", "oversight.sweep", ...
    interval_s: float  # how often; the scheduler runs it at most once per interval across replicas
    run: Callable[[Runtime], Awaitable[dict[str, Any]]]  # returns a JSON-able outcome summary, stored with the run
    description: str = ""
