"""``charter prompts push|list|show|diff|promote|rollback|history``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from charter.cli.common import cli_actor, emit, emit_listing, open_runtime, read_once, run_once, table, tenant_write
from charter.cli.options import JsonFlag, TenantOption
from charter.policy import service as policy
from charter.prompts import promotion, versions
from charter.prompts.spec import parse_prompt_file

app = typer.Typer(
    help="The prompt registry: immutable versions, movable labels, gated promotion.", no_args_is_help=True
)

PromptActor = Annotated[
    str | None,
    typer.Option(
        "--actor",
        help="Who acts (default: cli:$USER). The approver of a promotion to a protected label must not be the "
        "author of the version.",
    ),
]


@app.command()
def push(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        readable=True,
        help="Prompt file (YAML or JSON): name, template or messages, ...",
    ),
    message: str | None = typer.Option(None, "--message", "-m", help="What changed (overrides the file's)."),
    label: str | None = typer.Option(
        None,
        help="Also point this label at the version; one a charter serves from goes through the gate, and "
        "production is refused here (push, then `charter prompts promote`).",
    ),
    tenant: TenantOption = "demo",
    actor: PromptActor = None,
    json_output: JsonFlag = False,
) -> None:
    """Store a new immutable version of a prompt (identical content returns the existing version)."""
    spec = parse_prompt_file(file.read_text(encoding="utf-8"), filename=file.name)
    if message is not None:
        spec = spec.model_copy(update={"message": message})
    who = cli_actor(actor)
    with open_runtime(json_output) as rt:

        def write(conn: Any) -> dict[str, Any]:
            tenant_id = policy.tenant_id_for(conn, tenant)
            result = versions.push(conn, tenant_id, spec, actor=who)
            if label:
                request = promotion.Promotion(spec.name, version=result["version"], label=label, actor=who)
                result["label"] = promotion.promote(conn, tenant_id, request)
            return result

        if label in versions.PROTECTED_LABELS:
            typer.echo(f"{label} is protected: push first, then `charter prompts promote`", err=True)
            raise typer.Exit(2)
        result = rt.writer.write(write)
        rt.policy_changed()
        moved = result.get("label")
        if moved is not None and not moved["moved"]:  # a label a charter serves from: the gate refused
            what = f"pushed {spec.name}@{result['version']}, but the gate refused moving {label}"
            raise promotion.move_refused(moved, what)
    state = "new version" if result["created"] else "unchanged, existing version"
    emit(result, json_output, human=f"{spec.name}@{result['version']} ({state}, sha256 {result['sha256'][:12]})")


@app.command("list")
def list_(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """List prompts with their latest version and labels."""
    emit_listing(
        tenant, json_output, versions.list_prompts, "prompts",
        {"name": "name", "use case": "use_case", "latest": "latest",
         "labels": lambda r: ", ".join(f"{k}→{v}" for k, v in sorted(r["labels"].items()))},
    )


@app.command()
def show(
    name: str = typer.Argument(..., help="name, name@3 or name:staging"),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Show a prompt's versions and labels, or one version (name@N, name:label) in full."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        tenant_id = policy.tenant_id_for(conn, tenant)
        if "@" in name or ":" in name:
            data: dict[str, Any] = versions.resolve(conn, tenant_id, name).as_dict()
        else:
            data = versions.show_prompt(conn, tenant_id, name)
    if json_output or "versions" not in data:
        emit(data, json_output)
        return
    labels = {v: k for k, v in data["labels"].items()}
    emit(
        data,
        json_output,
        human=table(
            f"{name} ({data['use_case'] or 'no use case'})",
            ["version", "label", "author", "message", "sha256", "created"],
            [
                [
                    v["version"],
                    labels.get(v["version"], ""),
                    v["author"],
                    v["message"],
                    v["sha256"][:12],
                    v["created_at"],
                ]
                for v in data["versions"]
            ],
        ),
    )


@app.command()
def diff(
    name: str,
    a: int = typer.Argument(..., help="Older version."),
    b: int = typer.Argument(..., help="Newer."),
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Unified diff between two versions (template, variables, model parameters, thresholds)."""
    data = read_once(tenant, json_output, lambda conn, t: versions.diff_versions(conn, t, name, a, b))
    emit(data, json_output, human=data["diff"] or "(identical)")


@app.command()
def promote(
    name: str,
    version: int = typer.Option(..., help="The version to promote."),
    label: str = typer.Option("production", help="Label to move (production is gated)."),
    use_case: str | None = typer.Option(None, help="Whose suite gates it (default: the prompt's)."),
    run_id: str | None = typer.Option(None, "--run", help="The evaluation run to judge (default: the latest one)."),
    reason: str = typer.Option("", help="Why (kept with the move and in the ledger)."),
    tenant: TenantOption = "demo",
    actor: PromptActor = None,
    json_output: JsonFlag = False,
) -> None:
    """Move a label to a version; a protected label (production, or one a charter serves from) needs a
    passing gate and an approver other than the author."""
    request = promotion.Promotion(
        name, version, label, cli_actor(actor), use_case=use_case, run_id=run_id, reason=reason
    )
    result = run_once(tenant, json_output, lambda rt, t: promotion.promote_or_raise(rt, t, request))
    emit(
        result,
        json_output,
        human=f"{name}:{label} → version {version}"
        + (f" (gate {result['gate']['id']} passed)" if result.get("gate") else ""),
    )


@app.command()
def rollback(
    name: str,
    label: str = typer.Option("production"),
    to: int | None = typer.Option(None, help="Version to return to (default: the previous one)."),
    reason: str = typer.Option("", help="Why."),
    tenant: TenantOption = "demo",
    actor: PromptActor = None,
    json_output: JsonFlag = False,
) -> None:
    """Move a label back to the version it pointed at before (one command, recorded in the ledger)."""
    request = versions.Rollback(name, cli_actor(actor), label=label, to_version=to, reason=reason)
    with open_runtime(json_output) as rt:
        result = tenant_write(rt, tenant, lambda c, t: promotion.rollback(c, t, request))
        rt.policy_changed()
    emit(result, json_output, human=f"{name}:{label} rolled back to version {result['version']}")


@app.command()
def history(
    name: str, label: str | None = typer.Option(None), tenant: TenantOption = "demo", json_output: JsonFlag = False
) -> None:
    """Every label move of a prompt: who, when, why, and the gate decision that allowed it."""
    emit_listing(
        tenant, json_output, lambda conn, t: versions.label_history(conn, t, name, label), f"label moves of {name}",
        {"when": "moved_at", "label": "label", "kind": "kind", "actor": "actor", "gate": "gate_id", "reason": "reason"},
    )
