"""Production drift and bias (ME-2, ME-4): synthetic interactions with a known shift, written to the
real store (SQLite and PostgreSQL), are found by the detector that measures it and by no other; no
shift finds nothing; segments, min_events, the ledger entry, the CLI and the API."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from typing import Any

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from typer.testing import CliRunner

from charter.cli.main import app as cli_app
from charter.ledger.tables import ledger_entries as entries
from charter.monitor import drift
from charter.monitor.drift import tables as drift_tables
from charter.monitor.drift.run import RunResult
from charter.monitor.drift.tables import drift_embeddings, drift_observations
from charter.oversight.tables import expert_samples, expert_scores, feedback
from charter.policy.current import get_use_case
from charter.settings import Settings
from charter.store.schema import interaction_raw, interactions, new_id
from tests.conftest import AGENCY_CHARTER, Platform

MONITOR = """\
monitor:
  baseline: 1d
  recent: 1d
  min_events: {min_events}
  segments: [language, metadata.channel]
  alpha: 0.01
  embeddings: {{sample_rate: 1.0}}
"""
N = 160  # events per window
KINDS = (
    "none",
    "input_length",
    "output_length",
    "language_mix",
    "refusal_rate",
    "guard_hit_rate",
    "grounding_score",
    "negative_feedback_rate",
    "appeal_rate",
    "expert_score",
    "embedding_shift",
)


def _charter(min_events: int = 50) -> str:
    return AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + MONITOR.format(min_events=min_events)


class Writer:
    """Synthetic interactions of the monitored use case, straight into the store's tables."""

    def __init__(self, platform: Platform, seed: int) -> None:
        self.p = platform
        self.rng = np.random.default_rng(seed)
        with platform.rt.engine.connect() as conn:
            self.use_case_id = get_use_case(conn, platform.tenant_id, "tax-helpdesk")["id"]
        self.rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("i", "o", "f", "s", "x", "e")}

    def event(self, at: dt.datetime, shift: str = "none", channel: str | None = None) -> None:
        r, iid, ids = self.rng, new_id("int"), {"tenant_id": self.p.tenant_id, "use_case_id": self.use_case_id}
        refused = r.random() < (0.3 if shift == "refusal_rate" else 0.05)
        grounding = r.beta(2, 8) if shift == "grounding_score" else r.beta(8, 2)
        verdicts: list[dict[str, Any]] = [{"stage": "admit", "outcome": "pass"}]
        hit = r.random() < (0.3 if shift == "guard_hit_rate" else 0.05)
        verdicts.append({"stage": "screen_input", "outcome": "warn" if hit else "pass", "detail": {"guard": "pii"}})
        verdicts.append({"stage": "screen_output", "outcome": "pass", "detail": {"guard": "grounding",
                                                                                 "score": round(1 - grounding, 4)}})
        scale_in = 1.6 if shift == "input_length" else 1.0
        scale_out = 0.5 if shift == "output_length" else 1.0
        self.rows["i"].append({
            "id": iid, **ids, "charter_version": 1, "key_id": "k", "request_id": iid, "input_sha256": "x",
            "input_chars": max(5, int(r.normal(120, 30) * scale_in)), "output_chars": 0 if refused else
            max(5, int(r.normal(400, 80) * scale_out)), "latency_ms": 10.0, "status": "refused" if refused else "ok",
            "verdicts": verdicts, "created_at": at,
        })
        fr = r.random() < (0.7 if shift == "language_mix" else 0.3)
        segments = {"metadata.channel": channel or ("web" if r.random() < 0.6 else "phone")}
        self.rows["o"].append({"interaction_id": iid, **ids, "language": "fr" if fr else "en", "segments": segments,
                               "declined": False, "created_at": at})
        negative = r.random() < (0.3 if shift == "negative_feedback_rate" else 0.05)
        appeal = r.random() < (0.2 if shift == "appeal_rate" else 0.02)
        if negative or appeal:
            self.rows["f"].append({"id": new_id("fb"), **ids, "interaction_id": iid, "key_id": "k",
                                   "rating": "unhelpful" if negative else None, "reasons": [], "appeal": appeal,
                                   "consent": False, "created_at": at})
        if r.random() < 0.7:
            sid = new_id("smp")
            self.rows["s"].append({"id": sid, **ids, "interaction_id": iid, "status": "scored", "sealed": {},
                                   "sentences": 1, "citations": 0, "created_at": at})
            score = float(np.clip(r.normal(0.55 if shift == "expert_score" else 0.8, 0.1), 0, 1))
            self.rows["x"].append({"id": new_id("scr"), "tenant_id": ids["tenant_id"], "sample_id": sid,
                                   "use_case_id": ids["use_case_id"], "scorer": "u", "sentence_scores": [],
                                   "accuracy": score, "total": score, "weights": {}, "created_at": at})
        topics = 4 if shift == "embedding_shift" else 3
        centre = np.eye(32)[int(r.integers(topics))]
        vector = (centre + r.normal(0, 0.15, 32)).astype(np.float32)
        vector /= np.linalg.norm(vector)
        self.rows["e"].append({"interaction_id": iid, **ids, "embedder": "test:unit", "dims": 32,
                               "vector": vector.astype("<f2").tobytes(), "created_at": at})

    def block(self, end: dt.datetime, shift: str, n: int = N, **kw: Any) -> None:
        """``n`` baseline events in the day before ``end - 1d``, ``n`` recent events (shifted) after it."""
        for i in range(n):
            self.event(end - dt.timedelta(days=2) + dt.timedelta(seconds=60 + i * 500), **kw)
            self.event(end - dt.timedelta(days=1) + dt.timedelta(seconds=60 + i * 500), shift, **kw)

    def flush(self) -> None:
        tables = {"i": interactions, "o": drift_observations, "f": feedback, "s": expert_samples,
                  "x": expert_scores, "e": drift_embeddings}

        def write(conn: Any) -> None:
            for key, table in tables.items():
                if self.rows[key]:
                    conn.execute(table.insert(), self.rows[key])

        self.p.rt.writer.write(write)
        self.rows = {k: [] for k in self.rows}


def _check(platform: Platform, now: dt.datetime) -> RunResult:
    return asyncio.run(drift.check_use_case(platform.rt, platform.tenant_id, "tax-helpdesk", now=now))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No scheduler in the live server: its ``drift.check`` would add runs while a test reads one."""
    return settings.model_copy(update={"scheduler": "off"})


@pytest.fixture
def monitored(platform: Platform) -> Platform:
    platform.apply(_charter())
    return platform


def test_me2_each_detector_finds_its_shift_and_no_shift_finds_nothing(monitored: Platform) -> None:
    w, now = Writer(monitored, seed=7), dt.datetime.now(dt.UTC).replace(microsecond=0)
    ends = {kind: now - dt.timedelta(days=10 * i) for i, kind in enumerate(KINDS)}
    for kind, end in ends.items():
        w.block(end, kind)
    w.flush()
    for kind, end in reversed(ends.items()):  # oldest first: a run prunes embeddings older than its windows
        result = _check(monitored, end)
        overall = {d["detector"] for d in result.drifted if d["segment"] in ("all", "guard=pii")}
        assert overall == (set() if kind == "none" else {kind}), (kind, result.drifted)
        assert result.tests >= 10 + 2 * 4  # ten detectors overall, per language and channel value
        if kind == "none":
            assert result.drifted == []
        stored = {(f.detector, f.segment): f for f in drift.latest_findings(monitored.rt.engine.connect(),
                                                                            monitored.tenant_id, w.use_case_id)}
        if kind != "none":
            found = stored[(kind, "all")]
            assert found.drifted and found.p_value is not None and found.p_value <= found.threshold
            assert (found.n_baseline, found.n_recent) != (0, 0)
            assert found.recent == (end - dt.timedelta(days=1), end)
            assert found.baseline == (end - dt.timedelta(days=2), end - dt.timedelta(days=1))


def test_me4_a_shift_in_one_segment_is_found_in_that_segment(monitored: Platform) -> None:
    w, end = Writer(monitored, seed=3), dt.datetime.now(dt.UTC).replace(microsecond=0)
    w.block(end, "none", channel="web")
    w.block(end, "refusal_rate", channel="phone")
    w.flush()
    result = _check(monitored, end)
    drifted = {(d["detector"], d["segment"]) for d in result.drifted}
    assert ("refusal_rate", "metadata.channel=phone") in drifted
    assert ("refusal_rate", "metadata.channel=web") not in drifted


def test_me2_fewer_events_than_min_events_are_skipped_not_tested(monitored: Platform) -> None:
    w, end = Writer(monitored, seed=5), dt.datetime.now(dt.UTC).replace(microsecond=0)
    w.block(end, "input_length", n=40)
    w.flush()
    result = _check(monitored, end)
    assert (result.tests, result.drifted) == (0, [])
    with monitored.rt.engine.connect() as conn:
        report = drift.drift_report(conn, monitored.tenant_id, "tax-helpdesk")
    assert report["findings"] == []
    assert {"detector": "input_length", "segment": "all", "reason": "40 baseline and 40 recent events; needs 50"} in (
        report["run"]["skipped"]
    )


def test_drift_found_is_a_ledger_entry_and_shows_in_cli_and_api(monitored: Platform, http: Any, settings: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    w, end = Writer(monitored, seed=11), dt.datetime.now(dt.UTC).replace(microsecond=0)
    w.block(end, "language_mix")
    w.flush()
    monkeypatch.setenv("CHARTER_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("CHARTER_DATABASE_URL", settings.database_url)
    out = CliRunner().invoke(cli_app, ["monitor", "drift", "tax-helpdesk", "--tenant", "agency", "--run", "--json"],
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert set(report) == {"use_case", "run", "findings"}
    assert set(report["run"]) == {"id", "created_at", "charter_version", "baseline", "recent", "correction", "alpha",
                                  "tests", "drifted", "skipped"}
    language = next(f for f in report["findings"] if (f["detector"], f["segment"]) == ("language_mix", "all"))
    assert set(language) == {"detector", "segment", "test", "statistic", "p_value", "threshold", "drifted",
                             "baseline", "recent", "n_baseline", "n_recent", "baseline_value", "recent_value"}
    assert language["drifted"] is True and language["test"] == "chi2" and language["n_recent"] == N
    people = CliRunner().invoke(cli_app, ["monitor", "drift", "tax-helpdesk", "--tenant", "agency"],
                                catch_exceptions=False)
    assert people.exit_code == 0 and "DRIFT" in people.output and "tax-helpdesk" in people.output, people.output
    with monitored.rt.engine.connect() as conn:
        entry = conn.execute(select(entries).where(entries.c.action == "monitor.drift_detected")).one()
    event = json.loads(entry.event) if isinstance(entry.event, str) else entry.event
    assert entry.subject == report["run"]["id"] and event["use_case"] == "tax-helpdesk"
    assert ("language_mix", "all") in {(d["detector"], d["segment"]) for d in event["drifted"]}
    shown = http.get("/api/v1/usecases/tax-helpdesk/drift", headers=monitored.auth("auditor"))
    assert shown.status_code == 200, shown.text
    assert shown.json() == report
    assert http.get("/api/v1/usecases/tax-helpdesk/drift", headers=monitored.auth("app")).status_code == 403
    assert http.get("/api/v1/usecases/tax-helpdesk/drift", headers=monitored.auth("reviewer")).status_code == 403


BAD_MONITORS = [
    ("{baseline: 7 days}", "monitor.baseline"),
    ("{recent: 0d}", "monitor.recent"),
    ("{segments: [channel]}", "monitor.segments"),
    ("{detectors: [input_lenght]}", "monitor.detectors"),
    ("{alpha: 0.5}", "monitor.alpha"),
    ("{min_events: 1}", "monitor.min_events"),
    ("{embeddings: {sample_rate: 0}}", "monitor.embeddings.sample_rate"),
    ("{windows: 1d}", "monitor.windows"),
]


def test_pc1_invalid_monitor_is_400_invalid_charter_with_the_path(platform: Platform, http: Any) -> None:
    for monitor, param in BAD_MONITORS:
        yaml_text = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + f"monitor: {monitor}\n"
        r = http.post("/api/v1/usecases", json={"yaml": yaml_text}, headers=platform.auth("admin"))
        assert r.status_code == 400, r.text
        assert (r.json()["error"]["code"], r.json()["error"]["param"]) == ("invalid_charter", param), monitor


def test_run_without_monitor_is_409_monitor_not_configured(platform: Platform, http: Any) -> None:
    r = http.post("/api/v1/usecases/tax-helpdesk/drift", headers=platform.auth("developer"))
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "monitor_not_configured"


def test_record_stage_notes_language_segments_and_declines_only_for_monitored_use_cases(
    platform: Platform, http: Any
) -> None:
    def ask(text: str, metadata: dict[str, Any]) -> str:
        body = {"model": "mock", "messages": [{"role": "user", "content": text}], "metadata": metadata}
        r = http.post("/v1/chat/completions", json=body, headers=platform.auth())
        assert r.status_code == 200, r.text
        return str(r.json()["charter"]["interaction_id"])

    unmonitored = ask("When is the filing deadline?", {"channel": "web"})
    platform.apply(_charter())
    platform.upstream.reply = "I'm sorry, I can't help with that request."
    french = ask("Quand est-ce que je dois déposer ma déclaration de revenus pour cette année ?",
                 {"channel": "phone", "account": "12345678"})
    with platform.rt.engine.connect() as conn:
        rows = {r.interaction_id: r for r in conn.execute(select(drift_observations)).all()}
    assert unmonitored not in rows
    assert (rows[french].language, rows[french].segments, rows[french].declined) == (
        "fr", {"metadata.channel": "phone"}, True
    )  # only the charter-named metadata key is kept, never "account"


def test_drift_migration_matches_the_tables(runtime: Any) -> None:
    ours = {t.name for t in vars(drift_tables).values() if hasattr(t, "c") and hasattr(t, "name")}
    assert ours == {"drift_runs", "drift_findings", "drift_observations", "drift_embeddings"}
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), drift_tables.metadata)
    assert [d for d in diff if _table_of(d) in ours] == []


def _table_of(change: Any) -> str | None:
    item = change[0] if isinstance(change, list) else change
    for part in item[1:] if isinstance(item, tuple) else ():
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if isinstance(part, str):
            return part
        if getattr(part, "name", None) is not None and hasattr(part, "c"):
            return str(part.name)
    return None


def test_opt_in_embedding_sample_is_kept_after_the_answer_from_the_user_input(platform: Platform, http: Any) -> None:
    platform.apply(AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + f"""\
monitor:
  embeddings: {{embedder: openai, sample_rate: 1.0, options: {{endpoint: "{platform.upstream.url}", model: e}}}}
""")
    body = {"model": "mock", "messages": [{"role": "system", "content": "Be brief."},
                                          {"role": "user", "content": "How do I renew my passport?"}]}
    r = http.post("/v1/chat/completions", json=body, headers=platform.auth())
    assert r.status_code == 200, r.text
    iid = r.json()["charter"]["interaction_id"]
    deadline = time.monotonic() + 10  # kept in the background, after the answer: poll with a deadline
    while True:
        with platform.rt.engine.connect() as conn:
            row = conn.execute(select(drift_embeddings).where(drift_embeddings.c.interaction_id == iid)).first()
        if row is not None or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert row is not None, "no embedding kept"
    sent = [q["body"]["input"] for q in platform.upstream.requests if q["path"].endswith("/embeddings")]
    assert sent == [["How do I renew my passport?"]]  # the user's input only, not the system message
    vector = np.frombuffer(row.vector, dtype="<f2").astype(np.float32)
    expected = np.array([len("How do I renew my passport?"), 1.0, 0.5], dtype=np.float32)
    assert row.dims == 3 and np.allclose(vector, expected / np.linalg.norm(expected), atol=1e-3)
    outcome = asyncio.run(drift.check_all(platform.rt))  # the drift.check job
    assert outcome["embeddings_pruned"] == 0
    erase = interaction_raw.delete().where(interaction_raw.c.interaction_id == iid)
    platform.rt.writer.write(lambda c: c.execute(erase))
    outcome = asyncio.run(drift.check_all(platform.rt))  # the content is gone (retention, erasure): so is its vector
    assert (outcome["use_cases"], outcome["failed"], outcome["embeddings_pruned"]) == (1, [], 1)
