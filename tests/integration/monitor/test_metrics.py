"""GET /metrics over real HTTP: per-exchange counts, store-derived gauges, access by client and key,
and several processes' counts summed by one scrape (prometheus_client's multiprocess files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from charter.api.app import create_app
from charter.monitor.metrics import MULTIPROC_ENV
from charter.runtime import Runtime
from charter.settings import Settings
from tests.conftest import Platform
from tests.integration.gateway.test_store_outage import stop_store


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    return sum(v for (n, ls), v in samples(text).items() if n == name and set(labels.items()) <= set(ls))


def _ask(http, platform: Platform, text: str = "When is the filing deadline?") -> httpx.Response:
    body = {"model": "mock", "messages": [{"role": "user", "content": text}], "max_tokens": 20}
    return http.post("/v1/chat/completions", json=body, headers=platform.auth())


def test_metrics_count_each_exchange_with_tenant_use_case_and_model(http, platform):
    for _ in range(3):
        assert _ask(http, platform).status_code == 200
    bad = http.post("/v1/chat/completions", headers=platform.auth(),
                    json={"model": "mock", "messages": [{"role": "user", "content": "x" * 5000}]})
    assert bad.status_code == 400
    r = http.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    series = {"tenant": "agency", "use_case": "tax-helpdesk"}
    assert value(text, "charter_requests_total", **series, model="mock", status="ok") == 3
    assert value(text, "charter_requests_total", **series, model="none", status="refused") == 1
    assert value(text, "charter_errors_total", **series, code="input_too_long") == 1
    assert value(text, "charter_request_duration_seconds_count", **series, model="mock") == 3
    assert value(text, "charter_time_to_first_token_seconds_count", **series, model="mock") == 3
    assert value(text, "charter_tokens_total", **series, model="mock", direction="output") == 3 * 7
    assert value(text, "charter_circuit_breaker_state", tenant="agency", model="mock") == 0
    assert value(text, "charter_review_queue_depth") == 0
    assert value(text, "charter_metrics_store_up") == 1
    assert ("charter_ledger_lag_entries", ()) in samples(text)


def test_metrics_guard_verdicts_and_review_queue_from_the_store(http, platform):
    platform.apply(
        "name: tax-helpdesk\ntenant: agency\nmodels: [mock]\nregions: [ca-central-1]\n"
        "guards: {pii: {action: warn}}\nreview: {always: true}\n"
    )
    r = _ask(http, platform, "My phone number is 613-555-0199, when is the deadline?")
    assert r.status_code == 202, r.text
    text = http.get("/metrics").text
    assert value(text, "charter_guard_verdicts_total", tenant="agency", use_case="tax-helpdesk", guard="pii",
                 stage="screen_input", outcome="warn") == 1
    assert value(text, "charter_requests_total", use_case="tax-helpdesk", status="held") == 1
    assert value(text, "charter_review_queue_depth", tenant="agency", use_case="tax-helpdesk") == 1
    assert value(text, "charter_review_items", use_case="tax-helpdesk", kind="hold", status="pending") == 1
    assert value(text, "charter_review_queue_oldest_age_seconds", use_case="tax-helpdesk") >= 0


def _sharing(rt: Runtime, settings: Settings) -> Runtime:
    """A runtime over the same store with other settings (the app reads its settings from it)."""
    return Runtime(settings=settings, engine=rt.engine, writer=rt.writer, extensions=rt.extensions, egress=rt.egress)


@pytest.mark.parametrize("access", ["loopback", "key"])
def test_metrics_access_by_client_address_and_key(platform: Platform, access: str):
    settings = platform.rt.settings.model_copy(update={"metrics_access": access})
    app = create_app(settings, runtime=_sharing(platform.rt, settings))

    def get(client: str, role: str | None = None) -> httpx.Response:
        headers = platform.auth(role) if role else {}
        return TestClient(app, client=(client, 50000), raise_server_exceptions=False).get("/metrics", headers=headers)

    remote = get("203.0.113.7")
    assert remote.status_code == 401
    assert remote.json()["error"]["code"] == "missing_api_key"
    refused = get("203.0.113.7", "app")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "metrics_not_allowed"
    assert get("203.0.113.7", "auditor").status_code == 200
    assert get("203.0.113.7", "admin").status_code == 200
    assert get("127.0.0.1").status_code == (200 if access == "loopback" else 401)
    assert get("::1").status_code == (200 if access == "loopback" else 401)


def test_metrics_scope_lets_any_role_read(platform: Platform):
    key = platform.key("developer", use_case=None, scopes=["metrics"])
    settings = platform.rt.settings.model_copy(update={"metrics_access": "key"})
    c = TestClient(create_app(settings, runtime=_sharing(platform.rt, settings)), client=("203.0.113.7", 50000))
    assert c.get("/metrics", headers={"authorization": f"Bearer {key}"}).status_code == 200
    other = c.get("/metrics", headers=platform.auth("developer"))
    assert other.status_code == 403 and other.json()["error"]["code"] == "metrics_not_allowed"


def test_metrics_switched_off_is_404(platform: Platform):
    settings = platform.rt.settings.model_copy(update={"metrics_enabled": False})
    r = TestClient(create_app(settings, runtime=_sharing(platform.rt, settings)), client=("127.0.0.1", 5)).get(
        "/metrics"
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "metrics_disabled"


_PROCESS = """
import os, sys
from pathlib import Path
from charter.monitor.metrics import metrics_of
from charter.runtime import Runtime
from charter.settings import Settings

data_dir, url, role, count, breaker = sys.argv[1:6]
rt = Runtime.open(Settings(data_dir=Path(data_dir), database_url=url, embedded_model="none"), migrate=False)
m = metrics_of(rt)
assert m.multiprocess_dir is not None, "multiprocess mode expected"
if role == "scrape":
    sys.stdout.write(m.render().decode())
else:
    for _ in range(int(count)):
        m.requests.labels("agency", "tax-helpdesk", "mock", "ok").inc()
        m.latency.labels("agency", "tax-helpdesk", "mock").observe(0.2)
    m.breaker.labels("agency", "mock").set(float(breaker))
if role == "live":  # still running as far as the files know
    sys.stdout.flush()
    os._exit(0)
rt.close()  # a worker that stops: mark_process_dead drops its live gauges
"""


def test_two_processes_counts_are_summed_by_one_scrape(tmp_path: Path, runtime: Runtime):
    mp = tmp_path / "mp"
    mp.mkdir(mode=0o700)
    env = {**os.environ, MULTIPROC_ENV: str(mp), "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    base = [sys.executable, "-c", _PROCESS, str(runtime.settings.data_dir), runtime.settings.effective_database_url]

    def run(role: str, count: int = 0, breaker: float = 0) -> str:
        done = subprocess.run([*base, role, str(count), str(breaker)], env=env, check=True, timeout=120,
                              capture_output=True, text=True)
        return done.stdout

    run("stopped", 3, 2)
    run("live", 4, 1)
    assert len(list(mp.glob("counter_*.db"))) == 2
    text = run("scrape")
    assert value(text, "charter_requests_total", use_case="tax-helpdesk", status="ok") == 7
    assert value(text, "charter_request_duration_seconds_count", model="mock") == 7
    # the stopped worker's breaker left with it; the live one's stays
    assert value(text, "charter_circuit_breaker_state", model="mock") == 1
    # the store-derived families once, not once per process
    assert [f.name for f in text_string_to_metric_families(text)].count("charter_ledger_lag_entries") == 1


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Caches kept their longest (5 s): the store-outage test below warms the key and charter caches
    and then needs the failing request to get past them to the store's record, not to fail at the key
    lookup (which has no use case to count it under) because a loaded machine took over 1 s to drop
    the database."""
    return settings.model_copy(update={"policy_cache_ttl_s": 5.0})


def test_exchange_the_store_could_not_record_is_counted_as_its_error(http, platform: Platform):
    assert _ask(http, platform).status_code == 200  # warm the key, charter and model caches
    stop_store(platform)
    r = _ask(http, platform)
    assert r.status_code == 503 and r.json()["error"]["code"] == "store_unavailable"
    text = http.get("/metrics").text
    assert value(text, "charter_requests_total", use_case="tax-helpdesk", status="error") == 1
    assert value(text, "charter_errors_total", use_case="tax-helpdesk", code="store_unavailable") == 1
    assert value(text, "charter_metrics_store_up") == 0
