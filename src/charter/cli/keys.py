"""``charter keys create|list|revoke``."""

from __future__ import annotations

import datetime as dt

import typer
from sqlalchemy import Connection

from charter.cli.common import cli_actor, emit, emit_listing, open_runtime, write_once
from charter.cli.options import JsonFlag, TenantOption
from charter.interactions.rotation import rotate_raw_tier
from charter.policy import service as policy
from charter.principals import keys

app = typer.Typer(help="API keys (stored only as hashes; shown once).", no_args_is_help=True)


@app.command()
def create(
    role: str = typer.Option("app", help="admin | developer | reviewer | auditor | app"),
    use_case: str | None = typer.Option(None, "--use-case", help="Use case an app key calls (required for app)."),
    tenant: TenantOption = "demo",
    name: str = typer.Option("", help="A label for the key."),
    scope: list[str] = typer.Option([], "--scope", help="Limit to chat / embeddings / models (repeatable)."),
    expires_in_days: int | None = typer.Option(None, help="Expiry, in days from now."),
    json_output: JsonFlag = False,
) -> None:
    """Create a key and print it once."""
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=expires_in_days) if expires_in_days else None

    def make(conn: Connection, tenant_id: str) -> keys.CreatedKey:
        uc_id = policy.get_use_case(conn, tenant_id, use_case)["id"] if use_case else None
        return keys.create_key(
            conn,
            tenant_id=tenant_id,
            role=role,
            actor=cli_actor(),
            use_case_id=uc_id,
            name=name,
            scopes=scope,
            expires_at=expires,
        )

    created = write_once(tenant, json_output, make)
    data = {
        "id": created.id,
        "key": created.key,
        "prefix": created.prefix,
        "role": created.role,
        "tenant": created.tenant,
        "use_case": created.use_case,
        "expires_at": created.expires_at.isoformat() if created.expires_at else None,
    }
    emit(data, json_output, human=f"{created.key}\n[dim]id {created.id} · role {role} · shown once[/dim]")


@app.command("list")
def list_(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """List keys (prefixes only)."""
    emit_listing(
        tenant, json_output, lambda conn, t: keys.list_keys(conn, tenant_id=t), "keys",
        {"id": "id", "prefix": "prefix", "role": "role", "use case": "use_case", "expires": "expires_at",
         "revoked": "revoked_at", "last used": "last_used_at"},
    )


@app.command()
def revoke(key_id: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Revoke a key (effective at once on this replica, within the cache TTL on others)."""
    result = write_once(
        tenant, json_output, lambda c, t: keys.revoke_key(c, tenant_id=t, key_id=key_id, actor=cli_actor())
    )
    emit(result, json_output, human=f"revoked {key_id}")


@app.command("rotate-raw")
def rotate_raw(json_output: JsonFlag = False) -> None:
    """Rotate the raw-tier key-encryption key and re-wrap every stored data key."""
    with open_runtime(json_output) as rt:
        result = rotate_raw_tier(rt)
    emit(
        result,
        json_output,
        human=f"raw tier now under key version {result['active']} ({result['rewrapped']} records re-wrapped)",
    )
