"""Alerts (issue 13 item 5): rules, deduplication, repeat, resolve notices, silences and delivery to
real sinks on loopback (an HTTP receiver checking the HMAC, aiosmtpd, a UDP syslog socket)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Table, select, text

from charter.ledger.tables import ledger_entries
from charter.monitor.alerts import Alert, fire, resolve
from charter.monitor.alerts.delivery import deliver_due, sink_health, sink_problems
from charter.monitor.alerts.evaluate import evaluate
from charter.monitor.alerts.state import Routing, fire_in, resolve_in
from charter.monitor.alerts.tables import alert_outbox, alert_silences, alerts
from charter.monitor.drift.tables import drift_findings, drift_runs
from charter.oversight.sla import sweep
from charter.policy.service import ensure_tenant
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.migrate import alembic_config, current_revisions
from charter.store.schema import interactions, new_id, use_cases, utcnow
from tests.conftest import AGENCY_CHARTER, LOOPBACK_ALLOW, Platform, make_platform
from tests.support.alert_receivers import SmtpReceiver, SyslogReceiver, WebhookReceiver, wait_for
from tests.support.live import LiveCharter
from tests.support.secrets import write_secrets
from tests.support.upstream import ScriptedUpstream

HMAC_KEY = "whsec-test-0123456789"
BASE = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)


@dataclass
class Sinks:
    hook: WebhookReceiver
    smtp: SmtpReceiver
    syslog: SyslogReceiver


@pytest.fixture
def sinks() -> Iterator[Sinks]:
    found = Sinks(WebhookReceiver().start(), SmtpReceiver().start(), SyslogReceiver())
    try:
        yield found
    finally:
        found.hook.stop()
        found.smtp.stop()
        found.syslog.stop()


def _alerts_file(path: Path, s: Sinks) -> Path:
    path.write_text(
        f"""\
sinks:
  - name: hook
    type: webhook
    url: {s.hook.url}
    secret: alerts-hmac
  - name: mail
    type: email
    severities: [critical]
    host: 127.0.0.1
    port: {s.smtp.port}
    starttls: false
    from: charter@agency.example
    to: [oncall@agency.example]
  - name: siem
    type: syslog
    severities: [warning, critical]
    host: 127.0.0.1
    port: {s.syslog.port}
rules:
  - {{name: platform.busy, metric: requests, above: 2, window: 15m, scope: platform, severity: info}}
"""
    )
    return path


@pytest.fixture
def desk(settings: Settings, sinks: Sinks, data_dir: Path, upstream: ScriptedUpstream) -> Iterator[Platform]:
    """The test platform with every sink configured (alerts file, HMAC secret, allow-list)."""
    secret = f'[secrets.alerts-hmac]\nvalue = "{HMAC_KEY}"\ntenants = ["platform"]\nhosts = ["127.0.0.1"]\n'
    write_secrets(data_dir, secret)
    configured = settings.model_copy(
        update={
            "alerts_file": _alerts_file(data_dir / "alerts.yaml", sinks),
            "outbound_allow": [*LOOPBACK_ALLOW, "smtp://127.0.0.1:*", "syslog://127.0.0.1:*"],
            "alert_retry_base_s": 30.0,
            "alert_repeat_interval_s": 600.0,
        }
    )
    rt = Runtime.open(configured)
    try:
        yield make_platform(rt, upstream)
    finally:
        rt.close()


def _alert(p: Platform, name: str = "disk.full", severity: str = "critical", **kw: Any) -> Alert:
    return Alert(tenant_id=p.tenant_id, name=name, severity=severity, summary=f"{name} now",  # type: ignore[arg-type]
                 use_case="tax-helpdesk", **kw)


def _actions(rt: Runtime) -> list[str]:
    with rt.engine.connect() as conn:
        rows = conn.execute(select(ledger_entries.c.action).order_by(ledger_entries.c.seq)).scalars()
        return [a for a in rows if a.startswith("alert.")]


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


@contextlib.contextmanager
def _live(rt: Runtime) -> Iterator[LiveCharter]:
    server = LiveCharter(rt).start()
    try:
        yield server
    finally:
        server.stop()


def _use_case_id(rt: Runtime) -> str:
    with rt.engine.connect() as conn:
        return str(conn.execute(select(use_cases.c.id).where(use_cases.c.name == "tax-helpdesk")).scalar_one())


def test_a_fired_alert_is_delivered_once_to_each_routed_sink_and_ledgered(desk: Platform, sinks: Sinks) -> None:
    rt = desk.rt
    _run(fire(rt, _alert(desk, value=0.97)))
    _run(fire(rt, _alert(desk, value=0.98)))  # the same alert again: deduplicated
    assert _run(deliver_due(rt)) == {"sent": 3, "failed": 0}
    assert _run(deliver_due(rt)) == {"sent": 0, "failed": 0}

    [(headers, body)] = sinks.hook.requests
    expected = "sha256=" + hmac.new(HMAC_KEY.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-charter-signature"], expected)
    notice = sinks.hook.bodies()[0]
    assert (notice["kind"], notice["alert"]["name"], notice["alert"]["severity"]) == ("firing", "disk.full", "critical")
    assert notice["alert"]["use_case"] == "tax-helpdesk" and notice["alert"]["value"] == 0.97

    [mail] = sinks.smtp.messages
    assert mail["To"] == "oncall@agency.example"
    assert mail["Subject"].startswith("[Charter] FIRING critical disk.full (tax-helpdesk)")
    [line] = wait_for(sinks.syslog.lines)
    assert line.startswith(b"<130>1 ") and b"FIRING critical disk.full" in line  # local0, severity 2

    _run(fire(rt, _alert(desk, name="queue.slow", severity="info")))  # info: routed to the webhook only
    assert _run(deliver_due(rt)) == {"sent": 1, "failed": 0}
    assert [b["alert"]["name"] for b in sinks.hook.bodies()] == ["disk.full", "queue.slow"]
    assert len(sinks.smtp.messages) == 1
    assert _actions(rt) == ["alert.fired", "alert.fired"]
    with rt.engine.connect() as conn:
        assert conn.execute(select(alerts.c.status)).scalars().all() == ["firing", "firing"]


def test_resolving_a_firing_alert_sends_a_resolve_notice_and_ledgers_it(desk: Platform, sinks: Sinks) -> None:
    rt = desk.rt
    _run(fire(rt, _alert(desk, severity="warning", labels={"disk": "/data"})))
    _run(resolve(rt, _alert(desk, severity="warning", labels={"disk": "/other"})))  # another alert: not open
    _run(deliver_due(rt))
    _run(resolve(rt, _alert(desk, severity="warning", labels={"disk": "/data"})))
    _run(resolve(rt, _alert(desk, severity="warning", labels={"disk": "/data"})))  # already resolved
    assert _run(deliver_due(rt)) == {"sent": 2, "failed": 0}  # webhook and syslog
    assert [b["kind"] for b in sinks.hook.bodies()] == ["firing", "resolved"]
    assert sinks.hook.bodies()[1]["alert"]["status"] == "resolved"
    lines = wait_for(lambda: len(sinks.syslog.lines()) == 2 and sinks.syslog.received)
    assert lines[1].startswith(b"<133>1 ") and b"RESOLVED warning disk.full" in lines[1]  # notice severity
    assert _actions(rt) == ["alert.fired", "alert.resolved"]
    _run(fire(rt, _alert(desk, severity="warning", labels={"disk": "/data"})))  # fires anew: a new episode
    assert _actions(rt)[-1] == "alert.fired"


def test_a_still_firing_alert_is_notified_again_only_after_the_repeat_interval(runtime: Runtime) -> None:
    tenant_id = runtime.writer.write(lambda c: ensure_tenant(c, "agency"))
    routing = Routing({"warning": ["hook"]}, repeat_s=600.0)
    alert = Alert(tenant_id=tenant_id, name="latency", severity="warning", summary="slow")
    t0 = utcnow()
    outcomes = [
        runtime.writer.write(lambda c, at=at: fire_in(c, alert, routing, at))
        for at in (t0, t0 + dt.timedelta(seconds=599), t0 + dt.timedelta(seconds=601), t0 + dt.timedelta(seconds=900))
    ]
    assert outcomes == ["fired", "open", "repeated", "open"]
    with runtime.engine.connect() as conn:
        kinds = conn.execute(select(alert_outbox.c.kind).order_by(alert_outbox.c.created_at)).scalars().all()
    assert kinds == ["firing", "repeat"]


def test_a_rule_with_for_stays_pending_until_its_condition_has_held_that_long(runtime: Runtime) -> None:
    tenant_id = runtime.writer.write(lambda c: ensure_tenant(c, "agency"))
    routing = Routing({"critical": ["hook"]}, repeat_s=600.0)
    slow = Alert(tenant_id=tenant_id, name="latency_p95_ms", severity="critical", summary="slow")
    blip = Alert(tenant_id=tenant_id, name="error_rate", severity="critical", summary="errors")
    t0 = utcnow()

    def at(seconds: float) -> dt.datetime:
        return t0 + dt.timedelta(seconds=seconds)

    steps = [
        runtime.writer.write(lambda c: fire_in(c, slow, routing, t0, for_s=300)),
        runtime.writer.write(lambda c: fire_in(c, blip, routing, t0, for_s=300)),
        runtime.writer.write(lambda c: fire_in(c, slow, routing, at(200), for_s=300)),
        runtime.writer.write(lambda c: resolve_in(c, blip, routing, at(200))),  # stopped before 300 s
        runtime.writer.write(lambda c: fire_in(c, slow, routing, at(301), for_s=300)),
    ]
    assert steps == ["pending", "pending", "pending", "dropped", "fired"]
    with runtime.engine.connect() as conn:
        assert [(r.name, r.status) for r in conn.execute(select(alerts)).all()] == [("latency_p95_ms", "firing")]
        assert conn.execute(select(alert_outbox.c.kind)).scalars().all() == ["firing"]
    assert _actions(runtime) == ["alert.fired"]


def test_a_silence_suppresses_delivery_but_the_alert_is_still_recorded_and_ledgered(
    desk: Platform, sinks: Sinks
) -> None:
    rt = desk.rt
    admin = {"authorization": f"Bearer {desk.keys['admin']}"}
    with _live(rt) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        bad = http.post("/api/v1/alerts/silences", json={"matchers": {"name": "disk.*"}, "for": "2 hours",
                                                          "reason": "x"}, headers=admin)
        assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_value")
        made = http.post("/api/v1/alerts/silences", json={"matchers": {"name": "disk.*"}, "for": "2h",
                                                           "reason": "disk swap tonight"}, headers=admin)
        assert made.status_code == 201, made.text
        silence = made.json()
        _run(fire(rt, _alert(desk)))
        listed = http.get("/api/v1/alerts", headers=admin).json()
        assert [(a["name"], a["status"], a["notifications"]) for a in listed] == [("disk.full", "firing", 0)]
        assert [s["id"] for s in http.get("/api/v1/alerts/silences", headers=admin).json()] == [silence["id"]]
        with rt.engine.connect() as conn:
            assert conn.execute(select(alert_outbox)).all() == []
            query = select(ledger_entries.c.event).where(ledger_entries.c.action == "alert.fired")
            fired = conn.execute(query).scalar()
        assert '"silenced_by":"' + silence["id"] in fired
        assert http.delete(f"/api/v1/alerts/silences/{silence['id']}", headers=admin).status_code == 200
        _run(fire(rt, _alert(desk)))  # still firing, no longer silenced: its first notice goes out
        wait_for(lambda: sinks.hook.requests)  # delivered by the app's delivery loop
    assert [b["kind"] for b in sinks.hook.bodies()] == ["firing"]
    assert _actions(rt) == ["alert.silenced", "alert.fired", "alert.unsilenced"]


def test_a_failing_sink_is_retried_with_backoff_and_reported_unhealthy(desk: Platform, sinks: Sinks) -> None:
    rt = desk.rt
    sinks.hook.status = 500
    _run(fire(rt, _alert(desk, severity="info")))
    t0 = utcnow()
    assert _run(deliver_due(rt, t0)) == {"sent": 0, "failed": 1}

    def row() -> Any:
        with rt.engine.connect() as conn:
            return conn.execute(select(alert_outbox)).one()

    assert (row().attempts, row().status, row().next_attempt_at - t0) == (1, "pending", dt.timedelta(seconds=30))
    assert _run(deliver_due(rt, t0 + dt.timedelta(seconds=20))) == {"sent": 0, "failed": 0}  # not due yet
    assert _run(deliver_due(rt, t0 + dt.timedelta(seconds=31))) == {"sent": 0, "failed": 1}
    assert row().next_attempt_at - (t0 + dt.timedelta(seconds=31)) == dt.timedelta(seconds=60)  # doubled
    with rt.engine.connect() as conn:
        [health] = sink_health(conn)
    assert (health.sink, health.ok, health.pending) == ("hook", False, 1)
    assert "webhook answered 500" in (health.last_error or "")
    [problem] = _run(sink_problems(rt))
    assert problem.startswith("alert sink hook failed its latest delivery")
    with _live(rt) as live:
        ready = httpx.get(f"{live.url}/readyz", timeout=30).json()
    [check] = [c for c in ready["checks"] if c["name"] == "alert_sinks"]
    assert check["ok"] is False and "hook" in check["detail"]

    sinks.hook.status = 204
    assert _run(deliver_due(rt, t0 + dt.timedelta(seconds=92))) == {"sent": 1, "failed": 0}
    assert (row().status, row().attempts) == ("sent", 3)
    assert _run(sink_problems(rt)) == []
    assert len(sinks.hook.requests) == 3


def test_auto_suspend_fires_a_critical_alert_resolved_once_the_use_case_is_resumed(
    desk: Platform, sinks: Sinks
) -> None:
    rt = desk.rt
    desk.apply(BASE + "review: {always: false, sample_rate: 0.0}\n"
               "suspend_when: {window_minutes: 60, min_events: 2, negative_feedback_rate: 0.5}\n")
    app = {"authorization": f"Bearer {desk.keys['app']}"}
    admin = {"authorization": f"Bearer {desk.keys['admin']}"}
    with _live(rt) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        for i in range(2):
            r = http.post("/v1/chat/completions", headers=app,
                          json={"model": "mock", "messages": [{"role": "user", "content": f"question {i}"}]})
            assert r.status_code == 200, r.text
            http.post("/v1/feedback", headers=app,
                      json={"interaction_id": r.headers["x-charter-interaction-id"], "rating": "unhelpful"})
        done = _run(sweep(rt))
        assert [s["use_case"] for s in done["suspended"]] == ["tax-helpdesk"]
        notice = wait_for(lambda: sinks.hook.bodies())[0]
        assert (notice["alert"]["name"], notice["alert"]["severity"]) == ("use_case.suspended", "critical")
        assert "negative_feedback_rate" in notice["alert"]["summary"]
        assert wait_for(lambda: sinks.smtp.messages)[0]["Subject"].startswith(
            "[Charter] FIRING critical use_case.suspended (tax-helpdesk)")
        resumed = http.post("/api/v1/usecases/tax-helpdesk/resume", json={"reason": "fixed"}, headers=admin)
        assert resumed.status_code == 200, resumed.text
        _run(evaluate(rt))
        assert [b["kind"] for b in wait_for(lambda: len(sinks.hook.requests) == 2 and sinks.hook.bodies())] == [
            "firing", "resolved"]
    assert _actions(rt) == ["alert.fired", "alert.resolved"]


def test_an_alert_rule_naming_an_unknown_metric_or_a_bad_window_is_400_invalid_charter_with_its_path(
    http: httpx.Client, platform: Platform
) -> None:
    admin = {"authorization": f"Bearer {platform.keys['admin']}"}
    for rules, path in (
        ("[{metric: error_rte, above: 0.2}]", "alerts.0.metric"),
        ("[{metric: error_rate, above: 0.2}, {metric: cost, above: 5, window: 15 minutes}]", "alerts.1.window"),
        ("[{detector: input_lenght}]", "alerts.0.detector"),
        ("[{metric: error_rate}]", "alerts.0"),
    ):
        r = http.post("/api/v1/usecases", json={"yaml": BASE + f"alerts: {rules}\n"}, headers=admin)
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert (error["code"], error["param"]) == ("invalid_charter", path), error
    ok = http.post("/api/v1/usecases", headers=admin, json={
        "yaml": BASE + "alerts: [{metric: latency_p95_ms, above: 2000, window: 1h, for: 5m, severity: critical}]\n"
    })
    assert ok.status_code == 201, ok.text


def _interaction(rt: Runtime, p: Platform, status: str, *, at: dt.datetime, error_code: str | None = None) -> None:
    use_case_id = _use_case_id(rt)
    row = {
        "id": new_id("int"), "tenant_id": p.tenant_id, "use_case_id": use_case_id, "charter_version": 1,
        "key_id": "key_test", "request_id": new_id("req"), "model_alias": "mock", "input_sha256": "x",
        "input_chars": 10, "output_chars": 5, "prompt_tokens": 3, "completion_tokens": 2, "cost": 0.0,
        "latency_ms": 10.0, "status": status, "error_code": error_code, "stream": False, "verdicts": [],
        "has_raw": False, "created_at": at,
    }
    rt.writer.write(lambda c: c.execute(interactions.insert().values(**row)))


def test_a_charter_rule_fires_when_its_signal_crosses_and_resolves_when_it_no_longer_does(
    desk: Platform, sinks: Sinks
) -> None:
    rt = desk.rt
    desk.apply(BASE + "alerts:\n"
               "  - {metric: error_rate, above: 0.5, window: 15m, min_events: 2, severity: critical}\n"
               "  - {detector: input_length, severity: warning}\n")
    desk.upstream.reply = "ok"
    with _live(rt) as live:
        r = httpx.post(f"{live.url}/v1/chat/completions", timeout=30, headers=desk.auth("app"),
                       json={"model": "mock", "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 200, r.text
    now = utcnow()
    assert _run(evaluate(rt, now))["rules"] == 3  # one event: below min_events, and no drift run yet
    _interaction(rt, desk, "error", at=now, error_code="upstream_unavailable")
    _interaction(rt, desk, "error", at=now, error_code="upstream_unavailable")
    assert _run(evaluate(rt, now)) == {"rules": 3, "fired": 2}  # 2 of 3 failed; 3 requests on the platform
    with rt.engine.connect() as conn:
        [row, busy] = conn.execute(select(alerts).where(alerts.c.status == "firing").order_by(alerts.c.name)).all()
    assert (row.name, row.labels, round(row.value, 3)) == ("error_rate", {"rule": "charter"}, 0.667)
    assert "error_rate is 0.6667 (above 0.5) over 15m, 3 events" in row.summary
    assert (busy.name, busy.use_case, busy.labels, busy.value) == ("platform.busy", None, {"rule": "platform"}, 3.0)
    assert busy.tenant_id != desk.tenant_id  # a platform rule's alert belongs to the platform tenant

    use_case_id = _use_case_id(rt)
    run_id = new_id("drun")
    window = (now - dt.timedelta(days=1), now)
    rt.writer.write(lambda c: (
        c.execute(drift_runs.insert().values(
            id=run_id, tenant_id=desk.tenant_id, use_case_id=use_case_id, charter_version=2, correction="bh",
            alpha=0.01, tests=1, drifted=1, skipped=[], baseline_start=window[0], baseline_end=window[1],
            recent_start=window[0], recent_end=window[1], created_at=now)),
        c.execute(drift_findings.insert().values(
            id=new_id("dfind"), run_id=run_id, tenant_id=desk.tenant_id, use_case_id=use_case_id,
            detector="input_length", segment="language=fr", test="ks", statistic=0.41, p_value=0.0001,
            threshold=0.01, drifted=True, n_baseline=200, n_recent=50, baseline_start=window[0],
            baseline_end=window[1], recent_start=window[0], recent_end=window[1], created_at=now)),
    ))
    later = now + dt.timedelta(minutes=16)  # the errors left the window
    assert _run(evaluate(rt, later)) == {"rules": 3, "fired": 1, "resolved": 2}
    with rt.engine.connect() as conn:
        states = {r.name: r.status for r in conn.execute(select(alerts)).all()}
    assert states == {"error_rate": "resolved", "drift.input_length": "firing", "platform.busy": "resolved"}
    _run(deliver_due(rt, later))
    notices = sorted((b["kind"], b["alert"]["name"]) for b in sinks.hook.bodies())  # sent together: any order
    assert notices == [("firing", "drift.input_length"), ("firing", "error_rate"), ("firing", "platform.busy"),
                       ("resolved", "error_rate"), ("resolved", "platform.busy")]


def test_the_alerts_and_costs_migrations_create_exactly_the_declared_tables(runtime: Runtime) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    applied = {r.revision for r in script.iterate_revisions(current_revisions(runtime.engine), "base")}
    assert {"0010_alerts", "0012_costs"} <= applied  # 0012_costs has a child now (0021_model_versions)
    ours = {"alerts", "alert_silences", "alert_outbox", "models"}
    assert {alerts.name, alert_outbox.name, alert_silences.name} < ours
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), alerts.metadata)

    def table_of(change: Any) -> str | None:
        item = change[0] if isinstance(change, list) else change
        for part in item[1:] if isinstance(item, tuple) else ():
            if isinstance(part, Table):
                return str(part.name)
            table = getattr(part, "table", None)
            if table is not None:
                return str(table.name)
            if isinstance(part, str) and part in ours:
                return part
        return None

    assert [d for d in diff if table_of(d) in ours] == []


def test_two_replicas_firing_the_same_alert_at_once_open_it_once(pg_url: str, upstream: ScriptedUpstream,
                                                                 data_dir: Path) -> None:
    rt = Runtime.open(Settings(data_dir=data_dir, database_url=pg_url, embedded_model="none", llama_threads=1))
    try:
        tenant_id = rt.writer.write(lambda c: ensure_tenant(c, "agency"))
        alert = Alert(tenant_id=tenant_id, name="disk.full", severity="critical", summary="full")
        routing = Routing({"critical": ["hook"]}, repeat_s=600.0)
        now = utcnow()
        with rt.engine.connect() as first, rt.engine.connect() as second:
            first.begin()
            assert fire_in(first, alert, routing, now) == "fired"  # not committed yet
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                racing = pool.submit(lambda: (second.begin(), fire_in(second, alert, routing, now))[1])
                with rt.engine.connect() as watcher:  # until the second insert waits on the first one's key
                    waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    assert wait_for(lambda: watcher.execute(waiting).scalar() or watcher.rollback())
                first.commit()
                assert racing.result(timeout=10) == "open"
            second.commit()
        with rt.engine.connect() as conn:
            assert len(conn.execute(select(alerts)).all()) == 1
            assert len(conn.execute(select(alert_outbox)).all()) == 1
        assert _actions(rt) == ["alert.fired"]
    finally:
        rt.close()
