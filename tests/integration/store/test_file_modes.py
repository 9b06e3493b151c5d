"""Issue 10 item 6 (SA-3): everything Charter creates is owner-only (directories 0700, files 0600),
whatever the umask; a data directory, database or key file open to others is warned about at every
start and in the output of ``charter init``."""

from __future__ import annotations

import logging
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.bootstrap import init
from charter.cli.main import app
from charter.files import exposed_paths, write_private
from charter.runtime import Runtime
from charter.settings import Settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual umask 022 (files 0644, directories 0755): Charter must not rely on the caller's."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_sa3_init_creates_owner_only_directories_database_and_keys(tmp_path, database_url, loose_umask):
    data = tmp_path / "srv" / "charter"  # neither directory exists yet
    settings = Settings(data_dir=data, database_url=database_url, embedded_model="none", llama_threads=1)
    rt = Runtime.open(settings)  # migrates: the SQLite file and its WAL journal exist from here
    try:
        result = init(rt)  # keys, the platform tenant, the demo tenant: writes through the journal
        keys, ledger_dir = data / "keys", data / "keys" / "ledger"
        expected = {data.parent: 0o700, data: 0o700, keys: 0o700, ledger_dir: 0o700, keys / "raw-tier.json": 0o600}
        expected.update({p: 0o600 for p in ledger_dir.iterdir()})  # <kid>.key, <kid>.pub, current
        assert any(p.suffix == ".key" for p in ledger_dir.iterdir())
        if settings.is_sqlite:
            db = data / "charter.db"
            expected.update({db: 0o600, Path(f"{db}-wal"): 0o600, Path(f"{db}-shm"): 0o600})
        assert {p: oct(_mode(p)) for p in expected} == {p: oct(m) for p, m in expected.items()}
        assert result["permission_warnings"] == [] and exposed_paths(settings) == []
    finally:
        rt.close()


@pytest.fixture
def exposed_db(data_dir: Path, sqlite_template: Path) -> Settings:
    """A data directory someone made with the usual umask: 0755, and a database copied in as 0644."""
    os.chmod(data_dir, 0o755)
    db = data_dir / "charter.db"
    shutil.copyfile(sqlite_template, db)
    os.chmod(db, 0o644)
    return Settings(data_dir=data_dir, embedded_model="none", llama_threads=1)


def test_sa3_a_database_readable_by_others_is_warned_about_at_start(exposed_db, caplog):
    with caplog.at_level(logging.WARNING, logger="charter.files"):
        rt = Runtime.open(exposed_db)
    try:
        result = init(rt)
    finally:
        rt.close()
    db, data = exposed_db.data_dir / "charter.db", exposed_db.data_dir
    warned = [r.getMessage() for r in caplog.records if r.name == "charter.files"]
    assert any(f"{db} has mode 0644" in m and f"chmod 600 {db}" in m for m in warned), warned
    assert any(f"{data} has mode 0755" in m and f"chmod 700 {data}" in m for m in warned), warned
    # Charter does not change modes it did not set; it says what to run
    assert _mode(db) == 0o644
    assert [line for line in result["permission_warnings"] if line.startswith(f"{db} ")] == [
        f"{db} has mode 0644: the group or others can reach it; run `chmod 600 {db}`"
    ]
    # SQLite gave its journal files the database file's mode: they are named too
    assert any(line.startswith(f"{db}-wal has mode 0644") for line in result["permission_warnings"])
    # the keys init made in the existing directory are owner-only nonetheless
    assert _mode(data / "keys" / "raw-tier.json") == 0o600 and _mode(data / "keys") == 0o700


def test_sa3_charter_init_prints_the_permission_warning(exposed_db, monkeypatch):
    monkeypatch.setenv("CHARTER_DATA_DIR", str(exposed_db.data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    result = CliRunner().invoke(app, ["init"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "charter.db has mode 0644" in result.output.replace("\n", "")
    os.chmod(exposed_db.data_dir / "charter.db", 0o600)
    os.chmod(exposed_db.data_dir, 0o700)
    again = CliRunner().invoke(app, ["init"], catch_exceptions=False)
    assert again.exit_code == 0 and "warning" not in again.output


def test_sa3_exports_are_owner_only_even_over_an_existing_file(tmp_path, loose_umask):
    out = tmp_path / "bundle.json"
    out.write_text("old")
    os.chmod(out, 0o644)
    write_private(out, "{}")
    assert _mode(out) == 0o600 and out.read_text() == "{}"
