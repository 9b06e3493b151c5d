"""``charter cost spend|report``: spend per tenant, use case, model and day; candidate models compared."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer
from rich.console import Group

from charter.cli.common import emit, fail, open_runtime, read_once, table
from charter.cli.options import JsonFlag, TenantOption
from charter.errors import InvalidRequest
from charter.monitor import cost
from charter.policy import service as policy
from charter.store.schema import utcnow

app = typer.Typer(help="Cost: spend and the comparison of a use case's candidate models.", no_args_is_help=True)


def _date(value: str | None, default: dt.datetime, param: str, json_output: bool) -> dt.datetime:
    if value is None:
        return default
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    except ValueError:
        fail(InvalidRequest(f"{param}: a date such as 2026-12-01", code="invalid_value", param=param), json_output)
        raise


@app.command("spend")
def spend_(
    tenant: TenantOption = "demo",
    every_tenant: bool = typer.Option(False, "--all-tenants", help="Every tenant's spend."),
    use_case: str | None = typer.Option(None),
    since: str | None = typer.Option(None, help="ISO date; default 30 days ago."),
    until: str | None = typer.Option(None, help="ISO date (exclusive); default now."),
    by: list[str] = typer.Option(list(cost.GROUPS), "--by", help="Group by: tenant, use_case, model, day."),
    json_output: JsonFlag = False,
) -> None:
    """Spend, requests and tokens per tenant, use case, model and day."""
    bad = [b for b in by if b not in cost.GROUPS]
    if bad:
        fail(InvalidRequest(f"--by: one of {', '.join(cost.GROUPS)}", code="invalid_value", param="by"), json_output)
    now = utcnow()
    start = _date(since, now - dt.timedelta(days=30), "since", json_output)
    end = _date(until, now, "until", json_output)
    groups = tuple(dict.fromkeys(by))
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        tenant_id = None if every_tenant else policy.tenant_id_for(conn, tenant)
        rows = cost.spend(conn, since=start, until=end, tenant_id=tenant_id, use_case=use_case, group_by=groups)
    columns = [*groups, "cost", "requests", "prompt_tokens", "completion_tokens"]
    emit(rows, json_output, human=table("spend", columns, [[r[c] for c in columns] for r in rows]))


@app.command()
def report(use_case: str, tenant: TenantOption = "demo", days: int = typer.Option(30, min=1, max=366),
           json_output: JsonFlag = False) -> None:
    """Compare the use case's candidate models: cost per 1,000 answers, latency, latest evaluation."""
    out = read_once(
        tenant, json_output, lambda conn, t: cost.use_case_report(conn, t, use_case, now=utcnow(), days=days)
    )
    rows = [
        [m["model"], m["source"], m["answers"], m["cost_per_1000_answers"], m["latency_p50_ms"], m["latency_p95_ms"],
         m["hourly_cost"], (m["evaluation"] or {}).get("aggregates")]
        for m in out["models"]
    ]
    columns = ["model", "source", "answers", "cost / 1000", "p50 ms", "p95 ms", "hourly", "evaluation"]
    versions = [[v["version"], v["state"], v["training_cost"], v["answers"], v["cost_per_1000_answers"],
                 v["total_cost"], (v["evaluation"] or {}).get("aggregates")]
                for m in out["models"] for v in m["versions"]]
    human: Any = table(f"{use_case}: candidate models", columns, rows)
    if versions:
        head = ["version", "state", "training cost", "answers", "cost / 1000", "total", "evaluation"]
        human = Group(human, table("model versions: training, serving and quality", head, versions))
    emit(out, json_output, human=human)
