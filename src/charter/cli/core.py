"""Root commands: init, serve, chat, kill, revive."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import typer

from charter.api.app import create_app
from charter.api.server import uvicorn_options
from charter.bootstrap import init as do_init
from charter.cli.common import cli_actor, console, emit, fail, open_runtime
from charter.cli.options import JsonFlag, ReasonOption, TenantOption
from charter.errors import CharterError, InvalidRequest
from charter.monitor.metrics import prepare_multiprocess_dir
from charter.policy import controls
from charter.policy import service as policy
from charter.principals.keys import create_key
from charter.runtime import Runtime
from charter.settings import load_settings

__all__ = ["register"]


def init(json_output: JsonFlag = False) -> None:
    """Create the data directory, schema and keys; on first run a demo tenant, use case and API key."""
    with open_runtime(json_output) as rt:
        result = do_init(rt)
    if json_output:
        emit(result, True)
        return
    _print_init(result)


def _print_init(result: dict[str, Any]) -> None:
    console.print(f"[bold]Charter[/bold] data directory: {result['data_dir']}  store: {result['database']}")
    _print_permission_warnings(result)
    if not result.get("created"):
        console.print("Already initialised (keys are shown only once; make new ones with `charter keys create`).")
        return
    console.print("[yellow]Keys are shown once. Keep them safe.[/yellow]")
    console.print(f"  platform admin key: {result['platform_admin_key']}")
    if result.get("key"):
        console.print(f"  demo tenant '{result['tenant']}', use case '{result['use_case']}', model {result['model']}")
        console.print(f"  demo app key:       {result['key']}")
        console.print(f"  demo admin key:     {result['admin_key']}")


def _print_permission_warnings(result: dict[str, Any]) -> None:
    for line in result.get("permission_warnings", []):
        console.print(f"[yellow]warning[/yellow]: {line}", markup=True, highlight=False)


def serve(
    host: str | None = typer.Option(None, help="Address to bind (default: CHARTER_HOST or 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default: CHARTER_PORT or 8080)."),
    workers: int | None = typer.Option(None, help="Worker processes (default: CHARTER_WORKERS or 1)."),
) -> None:
    """Start the gateway and management API (runs `charter init` first if needed)."""
    import uvicorn

    with open_runtime() as rt:
        result = do_init(rt)
    if result.get("created"):
        _print_init(result)
    else:
        _print_permission_warnings(result)
    settings = load_settings()
    host = host or settings.host
    port = port or settings.port
    workers = workers or settings.workers
    if workers > 1 and settings.metrics_enabled:  # before the workers start: they inherit it
        prepare_multiprocess_dir(settings.data_dir)
    console.print(f"Charter listening on http://{host}:{port}  (OpenAI base URL: http://{host}:{port}/v1)")
    uvicorn.run(
        "charter.api.asgi:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        **uvicorn_options(settings),
    )


def chat(
    text: str = typer.Argument(..., help="The user message."),
    use_case: str = typer.Option(..., "--use-case", help="Use case to ask through."),
    tenant: str = typer.Option("demo", help="Tenant of the use case."),
    model: str | None = typer.Option(None, help="Model alias (default: the charter's first)."),
    max_tokens: int = typer.Option(64, help="Largest answer, in tokens."),
    url: str | None = typer.Option(None, help="A running gateway (http://host:port); default: in-process."),
    key: str | None = typer.Option(None, envvar="CHARTER_API_KEY", help="App key; default: a 10-minute key."),
    json_output: JsonFlag = False,
) -> None:
    """Ask a question through the governed gateway, exactly as an application would."""
    body: dict[str, Any] = {"messages": [{"role": "user", "content": text}], "max_tokens": max_tokens}
    if model:
        body["model"] = model
    try:
        status, data = asyncio.run(_chat(body, use_case, tenant, url, key))
    except CharterError as exc:
        fail(exc, json_output)
        return
    if json_output:
        emit({"status": status, **data}, True)
    elif status >= 400:
        console.print(f"[red]{status}[/red] {data['error']['code']}: {data['error']['message']}")
    elif status == 202:
        console.print(f"[yellow]held for review[/yellow]: {json.dumps(data.get('review'))}")
    else:
        console.print(data["choices"][0]["message"]["content"])
        console.print(
            f"[dim]interaction {data['charter']['interaction_id']} · {data['model']} · "
            f"{data['usage']['total_tokens']} tokens[/dim]"
        )
    if status >= 400:
        raise typer.Exit(1)


async def _chat(body: dict[str, Any], use_case: str, tenant: str, url: str | None, key: str | None) -> tuple[int, Any]:
    import httpx

    if url:
        if not key:
            raise InvalidRequest("pass --key (or CHARTER_API_KEY) to talk to a running gateway", code="missing_api_key")
        async with httpx.AsyncClient(base_url=url, timeout=300) as client:
            r = await client.post("/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"})
            return r.status_code, r.json()

    settings = load_settings()
    rt = Runtime.open(settings)
    try:
        if not key:

            def mint(conn: Any) -> str:
                tenant_id = policy.tenant_id_for(conn, tenant)
                uc_id = policy.get_use_case(conn, tenant_id, use_case)["id"]
                return create_key(
                    conn,
                    tenant_id=tenant_id,
                    role="app",
                    actor="cli:chat",
                    use_case_id=uc_id,
                    name="charter chat",
                    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10),
                ).key

            key = rt.writer.write(mint)
        app = create_app(settings, runtime=rt)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://charter", timeout=300) as client:
            r = await client.post("/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"})
        gw = rt.parts.pop("gateway", None)
        if gw is not None:
            await gw.aclose()
        return r.status_code, r.json()
    finally:
        rt.close()


def _switch(active: bool, use_case: str | None, model: str | None, tenant: str, reason: str, json_output: bool) -> None:
    if use_case and model:
        fail(InvalidRequest("give --use-case or --model, not both", code="invalid_value"), json_output)
    scope = "use_case" if use_case else "model" if model else "global"
    target = use_case or model or "*"
    actor = cli_actor()
    with open_runtime(json_output) as rt:

        def flip(conn: Any) -> dict[str, Any]:
            name = policy.PLATFORM_TENANT if scope == "global" else tenant
            tenant_id = (
                policy.ensure_tenant(conn, name, actor=actor) if scope == "global" else policy.tenant_id_for(conn, name)
            )
            return controls.set_control(conn, tenant_id, scope, target, active, actor=actor, reason=reason)

        result = rt.writer.write(flip)
    state = "[red]OFF[/red]" if active else "[green]ON[/green]"
    emit(result, json_output, human=f"{scope} {target}: service {state} (effective for the next request)")


def kill(
    use_case: str | None = typer.Option(None, "--use-case", help="Switch off one use case."),
    model: str | None = typer.Option(None, "--model", help="Switch off one model alias."),
    tenant: str = typer.Option("demo", help="Tenant of the use case or model."),
    reason: ReasonOption = "",
    json_output: JsonFlag = False,
) -> None:
    """Kill switch: stop all model calls (global), or one use case, or one model. Audited."""
    _switch(True, use_case, model, tenant, reason, json_output)


def revive(
    use_case: str | None = typer.Option(None, "--use-case"),
    model: str | None = typer.Option(None, "--model"),
    tenant: TenantOption = "demo",
    reason: str = typer.Option(""),
    json_output: JsonFlag = False,
) -> None:
    """Turn a kill switch back off. Audited."""
    _switch(False, use_case, model, tenant, reason, json_output)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(serve)
    app.command()(chat)
    app.command()(kill)
    app.command()(revive)
