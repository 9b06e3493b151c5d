"""Every extension point of Charter, one hook each. Built-ins register through the same hooks.

Each hook receives ``register(name, factory)``; the core checks names and collisions in one place
(:mod:`charter.plugins`) and refuses anything else passed to ``register`` (``plugin_invalid`` at
start-up) rather than ignore it.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

hookspec = pluggy.HookspecMarker("charter")
hookimpl = pluggy.HookimplMarker("charter")

Register = Callable[..., None]


@hookspec
def register_providers(register: Register) -> None:
    """Register provider kinds: ``register("openai", factory)``; factory(model_entry, settings, credential)
    -> Provider. ``credential`` (:class:`charter.secretstore.Credential` or None) is the operator secret
    the entry references, already checked for its tenant and endpoint host; an HTTP provider connects
    through :class:`charter.outbound.OutboundPolicy` (``OutboundPolicy.from_settings(settings)``)."""


@hookspec
def register_guards(register: Register) -> None:
    """Register guards: ``register("pii", factory)``; factory(settings) -> Guard."""


@hookspec
def register_embedders(register: Register) -> None:
    """Register embedders: ``register("minilm", factory)``; factory(settings) -> Embedder."""


@hookspec
def register_document_loaders(register: Register) -> None:
    """Register document loaders by file suffix: ``register(".pdf", loader)``."""


@hookspec
def register_evaluators(register: Register) -> None:
    """Register evaluators: ``register("bleu", factory)``; factory(**options) -> Evaluator."""


@hookspec
def register_alert_sinks(register: Register) -> None:
    """Register alert sinks: ``register("webhook", factory)``; factory(options, settings, egress) -> AlertSink.
    ``options`` are the sink's keys from the operator's alerts file; ``egress`` (:class:`charter.secretstore.Egress`)
    checks its destination and resolves its secrets (see :mod:`charter.monitor.alerts.builtin`)."""



@hookspec
def register_connectors(register: Register) -> None:
    """Register connector kinds: ``register("http", factory)``; factory(spec, rt) -> Connector, where
    ``spec`` (:class:`charter.connectors.ConnectorSpec`) is one entry of the operator's connectors file
    (see :mod:`charter.connectors`; a Python callable: :func:`charter.connectors.callable_connector`)."""

__all__ = ["Register", "hookimpl", "hookspec"]
