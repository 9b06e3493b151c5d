"""Backup, restore and the drill over a large store: restore time (RTO) and RPO.

One command, from the repository root:

    .venv/bin/python benchmarks/backup_restore.py [--interactions 1000000] [--database-url URL]

1. Builds a store of N interactions, each covered by its ledger entry (bulk, with the real canonical
   JSON and hashes, signed by the checkpointer: setup, not timed), with an initialised key ring.
2. ``charter backup`` (create_backup, passphrase-sealed keys), next to the peer a hand backup would
   be: SQLite's ``.backup`` of the same file alone (the online backup API, no manifest, no hashes,
   no keys), or a bare ``pg_dump -Fc`` on PostgreSQL.
3. ``charter restore`` into a fresh data directory (and a fresh database on PostgreSQL): checks,
   copy, migrations, then ``audit verify`` of every entry and interaction. RTO = restore + verify.
   Peer: copying the database file back (``pg_restore`` on PostgreSQL) without any check.
4. ``charter backup drill --from`` the same backup: RPO (age of the newest record in it, now) and RTO.

Writes benchmarks/results/backup_restore.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
RESULTS = HERE / "results" / "backup_restore.md"
sys.path.insert(0, str(HERE))

from ledger import SAMPLE, bulk_entries  # noqa: E402  (benchmarks/ledger.py: the bulk log builder)
from sqlalchemy import create_engine, make_url, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from charter.backup.database import libpq_target  # noqa: E402
from charter.backup.drill import run_drill  # noqa: E402
from charter.backup.sealing import Protector  # noqa: E402
from charter.backup.service import create_backup, restore_backup  # noqa: E402
from charter.bootstrap import init  # noqa: E402
from charter.ledger import interaction_event  # noqa: E402
from charter.ledger.checkpoint import checkpoint_now  # noqa: E402
from charter.runtime import Runtime  # noqa: E402
from charter.settings import Settings  # noqa: E402
from charter.store.schema import interactions, tenants, use_cases  # noqa: E402

PASS = Protector(passphrase="benchmark passphrase")


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def settings_for(data_dir: Path, url: str | None) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, embedded_model="none", ledger_checkpoint_every=10_000)


def build(rt: Runtime, n: int) -> None:
    init(rt)  # keys, platform tenant, a few ledger entries
    first = rt.writer.write(lambda c: c.execute(text("SELECT next_seq FROM ledger_state")).scalar_one())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    with rt.engine.begin() as conn:
        conn.execute(tenants.insert().values(id="ten_bench", tenant_id="ten_bench", name="bench", display_name="",
                                             legal_hold=False, created_at=now))
        conn.execute(use_cases.insert().values(id="uc_bench", tenant_id="ten_bench", name="bench", current_version=1,
                                               created_at=now, updated_at=now))
    chunk = 50_000
    for start in range(0, n, chunk):
        rows = [{**SAMPLE, "id": f"int_{i:024d}", "request_id": f"req-{i}", "cost": i * 1e-6,
                 "created_at": now + dt.timedelta(microseconds=i)} for i in range(start, min(start + chunk, n))]
        with rt.engine.begin() as conn:
            conn.execute(interactions.insert(), rows)
        bulk_entries(rt, len(rows), first=first + start, make_event=lambda s, r=rows, b=first + start: (
            interaction_event(r[s - b])), subject=lambda s, r=rows, b=first + start: r[s - b]["id"],
            action="interaction.recorded")
        print(f"  built {min(start + chunk, n):,}", flush=True)
    checkpoint_now(rt)


def peer_backup(settings: Settings, dest: Path) -> None:
    if settings.is_sqlite:
        src, out = sqlite3.connect(settings.effective_database_url.split("///", 1)[-1]), sqlite3.connect(dest)
        src.backup(out)
        out.close()
        src.close()
        return
    dsn, env = libpq_target(settings.effective_database_url)
    subprocess.run(["pg_dump", "-Fc", f"--file={dest}", dsn], env=env, check=True)


def peer_restore(settings: Settings, copy: Path, target_url: str | None, target_dir: Path) -> None:
    if settings.is_sqlite:
        target_dir.mkdir(parents=True)
        shutil.copyfile(copy, target_dir / "charter.db")
        return
    assert target_url
    dsn, env = libpq_target(target_url)
    subprocess.run(["pg_restore", "--no-owner", "--single-transaction", f"--dbname={dsn}", str(copy)], env=env,
                   check=True)


class Databases:
    """Scratch PostgreSQL databases made and dropped by the benchmark (none on SQLite)."""

    def __init__(self, url: str | None) -> None:
        self.url, self.names = url, []

    def new(self, name: str) -> str | None:
        if self.url is None:
            return None
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.names.append(name)
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self.url is None:
            return
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(args: argparse.Namespace, scratch: Path, dbs: Databases) -> dict[str, Any]:
    source = settings_for(scratch / "source", dbs.new("bench_backup_src"))
    rt = Runtime.open(source)
    try:
        print(f"building {args.interactions:,} interactions ...", flush=True)
        _, build_s = timed(lambda: build(rt, args.interactions))
        print("backup ...", flush=True)
        made, backup_s = timed(lambda: create_backup(rt, scratch / "bk", PASS, actor="bench"))
        _, peer_backup_s = timed(lambda: peer_backup(source, scratch / "peer.copy"))
        print("restore ...", flush=True)
        target = settings_for(scratch / "restored", dbs.new("bench_backup_dst"))
        restored, restore_total_s = timed(lambda: restore_backup(target, scratch / "bk", PASS, actor="bench"))
        peer_url = dbs.new("bench_backup_peer")
        _, peer_restore_s = timed(lambda: peer_restore(source, scratch / "peer.copy", peer_url, scratch / "peer"))
        print("drill ...", flush=True)
        drill = run_drill(rt, actor="bench", source=scratch / "bk", protector=PASS)
    finally:
        rt.close()
    size = sum(p.stat().st_size for p in (scratch / "bk").iterdir())
    return {"n": args.interactions, "build_s": build_s, "backup_s": backup_s, "peer_backup_s": peer_backup_s,
            "restored": restored, "restore_total_s": restore_total_s, "peer_restore_s": peer_restore_s,
            "drill": drill, "size": size, "ledger_size": made["ledger"]["size"], "store": made["store"]}


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    rs, d = r["restored"], r["drill"]
    store = "SQLite (WAL, synchronous=FULL)" if r["store"] == "sqlite" else "PostgreSQL 15 (local)"
    peer_b = "SQLite online backup API alone" if r["store"] == "sqlite" else "bare `pg_dump -Fc`"
    peer_r = "copy the file back, no checks" if r["store"] == "sqlite" else "bare `pg_restore`, no checks"
    cmd = "benchmarks/backup_restore.py" + (f" --interactions {args.interactions}" if args.interactions != 1_000_000
                                             else "") + (" --database-url URL" if args.database_url else "")
    rto = rs["restore_s"] + rs["verify_s"]
    backup_ratio, restore_ratio = r["backup_s"] / r["peer_backup_s"], rs["restore_s"] / r["peer_restore_s"]
    checked = f"{rs['verify']['entries']:,} entries, {rs['verify']['interactions_checked']:,} interactions"
    rows = "\n".join([
        f"| `charter backup` (copy + SHA-256 of every file + sealed keys + manifest) | {r['backup_s']:.1f} s | "
        f"{peer_b}: {r['peer_backup_s']:.1f} s | {backup_ratio:.2f} |",
        f"| `charter restore`: checks, keys, database, migrations | {rs['restore_s']:.1f} s | "
        f"{peer_r}: {r['peer_restore_s']:.1f} s | {restore_ratio:.2f} |",
        f"| `audit verify` of the restored store ({checked}) | {rs['verify_s']:.1f} s | | |",
        f"| RTO = restore + verify | {rto:.1f} s (whole call incl. hash checks and decrypt: "
        f"{r['restore_total_s']:.1f} s) | | |",
    ])
    return f"""## Backup and restore (`{cmd}`)

Command: `.venv/bin/python {cmd}`
Store: {store}; {r['n']:,} interactions, each covered by its ledger entry ({r['ledger_size']:,} entries,
signed heads every 10,000); backup {r['size'] / 1e6:,.0f} MB. CPython {platform.python_version()}, 2 vCPU shared
with other work (wall-clock figures are pessimistic); {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.

| measure | Charter | peer (same run) | ratio |
|---|---|---|---|
{rows}
| drill (`--from` that backup): RTO | {d['rto_s']:.1f} s | | |
| drill: RPO (age of the newest record in the backup at the end of the drill) | {d['rpo_s']:.1f} s | | |

RPO here is how old the backup was when the drill ended (it was made minutes before, while the
store was being built); in production it is the time since the last backup plus its age at copy
time: run `charter backup` as often as the data at risk allows, and the drill to prove it restores.
Building the store (setup, not timed in the table): {r['build_s']:.0f} s.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="backup-bench-", dir=WORK))
    dbs = Databases(args.database_url)
    try:
        result = run(args, scratch, dbs)
    finally:
        dbs.drop_all()
        shutil.rmtree(scratch, ignore_errors=True)
    out = report(args, result)
    args.out.write_text(out)
    print(out)


if __name__ == "__main__":
    main()
