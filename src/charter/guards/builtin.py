"""Charter's own guards, registered through the same hook as outside plugins.

``pii`` and ``pii_leak`` (this package); ``injection``, ``toxicity`` and ``prompt_leak`` when their
modules are present (each module offers ``make_guard(settings)``). Factories import lazily: a
guard's model loads the first time a charter turns it on.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from charter.hookspecs import Register, hookimpl

__all__ = ["BUILTIN_GUARDS", "register_guards"]

#: guard name -> module with ``make_guard(settings)``
BUILTIN_GUARDS: dict[str, str] = {
    "pii": "charter.guards.pii.guard",
    "pii_leak": "charter.guards.pii_leak",
    "injection": "charter.guards.injection",
    "toxicity": "charter.guards.toxicity",
    "prompt_leak": "charter.guards.leakage",
}


def _factory(module_name: str) -> Callable[[Any], Any]:
    def make(settings: Any = None) -> Any:
        return importlib.import_module(module_name).make_guard(settings)

    return make


def _present(module_name: str) -> bool:
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:
        return False


@hookimpl
def register_guards(register: Register) -> None:
    for name, module_name in BUILTIN_GUARDS.items():
        if _present(module_name):
            register(name, _factory(module_name))
