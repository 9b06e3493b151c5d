"""A runtime holding nothing but a guard set, for unit tests of the guard stages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from charter.guards.catalog import GuardSet
from charter.plugins import Extensions


def runtime_with(**guards: Any) -> Any:
    """Just what ``guard_set(rt)`` reads: ``rt.part("guards", ...)`` returns these guards."""
    extensions = Extensions()
    for name, guard in guards.items():
        extensions.items["guards"][name] = lambda settings, g=guard: g
    found = GuardSet(extensions)
    return SimpleNamespace(parts={"guards": found}, part=lambda name, kind, make: found)
