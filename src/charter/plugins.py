"""The plugin manager: loads built-in and allowed outside plugins and collects their registrations."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from charter import hookspecs

__all__ = ["BUILTIN_PLUGINS", "Registry", "load_registry"]

#: Modules of Charter's own features that register through the public hooks.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "charter.providers.builtin",
    "charter.guards.builtin",
    "charter.evals.builtin",
    "charter.knowledge.builtin",
)

_KINDS = ("providers", "guards", "embedders", "document_loaders", "evaluators", "alert_sinks")


@dataclass
class Registry:
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


def _registrar(registry: Registry, kind: str, plugin_name: str) -> Callable[..., None]:
    def register(name: str, factory: Any, **_options: Any) -> None:
        if name in registry.items[kind]:
            owner = registry.sources[(kind, name)]
            raise ValueError(f"{kind[:-1]} {name!r} from {plugin_name} collides with the one from {owner}")
        registry.items[kind][name] = factory
        registry.sources[(kind, name)] = plugin_name

    return register


def load_registry(allow: Iterable[str] | None = None, extra: Iterable[object] = ()) -> Registry:
    """Load built-ins, outside plugins (entry-point group ``charter``; only those in ``allow`` when it
    is given) and ``extra`` plugin objects (tests), and collect what they register."""
    import importlib

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
    allowed = None if allow is None else set(allow)
    if allowed is None or allowed:
        pm.load_setuptools_entrypoints("charter")
        if allowed is not None:
            for name, plugin in list(pm.list_name_plugin()):
                if name not in BUILTIN_PLUGINS and name not in allowed and plugin is not None:
                    pm.unregister(plugin)
    for plugin in extra:
        pm.register(plugin)
    registry = Registry()
    for kind in _KINDS:
        hook = getattr(pm.hook, f"register_{kind}")
        for impl in hook.get_hookimpls():
            impl.function(register=_registrar(registry, kind, impl.plugin_name))
    return registry
