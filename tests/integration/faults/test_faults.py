"""The fault suite: a full disk and a lost Redis give the documented codes (docs/api.md), never a 5xx
other than those, nothing is released that was not recorded, and the service recovers by itself.
The store going away is in tests/integration/gateway/test_store_outage.py.

A full disk is real: the SQLite data directory lives on a small tmpfs that the test fills; on
PostgreSQL the test database lives in a tablespace on such a tmpfs. Mounting needs root (CI runs
as root); elsewhere these tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, make_url, select, text

from charter.ledger.keys import load_keyring
from charter.ledger.verify import verify_ledger
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import interactions
from tests.conftest import PG_URL, _pg_admin, _pg_template, make_platform
from tests.support.live import LiveCharter
from tests.support.upstream import ScriptedUpstream, free_port, wait_for_port

CHAT = {"messages": [{"role": "user", "content": "How do I renew a passport?"}], "max_tokens": 8}


@pytest.fixture
def small_disk() -> Iterator[Path]:
    # under /tmp itself, not pytest's private tmp_path: PostgreSQL's own user must reach it
    mount = Path(tempfile.mkdtemp(prefix="charter-full-disk-"))
    mount.chmod(0o755)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0777", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        mount.rmdir()


def _fill(mount: Path) -> Path:
    """Fill the file system to the last byte."""
    filler = mount / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    return filler


def _rows(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(interactions)).scalar_one())


def _exercise_full_disk(rt: Runtime, upstream: ScriptedUpstream, fill: Path) -> None:
    platform = make_platform(rt, upstream)
    server = LiveCharter(rt).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            ok = http.post("/v1/chat/completions", json=CHAT, headers=platform.auth())
            assert ok.status_code == 200, ok.text
            before = _rows(rt)
            filler = _fill(fill)
            answered = 0
            for _ in range(5):
                r = http.post("/v1/chat/completions", json=CHAT, headers=platform.auth())
                if r.status_code == 200:
                    answered += 1  # space the page cache still had; it must be recorded
                    continue
                assert r.status_code == 503, r.text
                assert r.json()["error"]["code"] == "store_unavailable"
            assert answered < 5, "the disk never filled up: the test proved nothing"
            r = http.post("/api/v1/incidents", json={"title": "disk full"}, headers=platform.auth("admin"))
            assert r.status_code in (201, 503), r.text
            if r.status_code == 503:
                assert r.json()["error"]["code"] == "store_unavailable"
            filler.unlink()
            time.sleep(0.2)
            again = http.post("/v1/chat/completions", json=CHAT, headers=platform.auth())
            assert again.status_code == 200, again.text
            assert _rows(rt) == before + answered + 1  # every answer released was recorded
    finally:
        server.stop()
    report = verify_ledger(rt.engine, load_keyring(rt.settings).public)
    assert report.ok, report.problems


def test_rr2_full_disk_on_sqlite_is_503_and_recovers(small_disk: Path, upstream: ScriptedUpstream, sqlite_template):
    data = small_disk / "data"
    data.mkdir()
    shutil.copyfile(sqlite_template, data / "charter.db")
    rt = Runtime.open(Settings(data_dir=data, embedded_model="none", llama_threads=1,
                               outbound_allow=["http://127.0.0.1:*"]))
    try:
        _exercise_full_disk(rt, upstream, small_disk)
    finally:
        rt.close()


@pytest.fixture
def pg_on_small_disk(small_disk: Path) -> Iterator[str]:
    if not PG_URL:
        pytest.skip("set CHARTER_TEST_DATABASE_URL to run PostgreSQL tests")
    space = small_disk / "pg"
    space.mkdir()
    if subprocess.run(["chown", "postgres:postgres", str(space)], capture_output=True).returncode != 0:
        pytest.skip("the PostgreSQL server's user cannot own a directory here")
    space.chmod(0o700)
    tablespace = f"ts_{os.getpid()}_{free_port()}"
    name = f"full_{tablespace}"
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            try:
                conn.execute(text(f"CREATE TABLESPACE {tablespace} LOCATION '{space}'"))
            except Exception as exc:  # a remote server cannot see our tmpfs
                pytest.skip(f"PostgreSQL cannot use a local tablespace here: {exc}")
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_template()}" TABLESPACE {tablespace}'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP TABLESPACE IF EXISTS {tablespace}"))
        admin.dispose()


@pytest.mark.postgres
def test_rr2_full_disk_on_postgresql_is_503_and_recovers(pg_on_small_disk: str, small_disk: Path, tmp_path: Path,
                                                         upstream: ScriptedUpstream):
    data = tmp_path / "data"
    data.mkdir()
    rt = Runtime.open(Settings(data_dir=data, database_url=pg_on_small_disk, embedded_model="none", llama_threads=1,
                               outbound_allow=["http://127.0.0.1:*"]))
    try:
        _exercise_full_disk(rt, upstream, small_disk)
    finally:
        rt.close()


# -- Redis lost and back ----------------------------------------------------------------------------
@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", str(tmp_path)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port, timeout=10)
        return proc

    holder = {"proc": start()}
    try:
        yield f"redis://127.0.0.1:{port}/0", port, tmp_path
    finally:
        holder["proc"].kill()
        holder["proc"].wait()


def test_sa5_redis_lost_is_503_ratelimit_unavailable_and_recovers(settings: Settings, upstream: ScriptedUpstream,
                                                                  own_redis):
    url, port, _ = own_redis
    rt = Runtime.open(settings.model_copy(update={"redis_url": url}))
    try:
        platform = make_platform(rt, upstream)
        server = LiveCharter(rt).start()
        try:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                assert http.post("/v1/chat/completions", json=CHAT, headers=platform.auth()).status_code == 200
                calls = len(upstream.requests)
                subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
                time.sleep(0.3)
                for _ in range(3):
                    r = http.post("/v1/chat/completions", json=CHAT, headers=platform.auth())
                    assert r.status_code == 503, r.text
                    assert r.json()["error"]["code"] == "ratelimit_unavailable"
                assert len(upstream.requests) == calls  # fail closed: the model was never called
                restarted = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port),
                                              "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    wait_for_port(port, timeout=10)
                    deadline = time.monotonic() + 10
                    while True:
                        r = http.post("/v1/chat/completions", json=CHAT, headers=platform.auth())
                        if r.status_code == 200 or time.monotonic() > deadline:
                            break
                        time.sleep(0.2)
                    assert r.status_code == 200, r.text
                finally:
                    restarted.kill()
                    restarted.wait()
        finally:
            server.stop()
    finally:
        rt.close()

