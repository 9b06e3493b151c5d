"""Backup, restore and the restore drill (issue 18 item 1; RR-1, RR-2) on SQLite and PostgreSQL,
with the real SQLite online backup API and the real pg_dump / pg_restore."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from charter.backup.database import dump_postgres
from charter.backup.drill import run_drill
from charter.backup.sealing import Protector
from charter.backup.service import create_backup, load_manifest, restore_backup
from charter.bootstrap import init
from charter.cli.main import app
from charter.errors import CharterError
from charter.identity.subjects import SubjectKey
from charter.interactions.service import read_raw
from charter.ledger.tables import ledger_entries
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import interactions
from tests.conftest import LOOPBACK_ALLOW, Platform, pg_schema_url

PASS = Protector(passphrase="correct horse battery staple")


@pytest.fixture
def target(tmp_path: Path, database_url: str | None) -> Iterator[Settings]:
    """An empty place to restore into: a new data directory, and on PostgreSQL a new (migrated, empty) database."""
    urls = pg_schema_url() if database_url is not None else None
    url = next(urls) if urls is not None else None
    try:
        yield Settings(data_dir=tmp_path / "restored", database_url=url, embedded_model="none", llama_threads=1,
                       outbound_allow=LOOPBACK_ALLOW)
    finally:
        if urls is not None:
            urls.close()  # drops the database


def _ask(http: httpx.Client, platform: Platform, text: str) -> str:
    r = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": text}]},
                  headers=platform.auth())
    assert r.status_code == 200, r.text
    return str(r.json()["charter"]["interaction_id"])


def _interaction_ids(rt: Runtime) -> set[str]:
    with rt.engine.connect() as conn:
        return set(conn.execute(select(interactions.c.id)).scalars())


def _actions(rt: Runtime) -> list[str]:
    with rt.engine.connect() as conn:
        return list(conn.execute(select(ledger_entries.c.action).order_by(ledger_entries.c.seq)).scalars())


def _code(exc: pytest.ExceptionInfo[CharterError]) -> str:
    return exc.value.code


def test_backup_while_serving_restores_the_same_interactions_and_verifies(http, platform, live, target, tmp_path):
    before = {_ask(http, platform, f"question {i} before the backup") for i in range(3)}
    stop, during = threading.Event(), []

    def traffic() -> None:
        with httpx.Client(base_url=live.url, timeout=30) as client:
            while not stop.is_set():
                during.append(_ask(client, platform, "asked while the backup runs"))

    worker = threading.Thread(target=traffic)
    worker.start()
    try:
        backup = create_backup(platform.rt, tmp_path / "bk", PASS, actor="test")
    finally:
        stop.set()
        worker.join(30)
    assert during, "no request was served during the backup"
    assert 0 < backup["ledger"]["size"] <= backup["ledger_seq"]
    assert _actions(platform.rt)[backup["ledger_seq"]] == "backup.created"

    report = restore_backup(target, tmp_path / "bk", PASS, actor="test")
    assert report["ok"] and report["verify"]["ok"] and report["ledger"]["head_matches"], report
    restored = Runtime.open(target)
    try:
        ids = _interaction_ids(restored)
        assert before <= ids <= _interaction_ids(platform.rt)  # all acknowledged before; nothing invented
        assert _actions(restored)[-1] == "backup.restored"
        raw = read_raw(restored, platform.tenant_id, sorted(before)[0], actor="test")  # the key ring came back
        assert raw["messages"][0]["content"].endswith("before the backup")
    finally:
        restored.close()

    # no keys in this data directory, but the same store, which now holds records
    same_store = target.effective_database_url
    elsewhere = target.model_copy(update={"data_dir": tmp_path / "other", "database_url": same_store})
    with pytest.raises(CharterError) as exc:
        restore_backup(elsewhere, tmp_path / "bk", PASS, actor="test")
    assert _code(exc) == "restore_target_not_empty"
    again = restore_backup(elsewhere, tmp_path / "bk", PASS, actor="test", force=True)
    assert again["ok"] and again["ledger"]["size"] == backup["ledger"]["size"]


def test_drill_reports_rpo_rto_and_a_passing_verify_and_is_ledgered(http, platform):
    _ask(http, platform, "a question the drill must bring back")
    result = run_drill(platform.rt, actor="test")
    assert result["ok"] and result["verify"]["ok"], result
    assert result["ledger"]["head_matches"] and result["ledger"]["live_head_matches"]
    assert result["verify"]["interactions_checked"] >= 1
    assert 0 <= result["rpo_s"] < 60 and 0 < result["rto_s"] < 60
    assert result["ledger_entries_since_backup"] >= 1  # backup.created came after the copy
    assert _actions(platform.rt)[-2:] == ["backup.created", "backup.drill"]


@pytest.fixture
def sqlite_backup(sqlite_settings: Settings, tmp_path: Path) -> tuple[Runtime, Path]:
    rt = Runtime.open(sqlite_settings)
    init(rt)
    SubjectKey.open_or_create(sqlite_settings.data_dir / "keys" / "subjects.key")
    create_backup(rt, tmp_path / "bk", PASS, actor="test")
    rt.close()
    return rt, tmp_path / "bk"


def _fresh(tmp_path: Path, name: str) -> Settings:
    return Settings(data_dir=tmp_path / name, embedded_model="none", llama_threads=1)


def test_key_material_never_appears_in_clear_in_the_backup(sqlite_backup):
    rt, bk = sqlite_backup
    settings = rt.settings
    secrets: list[bytes] = []
    ring = json.loads(settings.effective_raw_key_file.read_bytes())
    for text in ring["keys"].values():
        secrets += [text.encode(), base64.b64decode(text)]
    for path in settings.effective_ledger_key_dir.glob("*.key"):
        pem = path.read_bytes()
        secrets += [pem, b"".join(pem.splitlines()[1:-1])]  # the PEM, and its base64 body on one line
    secrets.append((settings.data_dir / "keys" / "subjects.key").read_bytes())
    contents = [p.read_bytes() for p in bk.iterdir()]
    assert len(secrets) >= 4 and len(contents) == 3
    assert not [s for s in secrets for c in contents if s in c]
    assert (bk.stat().st_mode & 0o777) == 0o700 and all((p.stat().st_mode & 0o777) == 0o600 for p in bk.iterdir())
    manifest = load_manifest(bk)
    assert set(manifest["keys"]["contents"]) >= {"raw-tier.json", "subjects.key"}


def test_tampered_truncated_or_incomplete_backup_is_refused(sqlite_backup, tmp_path):
    _, bk = sqlite_backup
    cases = {}
    for case in ("flip", "truncate", "rewrite-manifest", "missing", "format", "newer"):
        copy = tmp_path / case
        shutil.copytree(bk, copy)
        db, manifest = copy / "charter.db", json.loads((copy / "manifest.json").read_text())
        if case == "flip":
            data = bytearray(db.read_bytes())
            data[len(data) // 2] ^= 1
            db.write_bytes(bytes(data))
        elif case == "truncate":
            db.write_bytes(db.read_bytes()[:-4096])
        elif case == "rewrite-manifest":  # a consistent edit of both: the sealed hash still catches it
            db.write_bytes(db.read_bytes()[:-4096])
            manifest["files"]["charter.db"] = {"sha256": hashlib.sha256(db.read_bytes()).hexdigest(),
                                               "size": db.stat().st_size}
        elif case == "missing":
            (copy / "keys.sealed").unlink()
        elif case == "format":
            manifest["format_version"] = 99
        else:  # made by a later Charter: a migration this one does not have
            manifest["alembic_revisions"].append("9999_from_the_future")
        (copy / "manifest.json").write_text(json.dumps(manifest))
        with pytest.raises(CharterError) as exc:
            restore_backup(_fresh(tmp_path, f"to-{case}"), copy, PASS, actor="test")
        cases[case] = _code(exc)
        assert not (tmp_path / f"to-{case}" / "charter.db").exists()  # refused before anything was written
    assert cases == {"flip": "backup_tampered", "truncate": "backup_tampered", "rewrite-manifest": "backup_tampered",
                     "missing": "backup_missing_file", "format": "backup_format_unsupported",
                     "newer": "backup_format_unsupported"}


def test_restore_refuses_a_store_holding_tables_that_are_not_charters(sqlite_backup, tmp_path):
    _, bk = sqlite_backup
    target = _fresh(tmp_path, "shared")
    target.data_dir.mkdir()
    with sqlite3.connect(target.data_dir / "charter.db") as conn:
        conn.execute("CREATE TABLE payroll (id INTEGER)")
    with pytest.raises(CharterError) as exc:
        restore_backup(target, bk, PASS, actor="test")
    assert _code(exc) == "restore_target_not_empty" and "payroll" in exc.value.message


def test_wrong_passphrase_or_wrapping_key_is_refused_and_writes_nothing(sqlite_backup, tmp_path):
    _, bk = sqlite_backup
    for protector in (Protector(passphrase="wrong"), Protector(wrapping_key=bytes(32))):
        with pytest.raises(CharterError) as exc:
            restore_backup(_fresh(tmp_path, "to"), bk, protector, actor="test")
        assert _code(exc) == "backup_key_invalid"
        assert not (tmp_path / "to" / "keys").exists()


def test_cli_backup_with_wrapping_key_restore_refuses_non_empty_then_restores(data_dir, tmp_path, monkeypatch):
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Any:
        result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
        assert result.exit_code == code, (args, result.output)
        return json.loads(result.output)

    key = tmp_path / "wrapping.key"
    key.write_bytes(b"k" * 32)
    monkeypatch.setenv("CHARTER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    run("init")
    made = run("backup", "-o", str(tmp_path / "bk"), "--wrapping-key", str(key))
    assert made["keys"]["scheme"] == "wrapping-key"
    assert run("restore", str(tmp_path / "bk"), "--wrapping-key", str(key), code=1)["error"]["code"] == (
        "restore_target_not_empty"
    )
    monkeypatch.setenv("CHARTER_DATA_DIR", str(tmp_path / "new"))
    monkeypatch.setenv("CHARTER_BACKUP_PASSPHRASE", "not the scheme it was sealed with")
    assert run("restore", str(tmp_path / "bk"), code=1)["error"]["code"] == "backup_key_invalid"
    done = run("restore", str(tmp_path / "bk"), "--wrapping-key", str(key))
    assert done["ok"] and done["verify"]["ok"] and done["ledger"]["head_matches"]
    drill = run("backup", "drill", "--from", str(tmp_path / "bk"), "--wrapping-key", str(key))
    assert drill["ok"] and drill["rto_s"] > 0


def test_missing_pg_dump_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    with pytest.raises(CharterError) as exc:
        dump_postgres("postgresql+psycopg://charter:secret@127.0.0.1:1/charter", tmp_path / "charter.dump")
    assert _code(exc) == "backup_tool_missing" and "postgresql-client" in exc.value.message
