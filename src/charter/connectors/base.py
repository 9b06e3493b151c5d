"""What a connector is, what the operator's connectors file says, and the one way a call fails.

A connector is a tool Charter runs itself (the workflow engine calls it; a model step may offer it
to the model as a tool). The operator declares each one in ``CHARTER_CONNECTORS_FILE``::

    connectors:
      property_register:              # the name workflows use
        kind: http                    # a registered kind: http, sql, knowledge or a plugin's
        tenants: [agency]             # who may use it ("*": every tenant)
        consequential: false          # optional: a kind decides its default
        url: https://register.internal/parcels/{parcel_id}
        ...                           # the kind's own options, checked by the kind

Credentials are never in this file: an option names a secret of the secrets file
(:mod:`charter.secretstore`) and the kind resolves it for the tenant and the destination host.
Nothing a connector is given or returns carries a credential.

What plugins use is listed once, in the package's ``__all__`` (:mod:`charter.connectors`); the
built-in kinds also use :func:`connector_invalid` and :func:`connector_options`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from charter.domain import Principal
from charter.errors import InvalidRequest, UpstreamFailed

#: What a connector's name looks like (workflows name it; a model sees it as a tool name).
CONNECTOR_NAME = r"^[a-z][a-z0-9_]{0,63}$"


class ConnectorSpec(BaseModel):
    """One entry of the connectors file: the common keys; ``options`` are the kind's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=CONNECTOR_NAME)
    kind: str
    tenants: list[str] | str = Field(default="*")
    consequential: bool | None = None
    description: str = ""
    options: dict[str, Any] = Field(default_factory=dict)

    def allows(self, tenant: str) -> bool:
        return self.tenants == "*" or (isinstance(self.tenants, list) and tenant in self.tenants)


@dataclass(frozen=True, slots=True)
class CallContext:
    """Who a connector call is made for: the tenant (for secrets) and the run's principal (for the
    knowledge bases its use case is granted)."""

    principal: Principal
    run_id: str
    step: str
    extra: dict[str, Any] = field(default_factory=dict)


class Connector(Protocol):
    """A tool Charter executes. ``parameters`` is the JSON schema of its arguments (what a model is
    offered); ``consequential``: a person must approve before it runs; ``idempotent``: running it
    again after a crash does no harm (else the engine never runs it twice without a person)."""

    name: str
    description: str
    parameters: dict[str, Any]
    consequential: bool
    idempotent: bool

    async def call(self, arguments: dict[str, Any], context: CallContext) -> Any:
        """Run with ``arguments`` (valid against ``parameters``); return a JSON-able value, or raise
        :class:`ConnectorFailed` (fail closed: the step fails)."""


ConnectorFactory = Callable[[ConnectorSpec, Any], Connector]


class ConnectorFailed(UpstreamFailed):
    """A connector could not do its job (timeout, refused destination, too large, database error):
    the step fails closed (502 ``connector_failed``)."""

    default_code = "connector_failed"


def connector_invalid(name: str, why: str) -> InvalidRequest:
    return InvalidRequest(
        f"connector {name!r}: {why} (CHARTER_CONNECTORS_FILE; docs/workflows.md, Connectors)",
        code="workflow_invalid",
        param=f"connectors.{name}",
    )


Options = TypeVar("Options", bound=BaseModel)


def connector_options(spec: ConnectorSpec, model: type[Options]) -> Options:
    """The kind's own options of ``spec`` read as ``model``; each problem is named (``workflow_invalid``)."""
    try:
        return model.model_validate(spec.options)
    except ValidationError as exc:
        raise connector_invalid(spec.name, "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
