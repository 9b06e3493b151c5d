"""Charter's own guards, registered through the same hook as outside plugins.

Each module offers ``make_guard(settings)``; a guard's model loads the first time a charter turns
it on, not when the module is imported.
"""

from __future__ import annotations

from charter.guards import injection, leakage, pii_leak, toxicity
from charter.guards.pii import guard as pii
from charter.hookspecs import Register, hookimpl

__all__ = ["register_guards"]


@hookimpl
def register_guards(register: Register) -> None:
    register("pii", pii.make_guard)
    register("pii_leak", pii_leak.make_guard)
    register("injection", injection.make_guard)
    register("toxicity", toxicity.make_guard)
    register("prompt_leak", leakage.make_guard)
