"""Python callables from plugins as connectors.

A plugin registers a kind made from a function::

    from charter.connectors import callable_connector
    from charter.hookspecs import hookimpl

    async def send_letter(arguments, context):      # or a plain function (run in a thread)
        ...
        return {"sent": True}

    @hookimpl
    def register_connectors(register):
        register("letters", callable_connector(send_letter, consequential=True, idempotent=False,
                                               parameters={"type": "object", ...}))

and the operator enables it for tenants in the connectors file (``mail: {kind: letters, tenants:
[agency]}``). The function gets the arguments (already valid against ``parameters``) and a
:class:`~charter.connectors.base.CallContext`; the entry's own options, if the function takes them,
as ``options=``. An exception fails the step closed (``ConnectorFailed``, its type named).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from charter.connectors.base import CallContext, Connector, ConnectorFailed, ConnectorSpec, connector_invalid
from charter.errors import CharterError

__all__ = ["CallableConnector", "callable_connector"]


class CallableConnector:
    def __init__(self, spec: ConnectorSpec, fn: Callable[..., Any], *, consequential: bool, idempotent: bool,
                 parameters: dict[str, Any], description: str, timeout_s: float) -> None:
        self.name = spec.name
        self.fn = fn
        self.description = spec.description or description
        self.parameters = parameters
        # the operator may raise a plugin's consequential flag, never lower it
        self.consequential = consequential or bool(spec.consequential)
        self.idempotent = idempotent
        self.options = dict(spec.options)
        self.timeout_s = float(self.options.pop("timeout_s", timeout_s))
        self._takes_options = "options" in inspect.signature(fn).parameters
        if self.options and not self._takes_options:
            raise connector_invalid(spec.name, f"kind {spec.kind!r} takes no options (got {', '.join(self.options)})")

    async def call(self, arguments: dict[str, Any], context: CallContext) -> Any:
        kwargs = {"options": self.options} if self._takes_options else {}
        try:
            if inspect.iscoroutinefunction(self.fn):
                result = await asyncio.wait_for(self.fn(arguments, context, **kwargs), self.timeout_s)
            else:
                result = await asyncio.wait_for(asyncio.to_thread(self.fn, arguments, context, **kwargs),
                                                self.timeout_s)
        except TimeoutError:
            raise ConnectorFailed(f"connector {self.name!r} timed out after {self.timeout_s:g} s") from None
        except CharterError:
            raise
        except Exception as exc:
            raise ConnectorFailed(f"connector {self.name!r} failed ({type(exc).__name__}: {exc})") from None
        return result


def callable_connector(
    fn: Callable[..., Any],
    *,
    consequential: bool,
    idempotent: bool,
    parameters: dict[str, Any] | None = None,
    description: str = "",
    timeout_s: float = 30.0,
) -> Callable[[ConnectorSpec, Any], Connector]:
    """A connector factory for ``register(kind, ...)`` that runs ``fn(arguments, context)``."""
    schema = parameters or {"type": "object", "properties": {}, "additionalProperties": True}

    def factory(spec: ConnectorSpec, rt: Any) -> Connector:
        return CallableConnector(spec, fn, consequential=consequential, idempotent=idempotent,
                                 parameters=schema, description=description or (fn.__doc__ or "").strip(),
                                 timeout_s=timeout_s)

    return factory
