"""``charter feedback list|export``: what people said about answers, and the corrections that may
be used for training or evaluation (charter ``may_train`` and the person's consent)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from charter import oversight
from charter.cli.common import cli_actor, emit, emit_listing, open_runtime
from charter.cli.options import JsonFlag, TenantOption
from charter.files import write_private
from charter.oversight.feedback import list_feedback
from charter.policy import service as policy

app = typer.Typer(help="Feedback, appeals and corrections.", no_args_is_help=True)


@app.command("list")
def list_(
    use_case: str,
    tenant: TenantOption = "demo",
    limit: int = typer.Option(100, min=1, max=10_000),
    json_output: JsonFlag = False,
) -> None:
    """Recent feedback of a use case (ratings, reasons, appeals; no text)."""
    emit_listing(
        tenant, json_output, lambda conn, t: list_feedback(conn, t, use_case, limit=limit), f"feedback · {use_case}",
        {"id": "id", "interaction": "interaction_id", "rating": "rating", "reasons": lambda r: ",".join(r["reasons"]),
         "appeal": "appeal", "review": "review_id", "at": "created_at"},
    )


@app.command()
def export(
    use_case: str,
    tenant: TenantOption = "demo",
    purpose: str = typer.Option("training", help="training | evaluation"),
    out: Path | None = typer.Option(None, "--out", help="Write JSON Lines here instead of printing."),
    json_output: JsonFlag = False,
) -> None:
    """Export consented corrections (refused unless the charter says may_train). Recorded in the ledger."""
    with open_runtime(json_output) as rt:
        rows = rt.writer.write(
            lambda c: oversight.training_corrections(
                rt, c, policy.tenant_id_for(c, tenant), use_case, actor=cli_actor(), purpose=purpose
            )
        )
    if out is not None:
        write_private(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        emit({"records": len(rows), "out": str(out)}, json_output, human=f"{len(rows)} corrections → {out}")
        return
    emit(rows, json_output, human=f"{len(rows)} corrections may be used for {purpose}")
