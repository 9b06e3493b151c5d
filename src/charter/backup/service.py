"""``charter backup`` and ``charter restore``: a consistent copy of the store with the key material
sealed, a manifest with hashes, and a restore that checks everything before it writes anything.

A backup directory holds three files, all owner-only:

* ``manifest.json``: format, Charter version, store kind, Alembic revisions, ledger size and latest
  signed head, the newest interaction and ledger entry, and the SHA-256 and size of every file.
* ``charter.db`` (SQLite, from the online backup API) or ``charter.dump`` (PostgreSQL, ``pg_dump``
  custom format). The raw tier in it is encrypted under the key ring, which is not in clear here.
* ``keys.sealed``: the key files (charter.backup.keyfiles) sealed under a passphrase or a wrapping
  key (charter.backup.sealing), together with the database file's SHA-256: whoever edits both the
  database and the manifest still cannot make a restore accept them without the passphrase.

Left out on purpose: ``uploads/`` (spool files of uploads in flight, deleted once ingested: the
documents themselves are in the store), ``models/`` (downloaded model weights: fetched again) and
``metrics-multiproc/`` (per-process counters).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory

from charter.backup import database
from charter.backup.keyfiles import gather_keys, place_keys, refuse_existing_keys
from charter.backup.sealing import Protector, open_bundle, seal_bundle
from charter.errors import InvalidRequest
from charter.files import file_sha256, private_dir, write_private
from charter.ledger import service as ledger_service
from charter.ledger.entries import append
from charter.ledger.tables import GLOBAL_TENANT
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.migrate import alembic_config

__all__ = [
    "CREATED_ACTION",
    "FORMAT_VERSION",
    "KEYS_FILE",
    "MANIFEST_FILE",
    "RESTORED_ACTION",
    "create_backup",
    "load_manifest",
    "record",
    "restore_backup",
    "store_kind",
]

FORMAT = "charter-backup"
FORMAT_VERSION = 1
MANIFEST_FILE = "manifest.json"
KEYS_FILE = "keys.sealed"
_DB_FILES = {"sqlite": "charter.db", "postgresql": "charter.dump"}
_FACTS = "_backup.json"  # inside the sealed bundle: the database file's hash
EXCLUDED = ("uploads/", "models/", "metrics-multiproc/")
CREATED_ACTION = "backup.created"
RESTORED_ACTION = "backup.restored"


def _charter_version() -> str:
    try:
        return version("charter")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def store_kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


def record(rt: Runtime, *, actor: str, action: str, subject: str, event: dict[str, Any]) -> int:
    """One platform-level ledger entry (``backup.created``, ``backup.restored``, ``backup.drill``)."""
    return int(
        rt.writer.write(
            lambda conn: append(conn, tenant_id=GLOBAL_TENANT, actor=actor, action=action, subject=subject, event=event)
        )
    )


def _prepare_output(out: Path) -> bool:
    """Create ``out`` owner-only; an existing one must be an empty directory. True when created here."""
    if out.exists():
        if not out.is_dir() or any(out.iterdir()):
            raise InvalidRequest(
                f"{out} exists and is not an empty directory: give a new directory for the backup",
                code="backup_target_not_empty",
                param="output",
            )
        os.chmod(out, 0o700)
        return False
    private_dir(out)
    return True


def _dump(settings: Settings, dest: Path) -> database.StoreFacts:
    url = settings.effective_database_url
    if settings.is_sqlite:
        return database.dump_sqlite(database.sqlite_path(url), dest)
    return database.dump_postgres(url, dest)


def create_backup(rt: Runtime, out: Path, protector: Protector, *, actor: str) -> dict[str, Any]:
    """Write a backup of ``rt``'s store and keys to ``out`` (new or empty); ledgered as ``backup.created``."""
    settings = rt.settings
    created_here = _prepare_output(out)
    kind = store_kind(settings)
    db_name = _DB_FILES[kind]
    started = time.monotonic()
    created_at = dt.datetime.now(dt.UTC).isoformat()
    try:
        facts = _dump(settings, out / db_name)
        db_sha = file_sha256(out / db_name)
        keys = gather_keys(settings)
        names = sorted(keys)
        keys[_FACTS] = json.dumps({"database": db_name, "sha256": db_sha, "created_at": created_at}).encode()
        write_private(out / KEYS_FILE, seal_bundle(keys, protector))
        files = {name: {"sha256": file_sha256(out / name), "size": (out / name).stat().st_size}
                 for name in (db_name, KEYS_FILE)}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "charter_version": _charter_version(),
            "created_at": created_at,
            "store": kind,
            "database_file": db_name,
            **facts.to_json(),
            "keys": {"file": KEYS_FILE, "scheme": protector.scheme, "contents": names},
            "excluded": list(EXCLUDED),
            "files": files,
        }
        text = json.dumps(manifest, indent=2, sort_keys=True)
        write_private(out / MANIFEST_FILE, text)
    except BaseException:
        if created_here:
            shutil.rmtree(out, ignore_errors=True)
        raise
    manifest_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    seq = record(rt, actor=actor, action=CREATED_ACTION, subject=manifest_sha, event={
        "store": kind, "ledger_size": facts.ledger_size, "database_sha256": db_sha, "key_scheme": protector.scheme,
        "files": sorted(files),
    })
    return {"output": str(out), "manifest_sha256": manifest_sha, "ledger_seq": seq,
            "seconds": round(time.monotonic() - started, 3), **manifest}


def _bad(message: str, code: str) -> InvalidRequest:
    return InvalidRequest(message, code=code, param="backup")


def load_manifest(src: Path) -> dict[str, Any]:
    """The backup's manifest, after every file it names is checked against its size and SHA-256."""
    path = src / MANIFEST_FILE
    if not path.is_file():
        raise _bad(f"{src} is not a Charter backup: {MANIFEST_FILE} is missing", "backup_missing_file")
    try:
        manifest = json.loads(path.read_text("utf-8"))
        files = dict(manifest["files"])
        kind, db_name = manifest["store"], manifest["database_file"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _bad(f"{path} is not a valid backup manifest ({exc})", "backup_corrupt") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise _bad(
            f"backup format {manifest.get('format')!r} version {manifest.get('format_version')!r} is not "
            f"{FORMAT!r} version {FORMAT_VERSION}, the one this Charter restores",
            "backup_format_unsupported",
        )
    if kind not in _DB_FILES or db_name not in files or KEYS_FILE not in files:
        raise _bad(f"{path} does not list the database and the sealed keys", "backup_corrupt")
    for name, want in sorted(files.items()):
        file = src / Path(name).name
        if not file.is_file():
            raise _bad(f"the backup is incomplete: {name} is missing from {src}", "backup_missing_file")
        size = file.stat().st_size
        if size != want.get("size") or file_sha256(file) != want.get("sha256"):
            raise _bad(
                f"{name} does not match the manifest ({size} bytes; expected {want.get('size')} and its "
                "SHA-256): the backup was altered or truncated; refusing to restore it",
                "backup_tampered",
            )
    return dict(manifest)


def _open_keys(src: Path, manifest: dict[str, Any], protector: Protector) -> dict[str, bytes]:
    keys = open_bundle((src / KEYS_FILE).read_bytes(), protector)
    try:
        facts = json.loads(keys.pop(_FACTS))
    except (KeyError, ValueError):
        raise _bad("the sealed keys do not carry the database's hash", "backup_corrupt") from None
    if facts.get("sha256") != manifest["files"][manifest["database_file"]]["sha256"]:
        raise _bad(
            "the database file is not the one the keys were sealed with (the manifest was rewritten)",
            "backup_tampered",
        )
    return keys


def _refuse_newer(manifest: dict[str, Any]) -> None:
    """A backup of a newer Charter (a migration this one does not know) cannot be migrated here."""
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = sorted(set(manifest.get("alembic_revisions") or []) - known)
    if unknown:
        raise _bad(
            f"the backup was made by a newer Charter ({manifest.get('charter_version')}; migrations "
            f"{', '.join(unknown)} are unknown here): restore it with that version or newer",
            "backup_format_unsupported",
        )


def _head_key(head: Any) -> Any:
    return None if not head else (head.get("tree_size"), head.get("root_hash"))


def restore_backup(
    settings: Settings, src: Path, protector: Protector, *, actor: str, force: bool = False
) -> dict[str, Any]:
    """Restore the backup in ``src`` into the store and data directory ``settings`` name, migrate to
    head, record ``backup.restored`` there and run ``audit verify``. Everything is checked first:
    hashes, format, passphrase, an empty target (``force`` overrides the last)."""
    manifest = load_manifest(src)
    keys = _open_keys(src, manifest, protector)
    kind, url = store_kind(settings), settings.effective_database_url
    if manifest["store"] != kind:
        raise _bad(
            f"this is a {manifest['store']} backup and the configured store is {kind}; set CHARTER_DATABASE_URL "
            "to a store of the same kind", "backup_store_mismatch",
        )
    _refuse_newer(manifest)
    refuse_existing_keys(settings, force)
    database.refuse_non_empty(url, force)
    started = time.monotonic()
    private_dir(settings.data_dir)
    written = place_keys(settings, keys)
    copy = src / manifest["database_file"]
    if kind == "sqlite":
        database.restore_sqlite(copy, database.sqlite_path(url))
    else:
        database.restore_postgres(copy, url)
    rt = Runtime.open(settings)  # runs the migrations up to head
    try:
        with rt.engine.connect() as conn:
            restored = database.read_facts(conn)
        restore_s = time.monotonic() - started
        matches = restored.ledger_size == manifest["ledger"]["size"] and _head_key(restored.head) == _head_key(
            manifest["ledger"]["head"]
        )
        seq = record(rt, actor=actor, action=RESTORED_ACTION, subject=manifest["created_at"][:200], event={
            "store": kind, "backup_created_at": manifest["created_at"], "ledger_size": restored.ledger_size,
            "head_matches": matches, "migrated_to": sorted(restored.revisions),
        })
        checked = time.monotonic()
        report = ledger_service.verify(rt)
        verify_s = time.monotonic() - checked
    finally:
        rt.close()
    return {
        "ok": report.ok and matches,
        "source": str(src),
        "store": kind,
        "backup_created_at": manifest["created_at"],
        "keys_restored": written,
        "ledger": {"size": restored.ledger_size, "head": restored.head, "backup_head": manifest["ledger"]["head"],
                   "head_matches": matches},
        "migrations": {"backup": manifest["alembic_revisions"], "now": sorted(restored.revisions)},
        "ledger_seq": seq,
        "verify": report.to_json(),
        "restore_s": round(restore_s, 3),
        "verify_s": round(verify_s, 3),
        "newest": manifest["newest"],
    }
