"""The soak's small form (issue 18 item 6): ``benchmarks/soak.py`` for a few seconds, on each store.

Real ``charter serve`` processes take mixed traffic (chat, streams, held answers, reviews, feedback,
polls, uploads) while faults are injected; the script's own checks must all hold: every
acknowledged write has its record, the ledger verifies, no 5xx but the documented fail-closed codes,
every error code documented, no 4xx, no error outside a fault's window, no connection dropped except
by a killed replica. The full form (30 minutes, every fault) is the benchmark
(benchmarks/results/soak.md).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_URL

SOAK = Path(__file__).resolve().parents[3] / "benchmarks" / "soak.py"
SHORT = ["--concurrency", "4", "--gap-s", "2", "--fault-s", "2", "--recovery-s", "4", "--settle-s", "3",
         "--sample-s", "2", "--jitter", "0"]


def _soak(tmp_path: Path, *argv: str) -> dict[str, Any]:
    out = tmp_path / "soak.json"
    done = subprocess.run([sys.executable, str(SOAK), *argv, *SHORT, "--json", str(out)],
                          capture_output=True, text=True, timeout=240)
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.read_text())
    assert done.returncode == 0, (result["failures"], done.stdout[-3000:], done.stderr[-2000:])
    return result


@pytest.mark.slow
def test_soak_on_sqlite_keeps_every_acknowledged_record_through_a_failing_model(tmp_path: Path):
    result = _soak(tmp_path, "--store", "sqlite", "--duration", "12", "--faults", "upstream_error")
    assert result["failures"] == []
    assert [w["kind"] for w in result["windows"]] == ["upstream_error"]
    # the fault was felt (fail closed, documented) and the traffic was mixed
    assert any("502 upstream_unavailable" in k for k in result["per_fault"]["upstream_error"])
    assert set(result["ops"]) == {"chat", "stream", "held", "review", "feedback", "poll", "ingest"}
    assert min(result["counts"].values()) > 0, result["counts"]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.skipif(not PG_URL, reason="set CHARTER_TEST_DATABASE_URL to run the PostgreSQL soak")
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_soak_on_two_replicas_survives_redis_restart_dropped_connections_and_kill9(tmp_path: Path):
    result = _soak(tmp_path, "--store", "postgres", "--database-url", str(PG_URL), "--duration", "28",
                   "--faults", "redis_restart,db_terminate,kill9")
    assert result["failures"] == []
    assert {w["kind"] for w in result["windows"]} == {"redis_restart", "db_terminate", "kill9"}
    assert any("503 ratelimit_unavailable" in k for k in result["per_fault"]["redis_restart"])
    assert len(result["restart_s"]) == 1  # the killed replica came back
    assert min(result["counts"].values()) > 0, result["counts"]
