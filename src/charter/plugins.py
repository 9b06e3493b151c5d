"""The plugin manager: loads built-in and allowed outside plugins and collects their registrations."""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from charter import hookspecs
from charter.errors import Unavailable

__all__ = ["BUILTIN_PLUGINS", "Extensions", "load_extensions"]

#: Modules of Charter's own features that register through the public hooks.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "charter.providers.builtin",
    "charter.guards.builtin",
    "charter.evals.builtin",
    "charter.knowledge.builtin",
    "charter.monitor.alerts.builtin",
    "charter.connectors.builtin",
)

_KINDS = ("providers", "guards", "embedders", "document_loaders", "evaluators", "alert_sinks", "connectors")


@dataclass
class Extensions:
    """Everything the loaded plugins registered, by kind and name."""

    items: dict[str, dict[str, Any]] = field(default_factory=lambda: {k: {} for k in _KINDS})
    sources: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, kind: str, name: str) -> Any:
        try:
            return self.items[kind][name]
        except KeyError:
            known = ", ".join(sorted(self.items[kind])) or "none"
            raise KeyError(f"no {kind[:-1]} named {name!r} is registered (known: {known})") from None

    def names(self, kind: str) -> list[str]:
        return sorted(self.items[kind])


def _invalid(message: str) -> Unavailable:
    return Unavailable(message, code="plugin_invalid")


def _registrar(extensions: Extensions, kind: str, plugin_name: str) -> Callable[..., None]:
    def register(name: str, factory: Any, **options: Any) -> None:
        if options:  # nothing reads them: refused rather than dropped
            raise _invalid(
                f"plugin {plugin_name} registers {kind[:-1]} {name!r} with option(s) "
                f"{', '.join(sorted(options))}; register(name, factory) takes none"
            )
        if name in extensions.items[kind]:
            owner = extensions.sources[(kind, name)]
            raise _invalid(f"{kind[:-1]} {name!r} from {plugin_name} collides with the one from {owner}")
        extensions.items[kind][name] = factory
        extensions.sources[(kind, name)] = plugin_name

    return register


def _load_outside(pm: pluggy.PluginManager, allowed: set[str] | None) -> None:
    """Import and register the outside plugins (entry-point group ``charter``) the allow-list names,
    every one when there is none. A plugin not allowed is never imported: its import-time code does
    not run. An allowed name that no installed package provides stops the start (a typo must not
    leave a guard or provider silently missing)."""
    found: set[str] = set()
    for entry in importlib.metadata.entry_points(group="charter"):
        if allowed is not None and entry.name not in allowed:
            continue
        if entry.name in found or entry.name in BUILTIN_PLUGINS:
            raise _invalid(f"two installed packages provide the charter plugin {entry.name!r}; uninstall one")
        found.add(entry.name)
        try:
            plugin = entry.load()
        except Exception as exc:
            raise _invalid(f"the charter plugin {entry.name!r} ({entry.value}) could not be imported: {exc}") from exc
        pm.register(plugin, name=entry.name)
    missing = sorted((allowed or set()) - found)
    if missing:
        raise _invalid(
            f"CHARTER_PLUGINS allows {', '.join(map(repr, missing))}, but no installed package provides it "
            "(an entry point in group `charter`); install it or remove the name"
        )


def load_extensions(allow: Iterable[str] | None = None, extra: Iterable[object] = ()) -> Extensions:
    """Load built-ins, outside plugins (entry-point group ``charter``; only those in ``allow`` when it
    is given; see :func:`_load_outside`) and ``extra`` plugin objects (tests), and collect what they
    register. Any problem is ``plugin_invalid`` and stops the start."""
    pm = pluggy.PluginManager("charter")
    pm.add_hookspecs(hookspecs)
    for module_name in BUILTIN_PLUGINS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue  # a capability not built yet
        pm.register(module, name=module_name)
    _load_outside(pm, None if allow is None else set(allow))
    for plugin in extra:
        pm.register(plugin)
    extensions = Extensions()
    for kind in _KINDS:
        hook = getattr(pm.hook, f"register_{kind}")
        for impl in hook.get_hookimpls():
            impl.function(register=_registrar(extensions, kind, impl.plugin_name))
    return extensions
