"""The key material a deployment cannot be restored without, gathered from and put back to where
the settings say it lives.

Names in the (sealed) bundle:

* ``raw-tier.json``: the raw tier's key ring (``CHARTER_RAW_KEY_FILE``); without it the raw tier
  cannot be read.
* ``ledger/<file>``: every file of the ledger key directory (``current``, ``<id>.key``, ``<id>.pub``).
* ``subjects.key``: the end users' pseudonymisation key (``keys/subjects.key``), when it exists.
* ``secrets.toml``: the provider secrets file, when it lies inside the data directory (one kept
  elsewhere, e.g. ``/etc/charter``, is the operator's to back up with the host's configuration).
"""

from __future__ import annotations

from pathlib import Path

from charter.errors import Conflict
from charter.files import private_dir, write_private
from charter.settings import Settings

__all__ = ["gather_keys", "place_keys", "refuse_existing_keys", "secrets_inside"]


def _subjects_key(settings: Settings) -> Path:
    return settings.data_dir / "keys" / "subjects.key"


def secrets_inside(settings: Settings) -> Path | None:
    """The secrets file when it exists inside the data directory (it is then part of a backup)."""
    path = settings.effective_secrets_file
    if path is None or not path.is_file():
        return None
    try:
        path.resolve().relative_to(settings.data_dir.resolve())
    except ValueError:
        return None
    return path


def gather_keys(settings: Settings) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    raw = settings.effective_raw_key_file
    if raw.is_file():
        files["raw-tier.json"] = raw.read_bytes()
    ledger = settings.effective_ledger_key_dir
    if ledger.is_dir():
        for path in sorted(ledger.iterdir()):
            if path.is_file():
                files[f"ledger/{path.name}"] = path.read_bytes()
    subjects = _subjects_key(settings)
    if subjects.is_file():
        files["subjects.key"] = subjects.read_bytes()
    secrets = secrets_inside(settings)
    if secrets is not None:
        files["secrets.toml"] = secrets.read_bytes()
    return files


def _target(settings: Settings, name: str) -> Path | None:
    if name == "raw-tier.json":
        return settings.effective_raw_key_file
    if name.startswith("ledger/"):
        return settings.effective_ledger_key_dir / Path(name).name  # Path.name: no way out of the directory
    if name == "subjects.key":
        return _subjects_key(settings)
    if name == "secrets.toml":
        return settings.secrets_file or settings.data_dir / "keys" / "secrets.toml"
    return None  # the bundle's own facts (see charter.backup.service), not a key file


def refuse_existing_keys(settings: Settings, force: bool) -> None:
    """``409 restore_target_not_empty`` when the target already has a raw-tier key ring or a ledger
    signing key: restoring over them would orphan whatever they protect. ``force`` overwrites."""
    ledger = settings.effective_ledger_key_dir
    existing = [settings.effective_raw_key_file] if settings.effective_raw_key_file.exists() else []
    if ledger.is_dir():
        existing += sorted(ledger.glob("*.key"))
    if existing and not force:
        raise Conflict(
            f"key files already exist at the restore target ({', '.join(map(str, existing[:3]))}); restore into "
            "an empty data directory (or pass --force to replace them)",
            code="restore_target_not_empty",
        )


def place_keys(settings: Settings, files: dict[str, bytes]) -> list[str]:
    """Write each known key file owner-only where ``settings`` puts it; returns the paths written."""
    written = []
    for name, data in sorted(files.items()):
        path = _target(settings, name)
        if path is None:
            continue
        private_dir(path.parent)
        write_private(path, data)
        written.append(str(path))
    return written
