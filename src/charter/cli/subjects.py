"""``charter subjects``: an end user's access and erasure requests (DP-5)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from charter.cli.common import cli_actor, emit, run_once
from charter.cli.options import JsonFlag, ReasonOption, TenantOption
from charter.files import write_private
from charter.identity.requests import erase_subject, export_subject

__all__ = ["app"]

app = typer.Typer(help="End users' access (export) and erasure requests.", no_args_is_help=True)


@app.command()
def export(
    subject: str = typer.Argument(..., help="The identifier the application sends as `user`, or a sub_ id."),
    tenant: TenantOption = "demo",
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the bundle here (owner-only)."),
    reason: ReasonOption = "",
    json_output: JsonFlag = False,
) -> None:
    """Everything held about one end user: interactions, reviews, feedback and appeals."""
    bundle = run_once(
        tenant, json_output, lambda rt, t: export_subject(rt, t, subject, actor=cli_actor(), reason=reason)
    )
    if output is not None:
        write_private(output, json.dumps(bundle, indent=2, ensure_ascii=False))
        emit({"subject_id": bundle["subject_id"], "counts": bundle["counts"], "file": str(output)}, json_output,
             human=f"{bundle['subject_id']}: {bundle['counts']} written to {output}")
        return
    emit(bundle, json_output, human=json.dumps(bundle, indent=2, ensure_ascii=False))


@app.command()
def erase(
    subject: str = typer.Argument(..., help="The identifier the application sends as `user`, or a sub_ id."),
    reason: str = typer.Option(..., help="Why (recorded in the ledger)."),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Crypto-shred everything held about one end user (refused under legal hold)."""
    result = run_once(
        tenant, json_output, lambda rt, t: erase_subject(rt, t, subject, actor=cli_actor(), reason=reason)
    )
    emit(result, json_output, human=f"erased {result['subject_id']}: {result['counts']}")
