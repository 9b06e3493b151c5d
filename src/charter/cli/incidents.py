"""``charter incidents``: the incident register (AT-6) and auto-suspensions (HO-5)."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy import Connection

from charter import oversight
from charter.cli.common import cli_actor, emit, emit_listing, read_once, write_once
from charter.cli.options import JsonFlag, TenantOption
from charter.oversight.incidents import link_interactions
from charter.store.schema import utcnow

app = typer.Typer(help="Incident register and auto-suspensions.", no_args_is_help=True)


def _show(incident: dict[str, Any], json_output: bool) -> None:
    human = "\n".join(f"[bold]{k}[/bold]: {v}" for k, v in incident.items() if v not in ("", None, []))
    emit(incident, json_output, human=human)


@app.command("list")
def list_(
    tenant: TenantOption = "demo",
    status: str | None = typer.Option(None),
    use_case: str | None = typer.Option(None),
    json_output: JsonFlag = False,
) -> None:
    """Incidents, newest first."""
    emit_listing(
        tenant, json_output, lambda conn, t: oversight.list_incidents(conn, t, status=status, use_case=use_case),
        "incidents",
        {"id": "id", "severity": "severity", "kind": "kind", "status": "status", "use case": "use_case",
         "title": "title"},
    )


@app.command()
def show(incident_id: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """One incident with its linked interactions."""
    incident = read_once(tenant, json_output, lambda conn, t: oversight.get_incident(conn, t, incident_id))
    _show(incident, json_output)


@app.command("open")
def open_(
    title: str,
    tenant: TenantOption = "demo",
    severity: str = typer.Option("medium", help="low | medium | high | critical"),
    kind: str = typer.Option("incident", help="incident | near-miss"),
    near_miss_type: str | None = typer.Option(None, help="caught-by-guard | caught-by-reviewer | ..."),
    use_case: str | None = typer.Option(None),
    description: str = typer.Option(""),
    impact: str = typer.Option(""),
    interaction: list[str] = typer.Option([], "--interaction"),
    json_output: JsonFlag = False,
) -> None:
    """Open an incident (or record a near miss)."""
    report = oversight.IncidentReport(
        title=title,
        severity=severity,
        kind=kind,
        near_miss_type=near_miss_type,
        use_case=use_case,
        description=description,
        impact=impact,
        interaction_ids=interaction,
    )
    incident = write_once(
        tenant, json_output, lambda c, t: oversight.open_incident(c, t, report, actor=cli_actor(), now=utcnow())
    )
    _show(incident, json_output)


@app.command()
def update(
    incident_id: str,
    tenant: TenantOption = "demo",
    status: str | None = typer.Option(None),
    severity: str | None = typer.Option(None),
    actions_taken: str | None = typer.Option(None),
    root_cause: str | None = typer.Option(None),
    disclosed_to: str | None = typer.Option(None),
    impact: str | None = typer.Option(None),
    interaction: list[str] = typer.Option([], "--interaction"),
    json_output: JsonFlag = False,
) -> None:
    """Change fields or link more interactions (every change is recorded with before and after)."""
    changes = {
        k: v
        for k, v in {
            "status": status,
            "severity": severity,
            "actions_taken": actions_taken,
            "root_cause": root_cause,
            "disclosed_to": disclosed_to,
            "impact": impact,
        }.items()
        if v is not None
    }

    def change(conn: Connection, tenant_id: str) -> dict[str, Any]:
        link_interactions(conn, tenant_id, incident_id, interaction, actor=cli_actor())
        if not changes:
            return oversight.get_incident(conn, tenant_id, incident_id)
        return oversight.update_incident(conn, tenant_id, incident_id, changes, actor=cli_actor(), now=utcnow())

    incident = write_once(tenant, json_output, change)
    _show(incident, json_output)


@app.command()
def close(
    incident_id: str,
    after_action: str = typer.Option(..., help="The after-action review."),
    root_cause: str | None = typer.Option(None),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Close an incident with its after-action review (what happened, why, what changes); an incident
    that is already closed is refused."""
    incident = write_once(
        tenant,
        json_output,
        lambda c, t: oversight.close_incident(
            c, t, incident_id, after_action=after_action, root_cause=root_cause, actor=cli_actor(), now=utcnow()
        ),
    )
    _show(incident, json_output)


@app.command()
def suspensions(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Use cases switched off by their deactivation criteria."""
    emit_listing(
        tenant, json_output, oversight.list_suspensions, "suspensions",
        {"use case": "use_case", "criterion": "criterion", "value": lambda r: round(r["value"], 3),
         "limit": "threshold", "at": "suspended_at", "resumed": "resumed_at"},
    )


@app.command()
def resume(
    use_case: str,
    reason: str = typer.Option(..., help="Why it may run again."),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Switch a suspended use case back on (a recorded admin action)."""
    result = write_once(
        tenant,
        json_output,
        lambda c, t: oversight.resume(c, t, use_case, actor=cli_actor(), reason=reason, now=utcnow()),
    )
    emit(result, json_output, human=f"{use_case} is switched on again")
