"""``charter models add|list|disable|enable`` and the registry's ``versions|register|promote|rollback``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import typer
import yaml

from charter import catalog
from charter.catalog import ModelSpec
from charter.cli.common import cli_actor, emit, emit_listing, fail, open_runtime, tenant_write, write_once
from charter.cli.options import ActorOption, JsonFlag, ReasonOption, RetiredApiKeyEnv, TenantOption
from charter.errors import InvalidRequest, NotFound
from charter.monitor.alerts import fire
from charter.policy import service as policy
from charter.secretstore import secret_name_refusal
from charter.training import canary, registry

app = typer.Typer(help="The model registry: versions behind providers, by alias.", no_args_is_help=True)


@app.command()
def add(
    alias: str,
    provider: str = typer.Option(
        "openai", help="openai (any OpenAI-compatible server) | llama-server (llama-cpp-python's server) | embedded"
    ),
    endpoint: str | None = typer.Option(None, help="Base URL, e.g. http://vllm:8000/v1, or embedded://smollm2"),
    platform_model_id: str | None = typer.Option(None, help="The provider's model name (default: alias)."),
    version: str = typer.Option("1"),
    region: str = typer.Option("local", help="Hosting region (residency, DP-8)."),
    classification: str = typer.Option("internal", help="Highest data classification the model may see."),
    context_window: int = typer.Option(8192),
    price_prompt: float = typer.Option(0.0, help="Price per 1k prompt tokens."),
    price_completion: float = typer.Option(0.0, help="Price per 1k completion tokens."),
    hourly_cost: float = typer.Option(0.0, help="Hourly cost of self-hosted hardware (charged by busy time)."),
    weight: int = typer.Option(100, help="Traffic weight within the alias (canary)."),
    secret: str | None = typer.Option(
        None, help="Name of an operator-defined provider secret (docs/operations.md, Provider secrets)."
    ),
    api_key_env: RetiredApiKeyEnv = None,
    tenant: TenantOption = "demo",
    json_output: JsonFlag = False,
) -> None:
    """Register a model version."""
    if api_key_env is not None:
        fail(secret_name_refusal("--api-key-env", replacement="--secret"), json_output)
    spec = ModelSpec(
        alias=alias,
        provider=provider,
        endpoint=endpoint,
        platform_model_id=platform_model_id,
        version=version,
        region=region,
        classification_ceiling=classification,
        context_window=context_window,
        price_prompt_per_1k=price_prompt,
        price_completion_per_1k=price_completion,
        hourly_cost=hourly_cost,
        weight=weight,
        secret=secret,
    )
    with open_runtime(json_output) as rt:
        row = tenant_write(rt, tenant, lambda c, t: catalog.add_model(c, t, spec, actor=cli_actor(), egress=rt.egress))
    emit(row, json_output, human=f"added {alias} ({row['platform_model_id']} v{version}, {region}, {classification})")


@app.command("list")
def list_(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """List registered models."""
    emit_listing(
        tenant, json_output, catalog.list_models, "models",
        {"alias": "alias", "provider": "provider", "model id": "platform_model_id", "version": "version",
         "region": "region", "class.": "classification_ceiling", "ctx": "context_window", "weight": "weight",
         "enabled": "enabled", "registry": lambda r: r.get("registry_state") or ""},
    )


def _set(alias: str, enabled: bool, tenant: str, json_output: bool) -> None:
    rows = write_once(tenant, json_output, lambda c, t: catalog.set_enabled(c, t, alias, enabled, actor=cli_actor()))
    emit(rows, json_output, human=f"{alias}: {'enabled' if enabled else 'disabled'} ({len(rows)} entries)")


@app.command()
def disable(alias: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Take an alias out of routing."""
    _set(alias, False, tenant, json_output)


@app.command()
def enable(alias: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Put an alias back into routing."""
    _set(alias, True, tenant, json_output)


# -- the model registry (docs/learning.md, Model registry) ------------------------------------------


def _object_file(path: Path | None, param: str) -> dict[str, Any]:
    """A JSON or YAML file holding one object (``{}`` when not given)."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidRequest(f"--{param} {path}: cannot be read as JSON or YAML ({exc})", code="invalid_value",
                             param=param) from exc
    if not isinstance(data, dict):
        raise InvalidRequest(f"--{param} {path}: must hold one object", code="invalid_value", param=param)
    return {str(k): v for k, v in data.items()}


@app.command()
def versions(alias: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """The alias's registered versions with their lineage and state."""
    emit_listing(
        tenant, json_output, lambda conn, t: registry.list_versions(conn, t, alias), f"{alias} versions",
        {"version": "label", "state": "state", "base": lambda r: r["lineage"]["base"],
         "dataset": lambda r: (r["lineage"]["dataset"] or {}).get("id") or "",
         "code": lambda r: r["lineage"]["code_version"],
         "sha256": lambda r: ",".join(f["sha256"][:12] for f in r["lineage"]["files"]),
         "registered by": "created_by", "vetted by": lambda r: r["vetted_by"] or ""},
    )


@app.command()
def register(
    alias: str,
    base: str = typer.Option(..., help="What the version was trained from (a model, alias@N or file name)."),
    file: Path | None = typer.Option(None, "--file", help="The version's GGUF file (served by the embedded provider)."),
    url: str | None = typer.Option(None, "--url", help="An OpenAI-compatible server that serves the version."),
    platform_model_id: str | None = typer.Option(None, help="The model's name at --url (default: the alias)."),
    secret: str | None = typer.Option(None, help="Provider secret for --url (docs/operations.md)."),
    dataset: str | None = typer.Option(None, "--dataset", help="The training dataset version id (tds_...)."),
    config: Path | None = typer.Option(None, "--config", help="The training config (JSON or YAML file)."),
    metrics: Path | None = typer.Option(None, "--metrics", help="The version's metrics (JSON or YAML file)."),
    code_version: str | None = typer.Option(None, help="The training code's version (default: this checkout's)."),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Register a new version of an alias (a candidate: it serves nobody until promoted through the gate)."""
    with open_runtime(json_output) as rt:
        reg = registry.Registration(
            alias=alias, base=base, file=file, url=url, platform_model_id=platform_model_id, secret=secret,
            dataset_id=dataset, training_config=_object_file(config, "config"),
            metrics=_object_file(metrics, "metrics"), code_version=code_version,
        )
        row = tenant_write(
            rt, tenant, lambda c, t: registry.register_version(c, t, reg, actor=cli_actor(actor), egress=rt.egress)
        )
    files = ", ".join(f"{f['path']} sha256:{f['sha256']}" for f in row["lineage"]["files"]) or row["endpoint"]
    emit(row, json_output, human=f"registered {row['label']} (candidate): {files}")


@app.command()
def promote(
    alias: str,
    version: int = typer.Option(..., "--version", help="The version to serve."),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Serve a version after the promotion gate of every use case that lists the alias (not your own
    registration); exits 1 when refused."""
    with open_runtime(json_output) as rt:
        row, decisions = tenant_write(
            rt, tenant, lambda c, t: registry.promote_version(c, t, alias, version, approver=cli_actor(actor))
        )
        for decision in decisions:
            if not decision.passed:
                raise decision.error()
    emit({**row, "gate": [d.as_dict() for d in decisions]}, json_output,
         human=f"[green]serving[/green] {row['label']} (gate {', '.join(str(d.id) for d in decisions)})")


@app.command()
def rollback(
    alias: str,
    reason: ReasonOption = "",
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Return the alias to the version its current one replaced (vetted before: no new gate)."""
    result = write_once(
        tenant, json_output, lambda c, t: registry.rollback_version(c, t, alias, actor=cli_actor(actor), reason=reason)
    )
    emit(result, json_output, human=f"rolled back {result['rolled_back']}; serving {', '.join(result['serving'])}")


canary_app = typer.Typer(help="Canaries: a gated candidate takes a share of the traffic; withdrawn on a regression.",
                         no_args_is_help=True)
app.add_typer(canary_app, name="canary")


@canary_app.command("start")
def canary_start(
    alias: str,
    version: int = typer.Option(..., "--version", help="The candidate version."),
    share: float = typer.Option(0.1, help="Its share of the alias's traffic (0-1, by request id)."),
    min_samples: int = typer.Option(100, "--min-samples", help="Answers each arm needs before a test counts."),
    alpha: float = typer.Option(0.05, help="Significance level, split over the signals (Bonferroni)."),
    tenant: TenantOption = "demo",
    actor: ActorOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Gate the candidate (MD-3, not your own registration) and send it a share of the traffic."""
    start = canary.CanaryStart(alias=alias, version=version, share=share, min_samples=min_samples, alpha=alpha)
    with open_runtime(json_output) as rt:
        row, decisions = tenant_write(rt, tenant, lambda c, t: canary.start_canary(c, t, start, actor=cli_actor(actor)))
        for decision in decisions:
            if not decision.passed:
                raise decision.error()
    assert row is not None
    emit({**row, "gate": [d.as_dict() for d in decisions]}, json_output,
         human=f"canary {row['id']}: {row['label']} takes {share:.0%} of {alias}'s traffic")


@canary_app.command("list")
def canary_list(alias: str | None = typer.Argument(None), tenant: TenantOption = "demo",
                json_output: JsonFlag = False) -> None:
    """Canaries, newest first, with their last comparison."""
    emit_listing(tenant, json_output, lambda conn, t: canary.list_canaries(conn, t, alias), "canaries", {
        "id": "id", "version": "label", "share": "share", "state": "state",
        "verdict": lambda r: (r["comparison"] or {}).get("verdict", ""), "reason": lambda r: r["reason"] or "",
        "started": "started_at",
    })


@canary_app.command("evaluate")
def canary_evaluate(alias: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Compare the alias's canary with the serving version now (what the `models.canary` job does)."""
    with open_runtime(json_output) as rt:
        with rt.engine.connect() as conn:
            tenant_id = policy.tenant_id_for(conn, tenant)
            found = [r for r in canary.list_canaries(conn, tenant_id, alias) if r["state"] in ("running", "promotable")]
        if not found:
            raise NotFound(f"{alias} has no running canary", code="not_found")
        row, comparison = rt.writer.write(lambda c: canary.evaluate_canary(c, found[0]["id"], actor=cli_actor(None)))
        if row["state"] == "withdrawn":
            asyncio.run(fire(rt, canary.withdrawal_alert(row, tenant_id)))
    emit(row, json_output, human=f"{row['label']}: {row['state']} ({comparison.reason})")


@canary_app.command("stop")
def canary_stop(alias: str, reason: ReasonOption = "",
                tenant: TenantOption = "demo", actor: ActorOption = None,
                json_output: JsonFlag = False) -> None:
    """End the canary by hand: the version goes back to candidate and takes no traffic."""
    with open_runtime(json_output) as rt:
        row = tenant_write(rt, tenant, lambda c, t: canary.stop_canary(c, t, alias, actor=cli_actor(actor),
                                                                       reason=reason))
    emit(row, json_output, human=f"stopped canary {row['id']} ({row['label']})")
