"""Owner-only files: how Charter creates its data directory, SQLite file, key files and exports, and
the start-up check that warns when any of them is open to the group or to others.

Everything Charter creates is private to the account that runs it: directories ``0700``, files
``0600`` (SQLite gives its ``-wal`` and ``-shm`` files the database file's mode). The command line and
the server entry point also set ``umask 077``, so a file some library creates on Charter's behalf is
private too. Charter never narrows the mode of a path it did not create (an operator may share a
directory on purpose); it warns instead (:func:`exposed_paths`), at every start and in the output of
``charter init`` and ``charter serve`` (docs/operations.md, "Hardening").
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from pathlib import Path

from charter.settings import Settings

__all__ = [
    "PRIVATE_UMASK",
    "exposed_paths",
    "file_sha256",
    "private_dir",
    "private_file",
    "restrict_umask",
    "warn_exposed",
    "write_private",
]

log = logging.getLogger(__name__)

#: ``umask 077``: new directories 0700, new files 0600.
PRIVATE_UMASK = 0o077
_POSIX = os.name == "posix"


def restrict_umask() -> None:
    """Make every file this process creates from now on owner-only (the CLI and server entry points)."""
    if _POSIX:
        os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parent as ``0700``; an existing directory is left as it is."""
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue
        if _POSIX:
            os.chmod(directory, 0o700)  # mkdir's mode is filtered by the umask; make it exact
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty and ``0600`` when it does not exist (SQLite then opens it as a new
    database and gives its journal files the same mode); an existing file is left as it is."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    try:
        if _POSIX:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_private(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` as an owner-only file (``0600``, also when it existed before):
    exports hold records and must not be left readable by everyone on the host."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        if _POSIX:
            os.fchmod(out.fileno(), 0o600)
        out.write(data.encode("utf-8") if isinstance(data, str) else data)


def _secret_paths(settings: Settings) -> list[Path]:
    """The paths whose exposure matters: the data directory, the SQLite file and its journals, the
    raw-tier key ring and its directory, the ledger key directory and its private keys."""
    paths = [settings.data_dir]
    if settings.is_sqlite:
        db = settings.effective_database_url.split("///", 1)[-1]
        if db and db != ":memory:":
            paths += [Path(db), Path(db + "-wal"), Path(db + "-shm")]
    raw = settings.effective_raw_key_file
    if settings.raw_key_file is None:
        # the default keys/ directory and every file in it (an operator's own directory is theirs)
        paths.append(raw.parent)
        if raw.parent.is_dir():
            paths += sorted(p for p in raw.parent.iterdir() if p.is_file())
    paths.append(raw)
    ledger = settings.effective_ledger_key_dir
    paths.append(ledger)
    if ledger.is_dir():
        paths += sorted(ledger.glob("*.key"))
    return list(dict.fromkeys(paths))


def exposed_paths(settings: Settings) -> list[str]:
    """One line per existing data directory, database or key path that the group or others may read,
    write or enter, saying how to fix it. Empty when everything is owner-only (or not on POSIX)."""
    if not _POSIX:
        return []
    problems = []
    for path in _secret_paths(settings):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            wanted = 0o700 if path.is_dir() else 0o600
            problems.append(
                f"{path} has mode {mode:04o}: the group or others can reach it; run `chmod {wanted:o} {path}`"
            )
    return problems


def warn_exposed(settings: Settings) -> list[str]:
    """Log a warning per exposed path (see :func:`exposed_paths`) and return the lines."""
    problems = exposed_paths(settings)
    for line in problems:
        log.warning("file permissions: %s", line)
    return problems
