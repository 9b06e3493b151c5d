"""Connectors: tools Charter executes itself (HTTP, read-only SQL, knowledge-base search, Python
callables from plugins), declared by the operator in ``CHARTER_CONNECTORS_FILE`` and registered by
kind through the ``register_connectors`` hook. The workflow engine (:mod:`charter.workflows`) calls
them. See docs/workflows.md, Connectors."""

from __future__ import annotations

from charter.connectors.base import (
    CONNECTOR_NAME,
    CallContext,
    Connector,
    ConnectorFactory,
    ConnectorFailed,
    ConnectorSpec,
)
from charter.connectors.callables import callable_connector
from charter.connectors.registry import ConnectorRegistry, connectors_of, parse_connectors

__all__ = [
    "CONNECTOR_NAME",
    "CallContext",
    "Connector",
    "ConnectorFactory",
    "ConnectorFailed",
    "ConnectorRegistry",
    "ConnectorSpec",
    "callable_connector",
    "connectors_of",
    "parse_connectors",
]
