"""``charter usecases apply|list|show``."""

from __future__ import annotations

from pathlib import Path

import typer

from charter.cli.common import cli_actor, emit, emit_listing, open_runtime, read_once
from charter.cli.options import JsonFlag, TenantOption
from charter.guards.catalog import guard_set
from charter.policy import service as policy
from charter.policy.inventory import inventory_csv, inventory_rows, system_card

app = typer.Typer(help="Use cases and their charters (versioned policies).", no_args_is_help=True)


@app.command()
def apply(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True), json_output: JsonFlag = False
) -> None:
    """Validate a charter YAML file and store it as the use case's next version."""
    source = file.read_text(encoding="utf-8")
    with open_runtime(json_output) as rt:
        result = rt.writer.write(
            lambda c: policy.apply_charter(c, source, actor=cli_actor(), filename=file.name, egress=rt.egress,
                                           check=guard_set(rt).check_charter)
        )
    human = f"use case {result['use_case']} (tenant {result['tenant']}): version {result['version']}" + (
        "" if result["changed"] else " (unchanged)"
    )
    emit(result, json_output, human=human)


@app.command("list")
def list_(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """List the tenant's use cases."""
    emit_listing(
        tenant, json_output, policy.list_use_cases, f"use cases of {tenant}",
        {"name": "name", "version": "version", "risk tier": "risk_tier", "models": lambda r: ", ".join(r["models"]),
         "kill switch": "kill_switch"},
    )


@app.command()
def show(
    name: str,
    tenant: TenantOption = "demo",
    versions: bool = typer.Option(False, help="List all versions."),
    json_output: JsonFlag = False,
) -> None:
    """Show a use case's current charter (or its version history)."""
    data = read_once(
        tenant,
        json_output,
        lambda conn, t: policy.charter_history(conn, t, name) if versions else policy.get_use_case(conn, t, name),
    )
    emit(data, json_output)


@app.command()
def inventory(
    tenant: TenantOption = "demo",
    format: str = typer.Option("json", "--format", help="json | csv"),
    json_output: JsonFlag = False,
) -> None:
    """Export the OMB AI use-case inventory of a tenant (MD-4)."""
    rows = read_once(tenant, json_output, inventory_rows)
    if format == "csv" and not json_output:
        typer.echo(inventory_csv(rows), nl=False)
        return
    emit(rows, True)


@app.command()
def card(name: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Print a use case's system card (Markdown): purpose, models, limits, oversight, records (AT-5)."""
    text = read_once(tenant, json_output, lambda conn, t: system_card(conn, t, name))
    if json_output:
        emit({"use_case": name, "markdown": text}, True)
    else:
        typer.echo(text)
