"""The options most commands take, as parameter types, so a command states only its own.

``tenant: TenantOption = "demo"``, ``actor: ActorOption = None``, ``json_output: JsonFlag = False``
(Typer reads the default from ``=``). A group whose option says more keeps its own alias beside its
commands (``charter prompts``' actor, ``charter review``'s key).
"""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["ActorOption", "JsonFlag", "TenantOption"]

#: ``--tenant NAME``: the tenant a command works in.
TenantOption = Annotated[str, typer.Option("--tenant", help="Tenant name.")]
#: ``--actor NAME``: who the record names (:func:`charter.cli.common.cli_actor` fills in the default).
ActorOption = Annotated[str | None, typer.Option("--actor", help="Who acts (default: cli:$USER).")]
#: ``--json``: print JSON for scripts instead of tables for people.
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]
