"""AT-2/AT-3/AT-4: `charter audit` end to end on a fresh `charter init`, and `charter-verify` offline."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from charter.cli.main import app
from charter.ledger.offline import main as charter_verify
from charter.runtime import Runtime
from charter.settings import Settings
from tests.integration.ledger.ledgerkit import make_tenant, record_change, record_interaction

runner = CliRunner()


@pytest.fixture
def cli_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CHARTER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    monkeypatch.setenv("CHARTER_LEDGER_CHECKPOINT_EVERY", "5")
    result = runner.invoke(app, ["init", "--json"])
    assert result.exit_code == 0, result.output
    return Settings(data_dir=data_dir, embedded_model="none", ledger_checkpoint_every=5)


def audit(*args: str) -> tuple[int, Any]:
    result = runner.invoke(app, ["audit", *args, "--json"])
    try:
        return result.exit_code, json.loads(result.stdout)
    except ValueError:
        return result.exit_code, result.output


def seed(settings: Settings, n: int = 12, when: dt.datetime | None = None) -> dict[str, str]:
    rt = Runtime.open(settings)
    try:
        tid, uid = make_tenant(rt, "agency-x")
        for i in range(n):
            if i % 2:
                record_interaction(rt, tid, uid, i, when=when)
            else:
                record_change(rt, tid, i, when=when)
        return {"tenant": tid, "use_case": uid}
    finally:
        rt.close()


def test_at2_cli_checkpoint_verify_and_proofs(cli_env: Settings) -> None:
    seed(cli_env)
    code, signed = audit("checkpoint")
    assert code == 0 and signed and signed[-1]["tree_size"] >= 12
    code, report = audit("verify")
    assert code == 0 and report["ok"] and report["unsigned_tail"] == 0, report
    size = signed[-1]["tree_size"]
    code, proof = audit("proof", "--seq", "3")
    assert code == 0 and proof["verified"] and proof["tree_size"] == size
    code, heads = audit("heads")
    sizes = sorted(h["tree_size"] for h in heads)
    code, cons = audit("proof", "--first", str(sizes[0]), "--second", str(sizes[-1]))
    assert code == 0 and cons["verified"]
    code, entries = audit("entries", "--action", "interaction.recorded", "--limit", "3")
    assert code == 0 and [e["action"] for e in entries] == ["interaction.recorded"] * 3


def test_at2_cli_verify_exits_nonzero_and_names_the_entry(cli_env: Settings) -> None:
    seed(cli_env)
    audit("checkpoint")
    rt = Runtime.open(cli_env)
    with rt.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entries SET subject = 'other' WHERE seq = 7"))
    rt.close()
    code, report = audit("verify")
    assert code == 1 and report["first_problem"]["seq"] == 7
    human = runner.invoke(app, ["audit", "verify"])
    assert human.exit_code == 1 and "first bad entry: 7" in human.output


def test_at2_at4_export_bundle_verifies_offline_and_is_audited(cli_env: Settings, tmp_path: Path) -> None:
    seed(cli_env)
    audit("checkpoint")
    bundle_path = tmp_path / "bundle.json"
    code, summary = audit("export", "-o", str(bundle_path))
    assert code == 0 and summary["entries"] > 12
    assert charter_verify([str(bundle_path), "--json"]) == 0
    _, exported = audit("entries", "--action", "ledger.exported")
    assert exported[0]["seq"] == summary["export_seq"]
    # an outside auditor's copy that someone edited no longer verifies
    bundle = json.loads(bundle_path.read_text())
    victim = next(e for e in bundle["entries"] if e["action"] == "interaction.recorded")
    victim["event"] = victim["event"].replace('"status":"ok"', '"status":"blocked"')
    bundle_path.write_text(json.dumps(bundle))
    assert charter_verify([str(bundle_path)]) == 1


def test_at2_bundle_for_one_tenant_and_a_time_range(cli_env: Settings, tmp_path: Path) -> None:
    seed(cli_env)
    audit("checkpoint")
    _, entries = audit("entries", "--after", "-1", "--limit", "1000")
    middle = entries[len(entries) // 2]["ts"]
    bundle_path = tmp_path / "b.json"
    code, summary = audit("export", "-o", str(bundle_path), "--since", middle, "--tenant", "agency-x")
    assert code == 0 and summary["range"]["from_seq"] > 0
    bundle = json.loads(bundle_path.read_text())
    assert {e.get("tenant_id") for e in bundle["entries"]} <= {bundle["range"]["tenant_id"], None}
    assert charter_verify([str(bundle_path)]) == 0
    # pinning a key that did not sign the heads fails
    other = tmp_path / "other.pub"
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from charter.ledger.note import public_pem

    other.write_text(public_pem(Ed25519PrivateKey.generate().public_key()))
    assert charter_verify([str(bundle_path), "--trusted-key", str(other)]) == 1


def test_at2_charter_verify_runs_without_sqlalchemy(cli_env: Settings, tmp_path: Path) -> None:
    seed(cli_env, n=4)
    audit("checkpoint")
    bundle_path = tmp_path / "bundle.json"
    audit("export", "-o", str(bundle_path))
    script = (
        "import sys\n"
        "for name in ('sqlalchemy', 'pydantic', 'fastapi', 'orjson', 'rfc8785', 'typer'):\n"
        "    sys.modules[name] = None  # importing any of them now fails\n"
        "from charter.ledger.offline import main\n"
        f"sys.exit(main([{str(bundle_path)!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK:")


def test_at2_key_rotation_keeps_old_heads_verifiable(cli_env: Settings) -> None:
    seed(cli_env, n=6)
    audit("checkpoint")
    _, before = audit("keys")
    code, rotated = audit("rotate-key", "--delete-old-private")
    assert code == 0 and rotated["current"] != before["current"]
    seed_more = Runtime.open(cli_env)
    record_change(seed_more, "ten_x", 99)
    seed_more.close()
    audit("checkpoint")
    _, heads = audit("heads")
    assert {h["key_id"] for h in heads} == {before["current"], rotated["current"]}
    code, report = audit("verify")
    assert code == 0 and report["ok"], report


def test_at3_purge_respects_retention_floor_and_legal_hold(cli_env: Settings) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    seeded = seed(cli_env, n=10, when=old)
    rt = Runtime.open(cli_env)
    held, held_uc = make_tenant(rt, "agency-held")
    for i in range(4):
        record_interaction(rt, held, held_uc, 100 + i, when=old)
    rt.close()
    assert audit("hold", "agency-held")[0] == 0
    code, refused = audit("purge", "--older-than-days", "30")
    assert code != 0
    code, refused = audit("purge", "--tenant", "agency-held")
    assert code == 1 and refused["error"]["code"] == "legal_hold"
    code, record = audit("purge", "--older-than-days", "365")
    assert code == 0 and record["purged"] == 10 and record["held_tenants"] == [held]
    _, kept = audit("entries", "--tenant", "agency-held", "--action", "interaction.recorded")
    assert all(e["event"] is not None for e in kept) and len(kept) == 4
    _, gone = audit("entries", "--tenant", "agency-x", "--limit", "100")
    assert [
        e for e in gone if e["action"] != "ledger.purged" and e["event"] is not None and e["ts"] < record["before"]
    ] == []
    code, report = audit("verify")
    assert code == 0 and report["purged_payloads"] == 10, report
    # tampering in what remains is still caught
    rt = Runtime.open(cli_env)
    with rt.engine.begin() as conn:
        conn.execute(
            text("UPDATE ledger_entries SET event = NULL WHERE tenant_id = :t AND action = 'interaction.recorded'"),
            {"t": held},
        )
        first_held = conn.execute(
            text("SELECT min(seq) FROM ledger_entries WHERE tenant_id = :t AND action = 'interaction.recorded'"),
            {"t": held},
        ).scalar()
    rt.close()
    code, report = audit("verify")
    assert code == 1 and report["first_problem"] == {
        "seq": first_held,
        "kind": "payload_deleted",
        "message": f"entry {first_held}: its event was removed without a signed purge entry",
    }
    assert seeded["tenant"]
