"""Charter's own connector kinds, registered through the same hook as outside plugins."""

from __future__ import annotations

from charter.connectors.http import HttpConnector
from charter.connectors.knowledge import KnowledgeConnector
from charter.connectors.sql import SqlConnector
from charter.hookspecs import Register, hookimpl

__all__ = ["register_connectors"]


@hookimpl
def register_connectors(register: Register) -> None:
    register("http", HttpConnector)
    register("sql", SqlConnector)
    register("knowledge", KnowledgeConnector)
