"""AT-2, RR-2: concurrent writers in separate processes get unique, gapless sequence numbers; two
gateway replicas on one PostgreSQL under load; kill -9 under load loses no acknowledged entry."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.tables import ledger_entries
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import interactions
from tests.conftest import LOOPBACK_ALLOW, make_platform
from tests.integration.ledger.ledgerkit import verify
from tests.support.upstream import ScriptedUpstream, free_port, wait_for_port

APPENDER = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
from charter.ledger import append
from charter.runtime import Runtime
from charter.settings import Settings

url, data_dir, name, count = sys.argv[1] or None, sys.argv[2], sys.argv[3], int(sys.argv[4])
rt = Runtime.open(Settings(data_dir=data_dir, database_url=url, embedded_model="none"), migrate=False)

def one(i):
    return rt.writer.write(lambda conn: append(conn, tenant_id="ten_" + name, actor=name, action="test.load",
                                               subject=f"{name}-{i}", event={"i": i}))

with ThreadPoolExecutor(8) as pool:
    seqs = list(pool.map(one, range(count)))
rt.close()
print(json.dumps(seqs))
"""


def test_at2_two_processes_append_without_gaps_or_duplicates(lrt: Runtime, ledger_settings: Settings) -> None:
    url = ledger_settings.database_url or ""
    count = 300
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, url, str(ledger_settings.data_dir), name, str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    seqs = [json.loads(out) for out, _ in outputs]
    together = sorted(seqs[0] + seqs[1])
    assert together == list(range(2 * count))  # unique and gapless
    with lrt.engine.connect() as conn:
        rows = conn.execute(select(ledger_entries.c.seq, ledger_entries.c.subject)).all()
    assert len(rows) == 2 * count
    checkpoint_now(lrt)
    assert verify(lrt).ok


# -- gateway processes ---------------------------------------------------------------------------------
def _env(settings: Settings, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
    env.update(
        CHARTER_DATA_DIR=str(settings.data_dir),
        CHARTER_EMBEDDED_MODEL="none",
        CHARTER_PORT=str(port),
        CHARTER_LEDGER_CHECKPOINT_EVERY="50",
        CHARTER_LEDGER_CHECKPOINT_INTERVAL_S="1",
        CHARTER_LOG_LEVEL="warning",
        CHARTER_LLAMA_THREADS="1",
        CHARTER_OUTBOUND_ALLOW=json.dumps(LOOPBACK_ALLOW),
    )
    if settings.database_url:
        env["CHARTER_DATABASE_URL"] = settings.database_url
    return env


@contextmanager
def serve(settings: Settings) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    charter = str(Path(sys.executable).parent / "charter")
    log = (settings.data_dir / f"serve-{port}.log").open("wb")
    proc = subprocess.Popen(
        [charter, "serve", "--port", str(port)],
        env=_env(settings, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        try:
            wait_for_port(port, timeout=60)
        except TimeoutError:
            raise AssertionError((settings.data_dir / f"serve-{port}.log").read_text()[-3000:]) from None
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        log.close()


def _ask(client: httpx.Client, url: str, key: str, i: int) -> tuple[int, str | None]:
    body = {"model": "mock", "messages": [{"role": "user", "content": f"question {i}"}]}
    try:
        r = client.post(f"{url}/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"})
    except httpx.HTTPError:
        return 0, None
    return r.status_code, r.headers.get("x-charter-interaction-id")


def _covered(rt: Runtime, ids: list[str]) -> set[str]:
    with rt.engine.connect() as conn:
        entries = set(
            conn.execute(
                select(ledger_entries.c.subject).where(ledger_entries.c.action == "interaction.recorded")
            ).scalars()
        )
        stored = set(conn.execute(select(interactions.c.id)).scalars())
    return {i for i in ids if i in entries and i in stored}


@pytest.mark.slow
@pytest.mark.postgres
def test_at2_two_gateway_replicas_on_one_postgresql_under_load(pg_url: str, data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, database_url=pg_url, embedded_model="none", llama_threads=1,
                        outbound_allow=LOOPBACK_ALLOW)
    upstream = ScriptedUpstream().start()
    rt = Runtime.open(settings)
    try:
        platform = make_platform(rt, upstream)
        with serve(settings) as (_, url_a), serve(settings) as (_, url_b), httpx.Client(timeout=60) as client:
            jobs = [(url_a if i % 2 else url_b, i) for i in range(120)]
            with ThreadPoolExecutor(16) as pool:
                results = list(pool.map(lambda job: _ask(client, job[0], platform.keys["app"], job[1]), jobs))
        ok = [iid for status, iid in results if status == 200 and iid]
        assert len(ok) == 120, [s for s, _ in results]
        assert _covered(rt, ok) == set(ok)
        checkpoint_now(rt)
        report = verify(rt)
        assert report.ok, report.to_json()
        assert report.interactions == 120
    finally:
        rt.close()
        upstream.stop()


@pytest.mark.slow
def test_rr2_kill_9_under_load_keeps_every_acknowledged_entry(settings: Settings) -> None:
    upstream = ScriptedUpstream().start()
    upstream.delay = 0.01
    rt = Runtime.open(settings)
    acknowledged: list[str] = []
    statuses: list[int] = []
    stop = threading.Event()
    try:
        platform = make_platform(rt, upstream)
        with serve(settings) as (proc, url), httpx.Client(timeout=30) as client:

            def load(worker: int) -> None:
                i = 0
                while not stop.is_set():
                    status, iid = _ask(client, url, platform.keys["app"], worker * 10_000 + i)
                    statuses.append(status)
                    if status == 200 and iid:
                        acknowledged.append(iid)
                    i += 1

            threads = [threading.Thread(target=load, args=(w,)) for w in range(8)]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 30
            while len(acknowledged) < 60 and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)  # mid-load: requests are in flight
            proc.wait(10)
            stop.set()
            for t in threads:
                t.join(30)
        assert len(acknowledged) >= 60 and 0 in statuses  # the kill cut some requests off
        assert _covered(rt, acknowledged) == set(acknowledged)
        with serve(settings) as (_, url), httpx.Client(timeout=30) as client:  # restart
            assert _ask(client, url, platform.keys["app"], -1)[0] == 200
        checkpoint_now(rt)
        report = verify(rt)
        assert report.ok, report.to_json()
    finally:
        stop.set()
        rt.close()
        upstream.stop()
