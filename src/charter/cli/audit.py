"""``charter audit``: verify the ledger, sign heads, prove, export for auditors, purge, legal hold."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from charter.cli.common import cli_actor, console, emit, emit_rows, open_runtime, tenant_id_of
from charter.cli.options import JsonFlag, ReasonOption
from charter.errors import InvalidRequest
from charter.files import private_dir, write_private
from charter.interactions.retention import expire_content
from charter.ledger import service
from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.keys import ensure_keys, rotate_key
from charter.ledger.proofs import heads as list_heads
from charter.ledger.purge import MIN_RETENTION_DAYS, set_legal_hold
from charter.policy import service as policy
from charter.runtime import Runtime

app = typer.Typer(help="The tamper-evident ledger: verify, proofs, exports, retention.", no_args_is_help=True)

TRUSTED_KEY = typer.Option(
    None, "--trusted-key", help="PEM public key to trust (repeatable); default: the key dir."
)


def _when(value: str | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            f"--{name} must be an ISO-8601 date or time, e.g. 2026-01-31", param=name
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _tenant_id(rt: Runtime, tenant: str | None) -> str | None:
    """The named tenant's id; None (every tenant) where none is named."""
    return None if tenant is None else tenant_id_of(rt, tenant)


@app.command()
def verify(trusted_key: list[Path] | None = TRUSTED_KEY, json_output: JsonFlag = False) -> None:
    """Re-derive every leaf and covered interaction, rebuild the tree, check every signed head.
    Exit 0 only when everything holds; otherwise names the first bad entry."""
    with open_runtime(json_output) as rt:
        report = service.verify(rt, trusted_key)
    data = report.to_json()
    if json_output:
        emit(data, True)
    elif report.ok:
        console.print(
            f"[green]OK[/green] {data['entries']} entries, {data['checkpoints']} signed heads "
            f"(signed up to {data['signed_size']}, unsigned tail {data['unsigned_tail']}), "
            f"{data['interactions_checked']} interactions, {data['purged_payloads']} purged payloads; "
            f"{data['entries_per_second']} entries/s"
        )
    else:
        first = data["first_problem"]
        console.print(
            f"[red]FAILED[/red] first bad entry: {first['seq']} ({first['kind']}): {first['message']}"
        )
        for p in data["problems"][1:10]:
            console.print(f"  also {p['seq']} ({p['kind']}): {p['message']}")
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def checkpoint(json_output: JsonFlag = False) -> None:
    """Sign a head over every entry not yet covered (the server also does this on its own)."""
    with open_runtime(json_output) as rt:
        signed = [h.to_json() for h in checkpoint_now(rt)]
    emit(
        signed,
        json_output,
        human=f"signed {len(signed)} head(s)"
        + (f", latest tree size {signed[-1]['tree_size']}" if signed else " (nothing new)"),
    )


@app.command()
def heads(limit: int = typer.Option(20, min=1), json_output: JsonFlag = False) -> None:
    """The latest signed tree heads."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        rows = [h.to_json() for h in list_heads(conn, limit=limit)]
    emit_rows(
        rows, json_output, "signed heads",
        {"tree size": "tree_size", "time": "timestamp", "root": lambda r: r["root_hash"][:16],
         "key": lambda r: r["key_id"][:16]},
    )


@app.command()
def proof(
    seq: Annotated[int | None, typer.Option(help="Inclusion proof of this entry.")] = None,
    tree_size: Annotated[int | None, typer.Option(help="...in the signed head of this size (default: latest).")] = None,
    first: Annotated[int | None, typer.Option(help="Consistency proof from the head of this size...")] = None,
    second: Annotated[int | None, typer.Option(help="...to the head of this size (default: latest).")] = None,
    json_output: JsonFlag = False,
) -> None:
    """An RFC 6962/9162 inclusion proof (--seq) or consistency proof (--first), checked before printing."""
    if (seq is None) == (first is None):
        raise typer.BadParameter("give --seq (inclusion) or --first (consistency)")
    with open_runtime(json_output) as rt:
        if seq is not None:
            result = service.prove_inclusion(rt, seq, tree_size)
        else:
            assert first is not None
            result = service.prove_consistency(rt, first, second)
    emit(result, json_output, human=json.dumps(result, indent=2))
    raise typer.Exit(0 if result["verified"] else 1)


@app.command()
def export(
    output: Path = typer.Option(..., "-o", "--output", help="Bundle file to write (JSON)."),
    since: str | None = typer.Option(None, help="First time included (ISO-8601, UTC if no zone)."),
    until: str | None = typer.Option(None, help="End of the range (exclusive)."),
    tenant: str | None = typer.Option(None, help="Only this tenant's entries in full (others as hashes)."),
    json_output: JsonFlag = False,
) -> None:
    """Write a self-contained bundle that `charter-verify` checks offline. The export is itself audited."""
    with open_runtime(json_output) as rt:
        tenant_id = _tenant_id(rt, tenant)
        bundle = service.export_bundle(
            rt, actor=cli_actor(), since=_when(since, "since"), until=_when(until, "until"), tenant_id=tenant_id
        )
    write_private(output, json.dumps(bundle, indent=1))
    summary = {
        "output": str(output),
        "range": bundle["range"],
        "entries": len(bundle["entries"]),
        "tree_size": bundle["head"]["tree_size"] if bundle["head"] else 0,
        "export_seq": bundle["export_seq"],
    }
    emit(
        summary,
        json_output,
        human=f"wrote {output}: entries {bundle['range']['from_seq']}.."
        f"{bundle['range']['to_seq'] - 1} under the head of size {summary['tree_size']}; "
        f"check it with `charter-verify {output}`",
    )


@app.command()
def entries(
    tenant: str | None = typer.Option(None, help="Only this tenant."),
    action: str | None = typer.Option(None, help="Only this action (e.g. model.added)."),
    subject: str | None = typer.Option(None, help="Only this subject (e.g. an interaction id)."),
    after: int | None = typer.Option(None, help="Entries after this sequence number, oldest first."),
    limit: int = typer.Option(20, min=1, max=10_000),
    json_output: JsonFlag = False,
) -> None:
    """Ledger entries, newest first."""
    with open_runtime(json_output) as rt:
        tenant_id = _tenant_id(rt, tenant)
        rows = service.list_entries(
            rt, tenant_id=tenant_id, after_seq=after, limit=limit, action=action, subject=subject
        )
    emit_rows(
        rows, json_output, "ledger",
        {"seq": "seq", "time": "ts", "tenant": "tenant_id", "actor": "actor", "action": "action", "subject": "subject"},
    )


@app.command()
def keys(
    export_dir: Path | None = typer.Option(None, help="Also write the public keys (<key id>.pub) here."),
    json_output: JsonFlag = False,
) -> None:
    """The public keys that verify signed heads (give them to your auditors)."""
    with open_runtime(json_output) as rt:
        ensure_keys(rt.settings)
        pems = service.public_keys(rt)
        current = (rt.settings.effective_ledger_key_dir / "current").read_text().strip()
    if export_dir is not None:
        private_dir(export_dir)
        for kid, pem in pems.items():
            write_private(export_dir / f"{kid}.pub", pem)
    emit(
        {"current": current, "public_keys": pems},
        json_output,
        human="\n".join(f"{kid}{' (current)' if kid == current else ''}\n{pem}" for kid, pem in pems.items()),
    )


@app.command("rotate-key")
def rotate(
    delete_old_private: bool = typer.Option(False, help="Delete the old private key (its public key stays)."),
    json_output: JsonFlag = False,
) -> None:
    """Make a new signing key; heads signed by old keys keep verifying."""
    with open_runtime(json_output) as rt:
        checkpoint_now(rt)  # close the old key's last head first
        new = rotate_key(rt.settings, delete_old_private=delete_old_private)
    emit({"current": new}, json_output, human=f"new signing key {new}")


@app.command()
def purge(
    older_than_days: int = typer.Option(
        365, min=MIN_RETENTION_DAYS, help="Retention in days (floor 180, AT-3)."
    ),
    tenant: str | None = typer.Option(
        None, help="Only this tenant (default: every tenant not on legal hold)."
    ),
    json_output: JsonFlag = False,
) -> None:
    """Purge payloads past retention by a signed purge entry (legal hold blocks it)."""
    with open_runtime(json_output) as rt:
        tenant_id = _tenant_id(rt, tenant)
        record = service.purge(rt, older_than_days=older_than_days, actor=cli_actor(), tenant_id=tenant_id)
    emit(
        record,
        json_output,
        human=f"purged {record['purged']} payload(s) before {record['before']}"
        + (
            f" (kept tenants on legal hold: {', '.join(record['held_tenants'])})"
            if record["held_tenants"]
            else ""
        ),
    )


@app.command()
def expire(json_output: JsonFlag = False) -> None:
    """Delete interaction, review and feedback content past each use case's retention_days now (the
    scheduler's interactions.retention job does the same hourly); metadata and the ledger stay."""
    with open_runtime(json_output) as rt:
        report = expire_content(rt).to_json()
    totals = report["totals"]
    emit(
        report,
        json_output,
        human=f"expired {totals.get('raw', 0)} raw record(s), {totals.get('reviews', 0)} review(s), "
        f"{totals.get('corrections', 0)} correction(s), {totals.get('expert_samples', 0)} expert sample(s)"
        + (f" (kept under legal hold: {', '.join(report['held'])})" if report["held"] else ""),
    )


@app.command()
def hold(
    tenant: str,
    off: bool = typer.Option(False, "--off", help="Lift the hold."),
    reason: ReasonOption = "",
    json_output: JsonFlag = False,
) -> None:
    """Place a tenant under legal hold (purges skip it) or lift the hold with --off."""
    with open_runtime(json_output) as rt:

        def change(conn: Any) -> dict[str, Any]:
            return set_legal_hold(
                conn, tenant_id=policy.tenant_id_for(conn, tenant), on=not off, actor=cli_actor(), reason=reason
            )

        result = rt.writer.write(change)
    emit(result, json_output, human=f"legal hold {'lifted' if off else 'placed'} on {tenant}")
