"""``charter models add|list|disable|enable``."""

from __future__ import annotations

import typer

from charter import catalog
from charter.catalog import ModelSpec
from charter.cli.common import JSON_OPTION, cli_actor, emit, emit_rows, fail, open_runtime, tenant_write
from charter.policy import service as policy
from charter.secretstore import secret_name_refusal

app = typer.Typer(help="The model registry: versions behind providers, by alias.", no_args_is_help=True)


@app.command()
def add(
    alias: str,
    provider: str = typer.Option("openai", help="openai (any OpenAI-compatible server) | embedded"),
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
    api_key_env: str | None = typer.Option(None, hidden=True, help="Replaced by --secret."),
    tenant: str = typer.Option("demo"),
    json_output: bool = JSON_OPTION,
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
def list_(tenant: str = typer.Option("demo"), json_output: bool = JSON_OPTION) -> None:
    """List registered models."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = catalog.list_models(conn, policy.tenant_id_for(conn, tenant))
    emit_rows(
        rows, json_output, "models",
        {"alias": "alias", "provider": "provider", "model id": "platform_model_id", "version": "version",
         "region": "region", "class.": "classification_ceiling", "ctx": "context_window", "weight": "weight",
         "enabled": "enabled"},
    )


def _set(alias: str, enabled: bool, tenant: str, json_output: bool) -> None:
    with open_runtime(json_output) as rt:
        rows = tenant_write(rt, tenant, lambda c, t: catalog.set_enabled(c, t, alias, enabled, actor=cli_actor()))
    emit(rows, json_output, human=f"{alias}: {'enabled' if enabled else 'disabled'} ({len(rows)} entries)")


@app.command()
def disable(alias: str, tenant: str = typer.Option("demo"), json_output: bool = JSON_OPTION) -> None:
    """Take an alias out of routing."""
    _set(alias, False, tenant, json_output)


@app.command()
def enable(alias: str, tenant: str = typer.Option("demo"), json_output: bool = JSON_OPTION) -> None:
    """Put an alias back into routing."""
    _set(alias, True, tenant, json_output)
