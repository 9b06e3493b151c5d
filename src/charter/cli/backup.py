"""``charter backup -o DIR``, ``charter backup drill`` and ``charter restore DIR`` (charter.backup)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer

from charter.backup.drill import run_drill
from charter.backup.sealing import Protector
from charter.backup.service import create_backup, restore_backup
from charter.cli.common import cli_actor, console, emit, fail, open_runtime
from charter.cli.options import JsonFlag
from charter.errors import CharterError, InvalidRequest
from charter.settings import load_settings

__all__ = ["app", "register"]

app = typer.Typer(help="Back up the store and keys; rehearse a restore (drill).")

PASSPHRASE_ENV = "CHARTER_BACKUP_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
PASSPHRASE_FILE = typer.Option(
    None, "--passphrase-file", help=f"File whose first line is the passphrase (else ${PASSPHRASE_ENV}, else a prompt)."
)
WRAPPING_KEY = typer.Option(
    None, "--wrapping-key", help="A 32-byte key file to seal the keys under instead of a passphrase (KMS-style)."
)


def _protector(passphrase_file: Path | None, wrapping_key: Path | None, *, confirm: bool) -> Protector:
    if passphrase_file is not None and wrapping_key is not None:
        raise InvalidRequest("give --passphrase-file or --wrapping-key, not both", code="invalid_value")
    if wrapping_key is not None:
        return Protector.from_key_file(wrapping_key)
    if passphrase_file is not None:
        try:
            lines = passphrase_file.read_text("utf-8").splitlines()
        except OSError as exc:
            raise InvalidRequest(
                f"cannot read {passphrase_file}: {exc.strerror}", code="backup_key_invalid", param="passphrase_file"
            ) from None
        return Protector(passphrase=lines[0] if lines else "")
    if os.environ.get(PASSPHRASE_ENV):
        return Protector(passphrase=os.environ[PASSPHRASE_ENV])
    if not sys.stdin.isatty():
        raise InvalidRequest(
            f"no passphrase: set {PASSPHRASE_ENV}, or pass --passphrase-file or --wrapping-key",
            code="backup_key_invalid",
            param="passphrase",
        )
    return Protector(passphrase=typer.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm))


@app.callback(invoke_without_command=True)
def backup(
    ctx: typer.Context,
    output: Path | None = typer.Option(None, "-o", "--output", help="New (or empty) directory to write the backup to."),
    passphrase_file: Path | None = PASSPHRASE_FILE,
    wrapping_key: Path | None = WRAPPING_KEY,
    json_output: JsonFlag = False,
) -> None:
    """A consistent backup while Charter runs: the database (SQLite online backup / pg_dump), the key
    files sealed under a passphrase or wrapping key, and a manifest with hashes."""
    if ctx.invoked_subcommand is not None:
        return
    if output is None:
        fail(InvalidRequest("give the backup directory: charter backup -o DIR", code="missing_field",
                            param="output"), json_output)
        return
    with open_runtime(json_output) as rt:
        result = create_backup(rt, output, _protector(passphrase_file, wrapping_key, confirm=True), actor=cli_actor())
    human = (
        f"backup of the {result['store']} store written to {result['output']}: ledger size "
        f"{result['ledger']['size']}, keys sealed under a {result['keys']['scheme']} "
        f"({len(result['keys']['contents'])} files), {result['seconds']} s"
    )
    emit(result, json_output, human=human)


@app.command()
def drill(
    source: Path | None = typer.Option(None, "--from", help="Drill this backup (default: make a fresh one)."),
    passphrase_file: Path | None = PASSPHRASE_FILE,
    wrapping_key: Path | None = WRAPPING_KEY,
    json_output: JsonFlag = False,
) -> None:
    """Restore a backup into a scratch location, run `audit verify`, compare ledger heads; report RPO and RTO."""
    with open_runtime(json_output) as rt:
        protector = None
        if source is not None or passphrase_file is not None or wrapping_key is not None:
            protector = _protector(passphrase_file, wrapping_key, confirm=False)
        result = run_drill(rt, actor=cli_actor(), source=source, protector=protector)
    verdict = "[green]OK[/green]" if result["ok"] else "[red]FAILED[/red]"
    emit(result, json_output, human=(
        f"drill {verdict}: restored and verified {result['verify']['entries']} ledger entries; "
        f"RPO {result['rpo_s']} s ({result['ledger_entries_since_backup']} entries since the backup), "
        f"RTO {result['rto_s']} s (restore {result['restore_s']} s + verify {result['verify_s']} s); "
        f"head matches: {result['ledger']['head_matches'] and result['ledger']['live_head_matches']}"
    ))
    raise typer.Exit(0 if result["ok"] else 1)


def restore(
    source: Path = typer.Argument(..., help="The backup directory (from `charter backup -o`)."),
    force: bool = typer.Option(False, "--force", help="Replace a store and keys that already hold data."),
    passphrase_file: Path | None = PASSPHRASE_FILE,
    wrapping_key: Path | None = WRAPPING_KEY,
    json_output: JsonFlag = False,
) -> None:
    """Restore a backup into the configured (empty) store and data directory, migrate, then `audit verify`."""
    result: dict[str, Any] = {}
    try:
        protector = _protector(passphrase_file, wrapping_key, confirm=False)
        result = restore_backup(load_settings(), source, protector, actor=cli_actor(), force=force)
    except CharterError as exc:
        fail(exc, json_output)
    verify = result["verify"]
    if result["ok"]:
        human = (f"[green]restored[/green] the {result['store']} backup of {result['backup_created_at']}: "
                 f"{verify['entries']} ledger entries verified, head matches the backup; {result['restore_s']} s")
    else:
        first = verify["first_problem"] or {"message": "the restored ledger head differs from the backup's"}
        human = f"[red]restored, but verification FAILED[/red]: {first['message']}"
    if json_output:
        emit(result, True)
    else:
        console.print(human)
    raise typer.Exit(0 if result["ok"] else 1)


def register(root: typer.Typer) -> None:
    root.command()(restore)
