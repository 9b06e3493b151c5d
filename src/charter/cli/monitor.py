"""``charter monitor``: production drift and bias (ME-2, ME-4) of a use case."""

from __future__ import annotations

import asyncio
from typing import Any

import typer

from charter.cli.common import cli_actor, emit, open_runtime, table, tenant_id_of
from charter.cli.options import JsonFlag, TenantOption
from charter.monitor import drift

__all__ = ["app"]

app = typer.Typer(help="Production monitoring: drift and bias of a use case's traffic.", no_args_is_help=True)


def _human(report: dict[str, Any]) -> Any:
    run = report["run"]
    if run is None:
        name = report["use_case"]
        return f"no drift run yet for {name}; run one with `charter monitor drift {name} --run`"
    rows = [
        [
            "DRIFT" if f["drifted"] else "",
            f["detector"],
            f["segment"],
            f["test"],
            f"{f['statistic']:.4g}",
            "" if f["p_value"] is None else f"{f['p_value']:.3g}",
            f"{f['threshold']:.3g}",
            "" if f["baseline_value"] is None else f"{f['baseline_value']:.4g}",
            "" if f["recent_value"] is None else f"{f['recent_value']:.4g}",
            f"{f['n_baseline']}/{f['n_recent']}",
        ]
        for f in sorted(report["findings"], key=lambda f: not f["drifted"])  # drifted first
    ]
    title = (
        f"{report['use_case']}: recent {run['recent'][0]} .. {run['recent'][1]} against baseline "
        f"{run['baseline'][0]} .. {run['baseline'][1]} ({run['tests']} tests, {run['correction']} at "
        f"alpha {run['alpha']}, {run['drifted']} drifted, {len(run['skipped'])} skipped)"
    )
    columns = ["", "detector", "segment", "test", "statistic", "p", "cutoff", "baseline", "recent", "n"]
    return table(title, columns, rows)


@app.command("drift")
def drift_(
    use_case: str = typer.Argument(..., help="Use case name."),
    tenant: TenantOption = "demo",
    run: bool = typer.Option(False, "--run", help="Run every detector now (else: show the latest stored run)."),
    json_output: JsonFlag = False,
) -> None:
    """The latest drift findings of a use case: each detector and segment, its test, statistic,
    p-value, the corrected cutoff, and the two windows compared."""
    with open_runtime(json_output) as rt:
        tenant_id = tenant_id_of(rt, tenant)
        if run:
            asyncio.run(drift.check_use_case(rt, tenant_id, use_case, actor=cli_actor()))
        with rt.engine.connect() as conn:
            report = drift.drift_report(conn, tenant_id, use_case)
    emit(report, json_output, human=_human(report))
