"""Retention and erasure over a large store, and whether the gateway keeps serving while they run.

One command, from the repository root:

    .venv/bin/python benchmarks/retention_erasure.py [--interactions 1000000] [--database-url URL] [--quick]

1. Builds a store of N interactions spread over two years (each covered by its real ledger entry, each
   with a raw tier row of random bytes the size of a sealed exchange; 2 % held for review, nine in ten
   of those decided, 1 % with feedback carrying a correction), then starts a live ``charter serve`` on
   it (its scheduler on, no job due until a phase makes one due), pinned to its own core, answering from
   the mock upstream of benchmarks/gateway_overhead.py (whose harness this reuses). End users: two heavy
   subjects with ``--heavy`` records each (10,000) spread over the two years, the others ~10 records each.
2. Each operation runs while a c=64 load drives the gateway the whole time: a "before" window (the
   baseline), the operation, an "after" window. Operations: erasure of a heavy subject in a process of
   its own (``erase_subject``, as ``charter subjects erase``) and of the other through the server's API;
   100 ordinary subjects one after another; retention by the server's own scheduled job with
   ``retention_days: 548`` (the oldest quarter), then the floor (a bare ``DELETE ... WHERE
   interaction_id IN (...)`` of the raw rows the next run expires, on a copy, batches of 2,000, no
   ledger), then ``expire_content`` in a process of its own (``charter jobs run``) with ``365`` (the
   next quarter).
3. ``audit verify`` of the whole ledger afterwards (timed; it must pass).

Writes benchmarks/results/retention_erasure.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gateway_overhead as harness  # noqa: E402  (the shared gateway harness, a sibling script)
from backup_restore import Databases  # noqa: E402  (scratch PostgreSQL databases, dropped at the end)
from ledger import SAMPLE, bulk_entries  # noqa: E402  (the bulk ledger builder)
from sqlalchemy import bindparam, func, select, text  # noqa: E402

from charter.identity.requests import erase_subject  # noqa: E402
from charter.interactions.retention import DEFAULT_BATCH, expire_content  # noqa: E402
from charter.jobs.catalog import builtin_jobs  # noqa: E402
from charter.jobs.leases import ensure_leases  # noqa: E402
from charter.jobs.tables import job_leases, job_runs  # noqa: E402
from charter.ledger import interaction_event  # noqa: E402
from charter.ledger.checkpoint import checkpoint_now  # noqa: E402
from charter.ledger.service import verify  # noqa: E402
from charter.ledger.tables import ledger_entries  # noqa: E402
from charter.oversight.tables import feedback, review_items, review_versions  # noqa: E402
from charter.runtime import Runtime  # noqa: E402
from charter.settings import Settings  # noqa: E402
from charter.store.schema import interaction_raw, interactions, tenants, use_cases  # noqa: E402

RESULTS = HERE / "results" / "retention_erasure.md"
USE_CASE = "gateway-bench"
FIRST_DAYS, SECOND_DAYS = 548, 365  # the scheduled run expires the oldest quarter, the separate process the next
CHUNK = 50_000
COPY = "bench_raw_copy"  # the peer's copy of the due raw rows (dropped after)


def subject(name: str) -> str:
    return "sub_" + hashlib.md5(name.encode()).hexdigest()


HEAVY = subject("heavy")  # erased by a process of its own (as `charter subjects erase` does)
HEAVY_API = subject("heavy-api")  # erased through the live server's API (its writer, its process)
JOB = "interactions.retention"
FAR = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def ordinary(u: int) -> str:
    return subject(f"u{u}")


def settings_for(data_dir: Path, url: str | None) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, embedded_model="none", ledger_checkpoint_every=10_000,
                    scheduler="off")


def _sealed(i: int) -> dict[str, Any]:
    return {"v": 1, "kek": 1, "dek": os.urandom(60).hex(), "nonce": os.urandom(12).hex(), "ct": os.urandom(400).hex()}


def _rows(i: int, n: int, heavy: int, tenant_id: str, uc: str, now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    created = now - dt.timedelta(days=730) + dt.timedelta(days=730) * (i / n)
    step = n // heavy
    sub = HEAVY if i % step == 0 else HEAVY_API if i % step == step // 2 else ordinary(i % max(1, n // 10))
    iid = f"int_{i:024d}"
    out: dict[str, list[dict[str, Any]]] = {
        "interactions": [{**SAMPLE, "id": iid, "tenant_id": tenant_id, "use_case_id": uc, "charter_version": 1,
                          "request_id": f"req-{i}", "subject_id": sub, "has_raw": True, "created_at": created}],
        "raw": [{"interaction_id": iid, "tenant_id": tenant_id, "kek_version": 1, "wrapped_dek": os.urandom(60),
                 "nonce": os.urandom(12), "ciphertext": os.urandom(800)}],
        "reviews": [], "versions": [], "feedback": [],
    }
    if i % 51 == 0:
        rid = f"rev_{i:024d}"
        out["reviews"].append({
            "id": rid, "tenant_id": tenant_id, "use_case_id": uc, "interaction_id": iid, "kind": "hold",
            "status": "pending" if i % 510 == 0 else "approved", "reasons": ["pii"], "findings": [],
            "requester_key_id": "key_app", "charter_version": 1, "required_approvals": 1, "approvals": [],
            "current_version": 1, "sealed_request": _sealed(i), "created_at": created,
            "due_at": created + dt.timedelta(days=2), "subject_id": sub,
            "decided_at": None if i % 510 == 0 else created + dt.timedelta(hours=3),
            "decided_by": None if i % 510 == 0 else "reviewer"})
        out["versions"].append({"id": f"rvv_{i:024d}", "tenant_id": tenant_id, "review_id": rid, "version": 1,
                                "provenance": "ai", "author": "model", "sha256": "c" * 64, "chars": 300,
                                "sealed": _sealed(i), "created_at": created})
    if i % 97 == 0:
        out["feedback"].append({"id": f"fbk_{i:024d}", "tenant_id": tenant_id, "use_case_id": uc,
                                "interaction_id": iid, "key_id": "key_app", "rating": "unhelpful",
                                "reasons": ["wrong"], "sealed_correction": _sealed(i), "appeal": False,
                                "consent": True, "subject_id": sub, "created_at": created})
    return out


def build(rt: Runtime, n: int, heavy: int) -> tuple[str, str]:
    with rt.engine.connect() as conn:
        uc = conn.execute(select(use_cases.c.id, use_cases.c.tenant_id).where(use_cases.c.name == USE_CASE)).one()
        first = int(conn.execute(text("SELECT next_seq FROM ledger_state")).scalar_one())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    for start in range(0, n, CHUNK):
        parts: dict[str, list[dict[str, Any]]] = {"interactions": [], "raw": [], "reviews": [], "versions": [],
                                                  "feedback": []}
        for i in range(start, min(start + CHUNK, n)):
            for key, rows in _rows(i, n, heavy, uc.tenant_id, uc.id, now).items():
                parts[key].extend(rows)
        with rt.engine.begin() as conn:
            for table, key in ((interactions, "interactions"), (interaction_raw, "raw"), (review_items, "reviews"),
                               (review_versions, "versions"), (feedback, "feedback")):
                if parts[key]:
                    conn.execute(table.insert(), parts[key])
        rows, base = parts["interactions"], first + start
        bulk_entries(rt, len(rows), first=base, make_event=lambda s, r=rows, b=base: interaction_event(r[s - b]),
                     subject=lambda s, r=rows, b=base: r[s - b]["id"], action="interaction.recorded",
                     tenant_id=uc.tenant_id)
        print(f"  built {min(start + CHUNK, n):,}", flush=True)
    checkpoint_now(rt)
    with rt.engine.begin() as conn:  # the scheduler runs in the server, but no job is due until a phase says so
        ensure_leases(conn, [job.name for job in builtin_jobs(rt.settings)], FAR)
    return str(uc.tenant_id), str(uc.id)


# -- the operations, each in its own process (``--op``) ---------------------------------------------------


def _due_ids(conn: Any, uc: str, cutoff: dt.datetime) -> list[str]:
    # the pending items are few: excluded here (a correlated NOT EXISTS scans review_items once per row)
    pending = set(conn.execute(select(review_items.c.interaction_id).where(review_items.c.status == "pending"))
                  .scalars())
    due = conn.execute(
        select(interaction_raw.c.interaction_id)
        .join(interactions, interactions.c.id == interaction_raw.c.interaction_id)
        .where(interactions.c.use_case_id == uc, interactions.c.created_at < cutoff)
        .order_by(interaction_raw.c.interaction_id)).scalars()
    return [i for i in due if i not in pending]


def make_copy(rt: Runtime, uc: str, days: int) -> int:
    """The peer's copy of the raw rows retention will delete (same rows, same size), with a key to find them."""
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with rt.engine.begin() as conn:
        ids = _due_ids(conn, uc, cutoff)
        conn.execute(text(f"DROP TABLE IF EXISTS {COPY}"))
        conn.execute(text(f"CREATE TABLE {COPY} AS SELECT * FROM interaction_raw WHERE 1 = 0"))
        for start in range(0, len(ids), 20_000):
            conn.execute(text(f"INSERT INTO {COPY} SELECT * FROM interaction_raw WHERE interaction_id IN :ids")
                         .bindparams(bindparam("ids", expanding=True)), {"ids": ids[start:start + 20_000]})
        conn.execute(text(f"CREATE UNIQUE INDEX ix_{COPY} ON {COPY} (interaction_id)"))
    return len(ids)


def op_peer(rt: Runtime) -> dict[str, Any]:
    with rt.engine.connect() as conn:
        ids = list(conn.execute(text(f"SELECT interaction_id FROM {COPY} ORDER BY interaction_id")).scalars())
    stmt = text(f"DELETE FROM {COPY} WHERE interaction_id IN :ids").bindparams(bindparam("ids", expanding=True))
    t0 = time.time()
    for start in range(0, len(ids), DEFAULT_BATCH):
        with rt.engine.begin() as conn:
            conn.execute(stmt, {"ids": ids[start:start + DEFAULT_BATCH]})
    return {"t0": t0, "t1": time.time(), "deleted": len(ids)}


def op_retention(rt: Runtime) -> dict[str, Any]:
    t0 = time.time()
    report = expire_content(rt)
    return {"t0": t0, "t1": time.time(), "report": report.to_json()}


def op_erase(rt: Runtime, tenant_id: str, subjects: list[str]) -> dict[str, Any]:
    times, counts = [], []
    t0 = time.time()
    for sub in subjects:
        start = time.perf_counter()
        result = erase_subject(rt, tenant_id, sub, actor="bench", reason="benchmark erasure request")
        times.append(time.perf_counter() - start)
        counts.append(result["counts"])
    return {"t0": t0, "t1": time.time(), "times": times, "counts": counts}


def run_op(args: argparse.Namespace) -> None:
    rt = Runtime.open(settings_for(args.data_dir, args.database_url))
    cpu = time.process_time()
    try:
        if args.op == "peer":
            out = op_peer(rt)
        elif args.op == "retention":
            out = op_retention(rt)
        else:
            out = op_erase(rt, args.tenant, args.subjects.split(","))
    finally:
        rt.close()
    out["cpu_s"] = time.process_time() - cpu
    print("RESULT " + json.dumps(out), flush=True)


# -- load while an operation runs -------------------------------------------------------------------------


def expired_since(rt: Runtime, seq: int, t0: float) -> dict[str, Any]:
    """What retention did so far, from its ledger entries after ``seq`` (a run cut at the time limit)."""
    with rt.engine.connect() as conn:
        rows = conn.execute(select(ledger_entries.c.ts, ledger_entries.c.event).where(
            ledger_entries.c.action == "retention.expired", ledger_entries.c.seq > seq).order_by(ledger_entries.c.seq)
        ).all()
    totals: dict[str, int] = {}
    for row in rows:
        for kind, count in json.loads(row.event)["expired"].items():
            totals[kind] = totals.get(kind, 0) + count
    stamps = [dt.datetime.strptime(r.ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC).timestamp() for r in rows]
    gaps = [b - a for a, b in zip([t0, *stamps], stamps, strict=False)]
    return {"t0": t0, "t1": time.time(), "unfinished": True, "report": {"totals": totals}, "batch_s": gaps}


def ledger_head(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.execute(select(func.max(ledger_entries.c.seq))).scalar_one())


async def _subprocess(argv: list[str], limit: float, rt: Runtime | None = None) -> dict[str, Any]:
    seq, t0 = (ledger_head(rt) if rt else 0), time.time()
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), limit if rt else None)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        if rt is None:
            raise SystemExit(f"operation {' '.join(argv)[:300]} ran past {limit:.0f} s") from None
        return await asyncio.to_thread(expired_since, rt, seq, t0)
    lines = [line for line in out.decode().splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"operation {' '.join(argv)[:300]} failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(lines[-1][7:])
    return result


async def _phase(target: harness.Target, op: Any, before: float, after: float) -> dict[str, Any]:
    raw, loop = target.raw_request(False), asyncio.get_running_loop()
    samples: list[tuple[float, float, bool]] = []
    stop = asyncio.Event()

    async def worker() -> None:
        _, conn = await loop.create_connection(harness._Connection, "127.0.0.1", target.port)
        try:
            while not stop.is_set():
                start = time.time()
                try:
                    status = await conn.request(raw, keep_body=False)
                except Exception:
                    samples.append((start, time.time(), False))
                    return
                samples.append((start, time.time(), status == 200))
        finally:
            conn.close()

    tasks = [asyncio.create_task(worker()) for _ in range(64)]
    load_start = time.time()
    await asyncio.sleep(before)
    before_end = time.time()
    result = await op()
    exited = time.time()
    await asyncio.sleep(after)
    after_end = time.time()
    stop.set()
    await asyncio.gather(*tasks)
    # "during": the operation, or its first second when it is shorter (a short stall is a dip, not a gap)
    windows = {"before": (load_start + 1.0, before_end),
               "during": (result["t0"], max(result["t1"], result["t0"] + 1.0)),
               "after": (exited, after_end)}
    return {"op": result, "windows": {k: _window(samples, *w) for k, w in windows.items()}}


def _window(samples: list[tuple[float, float, bool]], t0: float, t1: float) -> dict[str, Any]:
    done = [s for s in samples if t0 <= s[1] < t1]
    overlapping = [(e - s) * 1000 for s, e, ok in samples if s < t1 and e > t0]
    lat = [(e - s) * 1000 for s, e, ok in done if ok]
    return {"seconds": t1 - t0, "ok": len(lat), "errors": sum(1 for *_, ok in done if not ok),
            "rps": len(lat) / (t1 - t0) if t1 > t0 else float("nan"), "p50_ms": harness.percentile(lat, 0.5),
            "p99_ms": harness.percentile(lat, 0.99), "max_ms": max(overlapping, default=float("nan"))}


def phase(target: harness.Target, args: argparse.Namespace, data_dir: Path, url: str | None, op: str,
          rt: Runtime | None = None, **extra: str) -> dict[str, Any]:
    """``op`` in a process of its own under load."""
    argv = harness.pinned(args.harness_core, [sys.executable, str(Path(__file__).resolve()), "--op", op,
                                              "--data-dir", str(data_dir)])
    if url:
        argv += ["--database-url", url]
    for key, value in extra.items():
        argv += [f"--{key}", value]
    return loaded(target, args, op, lambda: _subprocess(argv, args.max_op_s, rt))


def loaded(target: harness.Target, args: argparse.Namespace, name: str, op: Any) -> dict[str, Any]:
    print(f"{name} ...", flush=True)
    result = asyncio.run(_phase(target, op, args.window, args.window))
    w = result["windows"]
    print(f"  {result['op']['t1'] - result['op']['t0']:.2f} s; req/s before {w['before']['rps']:.0f} during "
          f"{w['during']['rps']:.0f} after {w['after']['rps']:.0f}; max latency during {w['during']['max_ms']:.0f} ms",
          flush=True)
    return result


def api_erase(target: harness.Target, admin: str, sub: str) -> Any:
    """Erasure through the live server (``POST /api/v1/subjects/erase``): its own writer, its own process."""

    def call() -> dict[str, Any]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{target.port}/api/v1/subjects/erase", method="POST",
            data=json.dumps({"subject": sub, "reason": "benchmark erasure request"}).encode(),
            headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"})
        t0 = time.time()
        with urllib.request.urlopen(request, timeout=300) as r:
            body = json.loads(r.read())
        return {"t0": t0, "t1": time.time(), "times": [time.time() - t0], "counts": [body["counts"]]}

    return lambda: asyncio.to_thread(call)


def scheduled_retention(rt: Runtime, limit: float) -> Any:
    """The server's own scheduler runs the retention job (made due now), as a deployment does every hour;
    cut at ``limit`` seconds (the server is then restarted to stop it)."""

    def call() -> dict[str, Any]:
        seq, t0 = ledger_head(rt), time.time()
        with rt.engine.begin() as conn:
            conn.execute(job_leases.update().where(job_leases.c.name == JOB).values(due_at=dt.datetime.now(dt.UTC)))
        deadline, run = time.monotonic() + limit, None
        while time.monotonic() < deadline:
            time.sleep(0.2)
            with rt.engine.connect() as conn:
                run = conn.execute(select(job_runs).where(job_runs.c.job == JOB)).first()
            if run is not None and run.status != "running":
                break
        if run is None or run.status == "running":
            return expired_since(rt, seq, t0)
        if run.status != "ok":
            raise SystemExit(f"the retention job failed: {run.error}")
        return {"t0": run.started_at.timestamp(), "t1": run.finished_at.timestamp(),
                "report": {"totals": run.outcome.get("totals", run.outcome)}, "outcome": run.outcome}

    return lambda: asyncio.to_thread(call)


# -- the run ---------------------------------------------------------------------------------------------


def start_gateway(procs: harness.Processes, args: argparse.Namespace, data_dir: Path,
                  url: str | None) -> tuple[harness.Target, dict[str, str]]:
    mock_port = harness.free_port()
    mock = procs.start("mock", harness.pinned(args.harness_core, [sys.executable, str(HERE / "mock_upstream.py"),
                                                                  "--port", str(mock_port)]), dict(os.environ),
                       harness.ROOT)
    harness.wait_ready(harness.Target("direct", mock_port, "mock", "sk-mock"), mock)
    env = {**os.environ, "CHARTER_DATA_DIR": str(data_dir), "CHARTER_OUTBOUND_ALLOW": '["http://127.0.0.1:*"]',
           "CHARTER_LEDGER_CHECKPOINT_EVERY": "10000"}
    if url:
        env["CHARTER_DATABASE_URL"] = url
    tenant = str(harness._charter_json(["init"], env).get("tenant") or "demo")
    harness._charter_json(["models", "add", "bench-mock", "--provider", "openai", "--endpoint",
                           f"http://127.0.0.1:{mock_port}/v1", "--region", "local", "--classification", "secret"], env)
    apply_charter(data_dir, env, tenant, FIRST_DAYS)
    key = str(harness._charter_json(["keys", "create", "--use-case", USE_CASE, "--role", "app"], env)["key"])
    env["BENCH_ADMIN_KEY"] = str(harness._charter_json(["keys", "create", "--role", "admin"], env)["key"])
    env["BENCH_TENANT"] = tenant
    return harness.Target("charter", harness.free_port(), "bench-mock", key), env


def apply_charter(data_dir: Path, env: dict[str, str], tenant: str, days: int) -> None:
    yaml = data_dir / "gateway-bench.yaml"
    yaml.write_text(harness.CHARTER_USE_CASE.format(tenant=tenant, model="bench-mock")
                    .replace("retention_days: 1\n", f"retention_days: {days}\n"))
    harness._charter_json(["usecases", "apply", str(yaml)], env)


def serve(procs: harness.Processes, args: argparse.Namespace, target: harness.Target,
          env: dict[str, str]) -> Any:
    argv = harness.pinned(args.gateway_core, [str(harness.charter_bin()), "serve", "--host", "127.0.0.1",
                                              "--port", str(target.port)])
    proc = procs.start("charter", argv, env, harness.ROOT)
    harness.wait_ready(target, proc)
    target.pids = harness.descendants(proc.pid)
    asyncio.run(harness.drive(target.port, target.raw_request(False), False, 16, 2.0))  # warm-up
    return proc


def restart(procs: harness.Processes, args: argparse.Namespace, target: harness.Target, env: dict[str, str],
            proc: Any, rt: Runtime) -> Any:
    """Stop the server (and a retention job still running in it), hand the job's lease back not due."""
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except Exception:
        proc.kill()
        proc.wait()
    with rt.engine.begin() as conn:
        conn.execute(job_leases.update().where(job_leases.c.name == JOB).values(
            holder=None, run_id=None, lease_until=None, due_at=FAR))
    target.port = harness.free_port()
    return serve(procs, args, target, env)


def run(args: argparse.Namespace, scratch: Path, dbs: Databases, procs: harness.Processes) -> dict[str, Any]:
    data_dir, url = scratch / "data", dbs.new("bench_retention")
    data_dir.mkdir(mode=0o700)
    target, env = start_gateway(procs, args, data_dir, url)
    rt = Runtime.open(settings_for(data_dir, url))
    try:
        print(f"building {args.interactions:,} interactions ...", flush=True)
        started = time.perf_counter()
        tenant_id, uc = build(rt, args.interactions, args.heavy)
        build_s = time.perf_counter() - started
        with rt.engine.connect() as conn:
            tenant_name = conn.execute(select(tenants.c.name).where(tenants.c.id == tenant_id)).scalar_one()
    finally:
        rt.close()
    print(f"  {build_s:.0f} s; serving {tenant_name}/{USE_CASE}", flush=True)
    server = serve(procs, args, target, env)
    out: dict[str, Any] = {"build_s": build_s, "loadavg": os.getloadavg()}
    step = args.interactions // args.heavy  # every step-th record is the heavy subject's: skip the emptied ones
    chosen = [u for u in range(1, 100 * step) if u % step not in (0, step // 2)][:100]
    out["heavy"] = phase(target, args, data_dir, url, "erase", tenant=tenant_id, subjects=HEAVY)
    out["heavy_api"] = loaded(target, args, "erase (API)", api_erase(target, env["BENCH_ADMIN_KEY"], HEAVY_API))
    out["ordinary"] = phase(target, args, data_dir, url, "erase", tenant=tenant_id,
                            subjects=",".join(ordinary(u) for u in chosen))
    rt = Runtime.open(settings_for(data_dir, url))
    try:
        out["scheduled"] = loaded(target, args, "retention (scheduled, in the server)",
                                  scheduled_retention(rt, args.max_op_s))
        if out["scheduled"]["op"].get("unfinished"):
            print("  cut at the time limit: restarting the server to stop it", flush=True)
            server = restart(procs, args, target, env, server, rt)
        apply_charter(data_dir, env, env["BENCH_TENANT"], SECOND_DAYS)
        copied = make_copy(rt, uc, SECOND_DAYS)
        out["peer"] = phase(target, args, data_dir, url, "peer")
        out["retention"] = phase(target, args, data_dir, url, "retention", rt)
        with rt.engine.begin() as conn:
            conn.execute(text(f"DROP TABLE {COPY}"))
        print("audit verify ...", flush=True)
        started = time.perf_counter()
        report = verify(rt)
        out["verify_s"], out["verify"] = time.perf_counter() - started, report
        with rt.engine.connect() as conn:
            out["raw_left"] = conn.execute(select(text("count(*)")).select_from(interaction_raw)).scalar_one()
    finally:
        rt.close()
    out["copied"] = copied
    return out


# -- the report ------------------------------------------------------------------------------------------


def _row(label: str, p: dict[str, Any], what: str) -> str:
    w = p["windows"]
    b, d, a = w["before"], w["during"], w["after"]
    return (f"| {label} | {p['op']['t1'] - p['op']['t0']:.2f} s{what} | {b['rps']:.0f} | {d['rps']:.0f} "
            f"({d['rps'] / b['rps']:.2f}) | {a['rps']:.0f} | {b['p50_ms']:.0f} / {b['p99_ms']:.0f} | "
            f"{d['p50_ms']:.0f} / {d['p99_ms']:.0f} | {d['max_ms']:,.0f} (before: {b['max_ms']:.0f}) | "
            f"{d['errors']} |")


def _erasure(p: dict[str, Any]) -> str:
    c = p["op"]["counts"][0]
    return (f"{c['interactions']:,} interactions, {c['raw']:,} raw rows, {c['reviews']:,} reviews, "
            f"{c['feedback']:,} feedback")


def _expiry(p: dict[str, Any], peer_rate: float) -> str:
    t, s = p["op"]["report"]["totals"], p["op"]["t1"] - p["op"]["t0"]
    if p["op"].get("unfinished"):
        gaps = p["op"]["batch_s"]
        batches = f"{len(gaps)} batches of 2,000" + (f", {gaps[0]:.1f} s to the first, {gaps[-1]:.1f} s the last"
                                                     if gaps else "")
        return (f"**did not finish: cut after {s:.0f} s** ({batches}); {t.get('raw', 0):,} raw rows expired so far, "
                f"{t.get('raw', 0) / s:,.0f} raw rows/s, {t.get('raw', 0) / s / peer_rate:.4f} of the floor's rate")
    return (f"{t.get('raw', 0):,} raw rows, {t.get('reviews', 0):,} reviews, "
            f"{t.get('corrections', 0):,} corrections; **{t.get('raw', 0) / s:,.0f} raw rows/s**, "
            f"{t.get('raw', 0) / s / peer_rate:.2f} of the floor's rate")


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    peer = r["peer"]
    peer_s = peer["op"]["t1"] - peer["op"]["t0"]
    peer_rate = peer["op"]["deleted"] / peer_s
    times = r["ordinary"]["op"]["times"]
    v = r["verify"]
    store = "SQLite (WAL)" if args.database_url is None else "PostgreSQL 15 (local, scratch database, dropped)"
    cmd = "benchmarks/retention_erasure.py" + (" --quick" if args.quick else "") + (
        f" --interactions {args.interactions}" if not args.quick and args.interactions != 1_000_000 else "") + (
        " --database-url URL" if args.database_url else "")
    rows = "\n".join([
        _row(f"erase the heavy subject in a process of its own (`charter subjects erase`): {_erasure(r['heavy'])}",
             r["heavy"], " (one transaction)"),
        _row(f"erase a second heavy subject through the server (`POST /api/v1/subjects/erase`): "
             f"{_erasure(r['heavy_api'])}", r["heavy_api"], " (one transaction, incl. HTTP)"),
        _row("erase 100 ordinary subjects one after another, own process "
             f"(~{r['ordinary']['op']['counts'][0]['interactions']} interactions each)", r["ordinary"],
             f"; median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms each"),
        _row(f"retention, the server's scheduled job (`retention_days` {FIRST_DAYS}): "
             f"{_expiry(r['scheduled'], peer_rate)}", r["scheduled"], ""),
        _row(f"floor: bare `DELETE ... IN (...)` of the {peer['op']['deleted']:,} raw rows the next run expires "
             f"(a copy), batches of 2,000, no ledger, own process: **{peer_rate:,.0f} rows/s**", peer, ""),
        _row(f"retention in a process of its own (`charter jobs run {JOB}`, `retention_days` {SECOND_DAYS}): "
             f"{_expiry(r['retention'], peer_rate)}", r["retention"], ""),
    ])
    head = ("| operation | time | req/s before | req/s during (ratio) | req/s after | p50 / p99 ms before "
            "| p50 / p99 ms during | max latency during, ms | errors during |")
    return f"""## Retention and erasure (`{cmd}`)

Command: `.venv/bin/python {cmd}`
Store: {store}; {args.interactions:,} interactions over two years, each with its ledger entry and a raw tier row
(~870 random bytes), 2 % held for review (nine in ten decided), 1 % with a feedback correction. The gateway
(`charter serve`, its scheduler on, no job due until a phase makes one due) on core {args.gateway_core or 'any'};
the c=64 load driver, the mock upstream and each separate operation's process on core {args.harness_core or 'any'}.
CPython {platform.python_version()}, {harness._cpu_model()}, 2 vCPU shared with other work (load average at the
start {r['loadavg'][0]:.2f}); {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. The same c=64 load runs through each
phase: {args.window:.0f} s before (the baseline), the operation ("during": the operation, at least its first second),
{args.window:.0f} s after. Max latency during: the slowest request that overlapped the operation.

{head}
|---|---|---|---|---|---|---|---|---|
{rows}

`audit verify` after all of it: {'passes' if v.ok else 'FAILS: ' + str(v.first_problem)} ({v.entries:,} entries,
{v.interactions:,} interactions re-derived) in {r['verify_s']:.1f} s. Raw rows left: {r['raw_left']:,} (the newest
year, the pending reviews' and the gateway's own). Building the store (setup, not timed): {r['build_s']:.0f} s.
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--heavy", type=int, default=10_000, help="records of the heavy subject")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--quick", action="store_true", help="20,000 interactions, a heavy subject of 1,000")
    parser.add_argument("--window", type=float, default=5.0, help="seconds of load before and after each operation")
    parser.add_argument("--max-op-s", type=float, default=60.0,
                        help="cut a retention run after this long (reported as unfinished, with its rate so far)")
    parser.add_argument("--harness-core", default="0")
    parser.add_argument("--gateway-core", default="1")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--op", choices=["peer", "retention", "erase"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tenant", help=argparse.SUPPRESS)
    parser.add_argument("--subjects", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.interactions, args.heavy, args.window = 20_000, 1_000, 3.0
        if args.out == RESULTS:
            args.out = harness.WORK / "retention_erasure_quick.md"
    if not shutil.which("taskset"):
        args.harness_core = args.gateway_core = ""
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.op:
        run_op(args)
        return
    harness.WORK.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="retention-bench-", dir=harness.WORK))
    dbs, procs = Databases(args.database_url), harness.Processes()
    try:
        result = run(args, scratch, dbs, procs)
    finally:
        procs.stop()
        dbs.drop_all()
        shutil.rmtree(scratch, ignore_errors=True)
    out = report(args, result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(out)
    print(out)


if __name__ == "__main__":
    main()
