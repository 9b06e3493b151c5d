"""The connectors of this deployment: the operator's connectors file, read when a connector is first
used, each entry built by its kind's registered factory (``register_connectors``)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from charter.connectors.base import Connector, ConnectorSpec, connector_invalid
from charter.errors import InvalidRequest
from charter.runtime import Runtime

__all__ = ["ConnectorRegistry", "connectors_of", "parse_connectors"]

_COMMON = ("kind", "tenants", "consequential", "description")


def parse_connectors(text: str, source: str = "connectors file") -> dict[str, ConnectorSpec]:
    """The entries of a connectors file (``connectors: {name: {kind, tenants, ...options}}``)."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InvalidRequest(f"{source} does not parse: {exc}", code="workflow_invalid") from None
    if not isinstance(data, dict) or set(data) - {"connectors"}:
        raise InvalidRequest(f"{source}: the only top-level key is `connectors`", code="workflow_invalid")
    entries = data.get("connectors") or {}
    if not isinstance(entries, dict):
        raise InvalidRequest(f"{source}: `connectors` maps names to entries", code="workflow_invalid")
    specs: dict[str, ConnectorSpec] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or "kind" not in entry:
            raise connector_invalid(str(name), "each entry is a mapping with a `kind`")
        common = {k: entry[k] for k in _COMMON if k in entry}
        options = {k: v for k, v in entry.items() if k not in _COMMON}
        try:
            specs[str(name)] = ConnectorSpec(name=str(name), options=options, **common)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise connector_invalid(str(name), problems) from None
    return specs


class ConnectorRegistry:
    """Connector specs from the file, connectors built on first use (one per name, per process)."""

    def __init__(self, rt: Runtime, specs: dict[str, ConnectorSpec] | None = None) -> None:
        self.rt = rt
        self._specs = specs
        self._built: dict[str, Connector] = {}
        self._lock = threading.Lock()

    def _load(self) -> dict[str, ConnectorSpec]:
        if self._specs is None:
            path: Path | None = self.rt.settings.connectors_file
            if path is None:
                self._specs = {}
            else:
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError as exc:
                    raise InvalidRequest(f"connectors file {path} cannot be read: {exc}",
                                         code="workflow_invalid") from None
                self._specs = parse_connectors(text, f"connectors file {path}")
        return self._specs

    def add(self, spec: ConnectorSpec) -> None:
        """Declare one more connector (tests and embedding applications; the file's are read first)."""
        with self._lock:
            self._load()[spec.name] = spec
            self._built.pop(spec.name, None)

    def names(self, tenant: str) -> list[str]:
        return sorted(n for n, s in self._load().items() if s.allows(tenant))

    def spec(self, name: str, tenant: str) -> ConnectorSpec:
        spec = self._load().get(name)
        if spec is None or not spec.allows(tenant):
            # one answer for "no such connector" and "not yours": a tenant cannot probe for names
            raise connector_invalid(name, f"no connector of this name is declared for tenant {tenant!r}")
        return spec

    def get(self, name: str, tenant: str) -> Connector:
        spec = self.spec(name, tenant)
        with self._lock:
            found = self._built.get(name)
            if found is None:
                try:
                    factory: Any = self.rt.extensions.get("connectors", spec.kind)
                except KeyError as exc:
                    raise connector_invalid(name, str(exc.args[0])) from None
                found = self._built[name] = factory(spec, self.rt)
        return found


def connectors_of(rt: Runtime) -> ConnectorRegistry:
    """The runtime's one registry."""
    return rt.part("connectors", ConnectorRegistry, lambda: ConnectorRegistry(rt))
