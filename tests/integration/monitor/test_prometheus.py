"""A real Prometheus server (Debian's ``prometheus``) scrapes a live Charter on loopback; the count
of the chat requests sent is read back through Prometheus's query API."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Platform
from tests.support.live import LiveCharter
from tests.support.upstream import free_port, wait_for_port

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
needs_prometheus = pytest.mark.skipif(
    not Path(PROMETHEUS).exists(),
    reason="the prometheus binary is missing (apt-get install prometheus; .ci/run installs it)",
)


@pytest.fixture
def prometheus(live: LiveCharter, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        "scrape_configs:\n  - job_name: charter\n"
        f"    static_configs:\n      - targets: ['127.0.0.1:{live.port}']\n"
    )
    log = (tmp_path / "prometheus.log").open("wb")
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _query(url: str, promql: str) -> list[dict]:
    r = httpx.get(f"{url}/api/v1/query", params={"query": promql}, timeout=5)
    r.raise_for_status()
    body = r.json()
    assert body["status"] == "success", body
    return body["data"]["result"]


@needs_prometheus
def test_prometheus_scrapes_the_requests_sent(prometheus: str, http, platform: Platform):
    sent = 4
    for _ in range(sent):
        r = http.post("/v1/chat/completions", headers=platform.auth(),
                      json={"model": "mock", "messages": [{"role": "user", "content": "When is the deadline?"}]})
        assert r.status_code == 200, r.text
    promql = 'sum(charter_requests_total{tenant="agency",use_case="tax-helpdesk",model="mock",status="ok"})'
    deadline = time.monotonic() + 45
    seen: list[dict] = []
    while time.monotonic() < deadline:
        seen = _query(prometheus, promql)
        if seen and float(seen[0]["value"][1]) == sent:
            break
        time.sleep(0.5)
    assert seen and float(seen[0]["value"][1]) == sent, seen
    up = _query(prometheus, 'up{job="charter"}')
    assert [float(s["value"][1]) for s in up] == [1.0]
    tokens = _query(prometheus, 'sum(charter_tokens_total{use_case="tax-helpdesk",direction="output"})')
    assert float(tokens[0]["value"][1]) == sent * 7
