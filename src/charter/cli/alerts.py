"""``charter alerts list|silence|silences|unsilence|evaluate|deliver|sinks``."""

from __future__ import annotations

import asyncio

import typer

from charter.cli.common import cli_actor, emit, emit_listing, emit_rows, open_runtime, write_once
from charter.cli.options import JsonFlag, TenantOption
from charter.monitor.alerts.delivery import deliver_due, sink_health
from charter.monitor.alerts.evaluate import evaluate as evaluate_rules
from charter.monitor.alerts.silences import create_silence, expire_silence, list_silences, parse_matchers
from charter.monitor.alerts.state import list_alerts
from charter.policy import service as policy
from charter.store.schema import utcnow

app = typer.Typer(help="Alerts: list them, silence them, evaluate the rules now.", no_args_is_help=True)


@app.command("list")
def list_(
    tenant: TenantOption = "demo",
    status: str | None = typer.Option(None, help="pending | firing | resolved | open"),
    every_tenant: bool = typer.Option(False, "--all-tenants", help="Every tenant's alerts."),
    json_output: JsonFlag = False,
) -> None:
    """Alerts, newest first."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        tenant_id = None if every_tenant else policy.tenant_id_for(conn, tenant)
        rows = list_alerts(conn, tenant_id, status=status)
    emit_rows(
        rows, json_output, "alerts",
        {"id": "id", "status": "status", "severity": "severity", "name": "name", "use case": "use_case",
         "summary": "summary"},
    )


@app.command()
def silence(
    matcher: list[str] = typer.Option(..., "--matcher", help="key=pattern: name, use_case, severity or a label."),
    for_: str = typer.Option(..., "--for", help="How long: 30m, 2h, 7d."),
    reason: str = typer.Option(..., help="Why (kept in the ledger)."),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Silence matching alerts: still recorded and ledgered, not delivered."""
    matchers = parse_matchers(matcher)
    row = write_once(
        tenant,
        json_output,
        lambda c, t: create_silence(
            c, t, matchers=matchers, duration=for_, reason=reason, actor=cli_actor(), now=utcnow()
        ),
    )
    emit(row, json_output, human=f"silence {row['id']} until {row['ends_at']}")


@app.command()
def silences(
    tenant: TenantOption = "demo", ended: bool = typer.Option(False, "--ended"), json_output: JsonFlag = False
) -> None:
    """Silences in force (with --ended: those that ended too)."""
    emit_listing(
        tenant, json_output, lambda conn, t: list_silences(conn, t, utcnow(), include_ended=ended), "silences",
        {"id": "id", "matchers": "matchers", "until": "ends_at", "reason": "reason", "by": "created_by"},
    )


@app.command()
def unsilence(silence_id: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """End a silence now."""
    row = write_once(
        tenant, json_output, lambda c, t: expire_silence(c, t, silence_id, actor=cli_actor(), now=utcnow())
    )
    emit(row, json_output, human=f"silence {silence_id} ended")


@app.command()
def evaluate(json_output: JsonFlag = False) -> None:
    """Evaluate every alert rule now (what the ``alerts.evaluate`` job does), then deliver."""
    with open_runtime(json_output) as rt:

        async def run() -> dict[str, object]:
            outcome = await evaluate_rules(rt)
            return {**outcome, "delivery": await deliver_due(rt)}

        emit(asyncio.run(run()), json_output)


@app.command()
def sinks(json_output: JsonFlag = False) -> None:
    """Each sink's delivery health (what /readyz reports)."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = [h.as_dict() for h in sink_health(conn)]
    emit_rows(
        rows, json_output, "alert sinks",
        {"sink": "sink", "ok": "ok", "pending": "pending", "last attempt": "last_attempt_at",
         "last error": "last_error"},
    )
