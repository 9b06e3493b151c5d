"""``charter backup drill``: prove a backup restores, and say how much data and time a loss costs.

The drill takes a fresh backup (or uses a given one), restores it into a scratch location that it
creates and removes (a temporary data directory with a SQLite file; on PostgreSQL a scratch database
``charter_drill_<random>`` on the same server, which needs the CREATEDB privilege), runs
``audit verify`` there, and compares the restored ledger with the source: the restored signed head
must be the backup's, and the live store must still hold a signed head of that size with the same
root. It reports

* RPO: the age, now, of the newest interaction or ledger entry in the backup (what a loss of the
  machine right now would cost, with this backup) and the ledger entries written since;
* RTO: the seconds the restore (keys, database, migrations) and the verify took.

The drill is recorded in the live ledger as ``backup.drill``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.pool import NullPool

from charter.backup.sealing import Protector
from charter.backup.service import create_backup, load_manifest, record, restore_backup
from charter.errors import NotFound, Unavailable
from charter.files import private_dir
from charter.ledger.proofs import head_at
from charter.ledger.tables import ledger_entries
from charter.runtime import Runtime
from charter.settings import Settings

__all__ = ["DRILL_ACTION", "run_drill"]

DRILL_ACTION = "backup.drill"


@contextlib.contextmanager
def _scratch_database(settings: Settings) -> Iterator[str | None]:
    """The scratch store's URL: None (the data dir's SQLite file) or a new PostgreSQL database."""
    if settings.is_sqlite:
        yield None
        return
    url = make_url(settings.effective_database_url)
    name = f"charter_drill_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        raise Unavailable(
            f"the drill could not create its scratch database ({type(exc).__name__}: {exc}); the role needs "
            "CREATEDB", code="drill_scratch_unavailable",
        ) from None
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _scratch_settings(settings: Settings, data_dir: Path, url: str | None) -> Settings:
    update: dict[str, Any] = {"data_dir": data_dir, "database_url": url, "raw_key_file": None, "ledger_key_dir": None}
    secrets_file = settings.effective_secrets_file
    if secrets_file is not None and settings.data_dir.resolve() in secrets_file.resolve().parents:
        update["secrets_file"] = None  # restored into the scratch keys/ (charter.backup.keyfiles)
    return settings.model_copy(update=update)


def _parse(when: str | None) -> dt.datetime | None:
    return None if not when else dt.datetime.fromisoformat(when.replace("Z", "+00:00"))


def _rpo(manifest: dict[str, Any], now: dt.datetime) -> float | None:
    times = [t for t in (_parse(manifest["newest"]["interaction_at"]), _parse(manifest["newest"]["ledger_entry_at"]))
             if t is not None]
    return None if not times else round((now - max(times)).total_seconds(), 3)


def _live_agrees(rt: Runtime, head: dict[str, Any] | None) -> tuple[bool, int]:
    """Whether the live store signed the backup's head (same size, same root), and its ledger size."""
    with rt.engine.connect() as conn:
        size = int(conn.execute(select(func.count()).select_from(ledger_entries)).scalar_one())
        if head is None:
            return True, size
        try:
            live = head_at(conn, int(head["tree_size"]))
        except NotFound:
            return False, size
    return live.root.hex() == head["root_hash"], size


def run_drill(
    rt: Runtime, *, actor: str, source: Path | None = None, protector: Protector | None = None
) -> dict[str, Any]:
    """Back up (unless ``source``), restore into scratch, verify, compare heads; RPO and RTO."""
    with tempfile.TemporaryDirectory(prefix="charter-drill-") as tmp:
        scratch = private_dir(Path(tmp))
        if source is None:
            # a fresh backup needs no passphrase: its keys are sealed under a wrapping key that lives
            # only as long as the drill
            protector = protector or Protector(wrapping_key=os.urandom(32))
            source = scratch / "backup"
            create_backup(rt, source, protector, actor=actor)
        elif protector is None:
            raise Unavailable("give the passphrase or wrapping key of the backup to drill", code="backup_key_invalid")
        manifest = load_manifest(source)
        with _scratch_database(rt.settings) as url:
            target = _scratch_settings(rt.settings, scratch / "data", url)
            restored = restore_backup(target, source, protector, actor=actor)
        now = dt.datetime.now(dt.UTC)
    live_ok, live_size = _live_agrees(rt, manifest["ledger"]["head"])
    result = {
        "ok": bool(restored["ok"] and live_ok),
        "store": manifest["store"],
        "backup_created_at": manifest["created_at"],
        "from": "fresh" if source.parent == scratch else str(source),
        "rpo_s": _rpo(manifest, now),
        "rpo_newest": manifest["newest"],
        "ledger_entries_since_backup": max(live_size - int(manifest["ledger"]["size"]), 0),
        "rto_s": round(restored["restore_s"] + restored["verify_s"], 3),
        "restore_s": restored["restore_s"],
        "verify_s": restored["verify_s"],
        "verify": restored["verify"],
        "ledger": {**restored["ledger"], "live_head_matches": live_ok},
    }
    result["ledger_seq"] = record(rt, actor=actor, action=DRILL_ACTION, subject=manifest["created_at"][:200], event={
        "ok": result["ok"], "store": result["store"], "rpo_s": result["rpo_s"], "rto_s": result["rto_s"],
        "verify_ok": restored["verify"]["ok"], "ledger_size": restored["ledger"]["size"],
    })
    return result
