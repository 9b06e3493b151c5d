"""The options many commands take, as parameter types, so a command states only its own.

``tenant: TenantOption = "demo"``, ``actor: ActorOption = None``, ``json_output: JsonFlag = False``
(Typer reads the default from ``=``). An option goes here once several commands take it with the same
help; a group whose option says more keeps its own alias beside its commands (``charter prompts``'
actor, ``charter review``'s key).
"""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["ActorOption", "JsonFlag", "RayWorkersOption", "ReasonOption", "RetiredApiKeyEnv", "TenantOption"]

#: ``--tenant NAME``: the tenant a command works in.
TenantOption = Annotated[str, typer.Option("--tenant", help="Tenant name.")]
#: ``--actor NAME``: who the record names (:func:`charter.cli.common.cli_actor` fills in the default).
ActorOption = Annotated[str | None, typer.Option("--actor", help="Who acts (default: cli:$USER).")]
#: ``--json``: print JSON for scripts instead of tables for people.
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]
#: ``--reason TEXT``: why, kept in the ledger entry the command writes.
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (recorded in the ledger).")]
#: ``--ray-workers N``: how many Ray workers a ``--ray`` command fans out over.
RayWorkersOption = Annotated[
    int | None, typer.Option("--ray-workers", min=1, help="Ray workers (default: CHARTER_RAY_WORKERS or one per CPU).")
]
#: ``--api-key-env``, hidden: refused with :func:`charter.secretstore.secret_name_refusal` (``--secret`` replaced it).
RetiredApiKeyEnv = Annotated[str | None, typer.Option("--api-key-env", hidden=True, help="Replaced by --secret.")]
