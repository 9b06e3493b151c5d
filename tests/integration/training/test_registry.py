"""The model registry (MD-1, MD-3; issue 17) over real HTTP and the CLI, on both stores: a version
records its lineage and file hashes, serves nobody until the use case's promotion gate passed,
rolls back in one command without a new gate (ledgered), and a registered file that changed since
is refused at load (fail closed)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from charter.evals.datasets import import_dataset
from charter.evals.experiments import ExperimentPlan, execute, start_experiment
from charter.evals.suites import SuiteSpec, get_suite, set_suite
from charter.evals.tables import gate_decisions
from charter.evals.targets import CallableTarget, ProviderTarget, TargetError
from charter.ledger.tables import ledger_entries
from charter.providers.base import ProviderError
from charter.providers.embedded import locate_registered
from charter.runtime import Runtime
from charter.store import schema
from charter.store.migrate import alembic_config, current_revisions
from charter.training.registry import code_version
from tests.conftest import Platform
from tests.integration.oversight.conftest import BASE_CHARTER
from tests.integration.training.conftest import TRAINABLE, Trainer
from tests.integration.training.test_cli import run as cli
from tests.integration.training.test_migration import _names
from tests.support.agency import answer_key, qa_jsonl
from tests.support.cli import use_store_of


class Registry:
    def __init__(self, platform: Platform, http: httpx.Client) -> None:
        self.platform = platform
        self.http = http

    def auth(self, role: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.platform.keys[role]}"}

    def suite(self) -> None:
        """The tax-helpdesk suite (exact match at least 0.9), set up by carol: nobody below wrote it."""
        tid = self.platform.tenant_id
        self.platform.rt.writer.write(lambda c: import_dataset(c, tid, "tax-qa", qa_jsonl(), fmt="jsonl",
                                                               actor="carol", source="tax-qa.jsonl"))
        spec = SuiteSpec("tax-helpdesk", "tax-qa", ["exact"], thresholds={"exact_match": {"min": 0.9}})
        self.platform.rt.writer.write(lambda c: set_suite(c, tid, spec, actor="carol"))

    async def evaluate(self, label: str, wrong_every: int = 0) -> None:
        """A finished suite run of ``label`` (``mock@2``), answered by a scripted model."""
        rt, tid = self.platform.rt, self.platform.tenant_id
        with rt.engine.connect() as conn:
            suite = get_suite(conn, tid, "tax-helpdesk")
        plan = ExperimentPlan(dataset=f"tax-qa@{suite.dataset_version}", models=(label,), prompts=(None,),
                              use_case="tax-helpdesk", evaluators=[{"name": "exact", "options": {}}])
        exp = rt.writer.write(lambda c: start_experiment(c, tid, plan, actor="ci", target="callable",
                                                         use_case_id=suite.use_case_id))
        await execute(rt, tid, exp["experiment_id"], CallableTarget(answer_key(wrong_every=wrong_every, always=True)))

    def register(self, role: str = "developer", **body: Any) -> httpx.Response:
        body.setdefault("base", "mock@1")
        return self.http.post("/api/v1/models/mock/versions", json=body, headers=self.auth(role))

    def promote(self, version: int, role: str = "admin") -> httpx.Response:
        return self.http.post(f"/api/v1/models/mock/versions/{version}/promote", headers=self.auth(role))

    def versions(self) -> list[dict[str, Any]]:
        r = self.http.get("/api/v1/models/mock/versions", headers=self.auth("developer"))
        assert r.status_code == 200, r.text
        return list(r.json())

    def served_by(self) -> str:
        """The upstream model name that answered a chat request through the gateway."""
        r = self.http.post("/v1/chat/completions", headers=self.auth("app"),
                           json={"model": "mock", "messages": [{"role": "user", "content": "When are returns due?"}]})
        assert r.status_code == 200, r.text
        return str(self.platform.upstream.requests[-1]["body"]["model"])

    def count(self, table: Any, *where: Any) -> int:
        with self.platform.rt.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

    def ledger(self, action: str) -> list[dict[str, Any]]:
        with self.platform.rt.engine.connect() as conn:
            rows = conn.execute(select(ledger_entries.c.actor, ledger_entries.c.event).where(
                ledger_entries.c.tenant_id == self.platform.tenant_id, ledger_entries.c.action == action)
                .order_by(ledger_entries.c.seq)).all()
        return [{"actor": r.actor, **json.loads(r.event)} for r in rows]


@pytest.fixture
def reg(platform: Platform, http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> Registry:
    use_store_of(monkeypatch, platform.rt.settings)
    return Registry(platform, http)


def _weights(reg: Registry, name: str = "tax-ft.gguf", content: bytes = b"GGUF fine-tuned weights") -> Path:
    folder = reg.platform.rt.settings.data_dir / "models"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def test_md1_a_version_records_its_lineage_and_file_hashes(platform: Platform, http: httpx.Client,
                                                            reg: Registry, tmp_path: Path) -> None:
    trainer = Trainer(platform, http)
    platform.keys["reviewer2"] = platform.key("reviewer", use_case=None, name="second reviewer")
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    trainer.decide(trainer.ask_with("When is the filing deadline?", "April 30."), "approve")
    built = trainer.build("sft").json()
    weights = _weights(reg)
    config, metrics = {"method": "sft", "lora_r": 8, "epochs": 1}, {"train_loss": 1.25}
    r = reg.register(file="tax-ft.gguf", dataset_id=built["id"], training_config=config, metrics=metrics)
    assert r.status_code == 201, r.text
    version = r.json()
    assert (version["label"], version["state"], version["provider"]) == ("mock@2", "candidate", "embedded")
    lineage = version["lineage"]
    assert lineage["base"] == "mock@1"
    assert lineage["dataset"] == {"id": built["id"], "sha256": built["sha256"]}
    assert (lineage["training_config"], lineage["metrics"]) == (config, metrics)
    assert lineage["code_version"] == code_version() and lineage["code_version"].startswith(("git:", "charter"))
    assert lineage["files"] == [{"path": str(weights.resolve()), "sha256": hashlib.sha256(weights.read_bytes())
                                 .hexdigest(), "size": weights.stat().st_size}]
    # the entry that served before the registry is version 1, still serving; both are listed
    listed = reg.versions()
    assert [(v["label"], v["state"]) for v in listed] == [("mock@1", "serving"), ("mock@2", "candidate")]
    assert listed[0]["platform_model_id"] == "mock-model-7b"
    code, shown = cli("models", "versions", "mock")
    assert code == 0 and [v["label"] for v in shown] == ["mock@1", "mock@2"]
    [event] = reg.ledger("model.version_registered")
    assert (event["dataset_sha256"], event["files"][0]["sha256"]) == (built["sha256"], lineage["files"][0]["sha256"])
    # a file outside the models directory, an unknown dataset: clear 4xx, nothing registered
    outside = reg.register(file=str(tmp_path / "elsewhere.gguf"))
    assert (outside.status_code, outside.json()["error"]["code"]) == (400, "invalid_value")
    unknown = reg.register(file="tax-ft.gguf", dataset_id="tds_nope")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "not_found")
    both = reg.register(file="tax-ft.gguf", url=platform.upstream.url)
    assert both.status_code == 400
    assert len(reg.versions()) == 2
    # the alias is under the registry now: a plain catalog entry (which would serve ungated) is refused
    plain = http.post("/api/v1/models", headers=reg.auth("admin"), json={
        "alias": "mock", "provider": "openai", "endpoint": platform.upstream.url, "platform_model_id": "sneaky",
        "region": "ca-central-1", "classification_ceiling": "confidential"})
    assert (plain.status_code, plain.json()["error"]["code"]) == (409, "conflict")
    bad = http.post("/api/v1/models/-bad/versions", json={"base": "x", "url": platform.upstream.url},
                    headers=reg.auth("developer"))
    assert (bad.status_code, bad.json()["error"]["code"], bad.json()["error"]["param"]) == (400, "invalid_value",
                                                                                            "alias")
    nope = http.get("/api/v1/models/nope/versions", headers=reg.auth("developer"))
    assert (nope.status_code, nope.json()["error"]["code"]) == (404, "model_not_found")
    missing = reg.promote(7)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "model_version_not_found")


async def test_md3_an_unvetted_version_serves_nobody_until_the_gate_passes(reg: Registry) -> None:
    reg.suite()
    r = reg.register(url=reg.platform.upstream.url, platform_model_id="mock-ft", training_config={"lr": 1e-4})
    assert r.status_code == 201, r.text
    assert reg.served_by() == "mock-model-7b"  # the candidate takes no traffic
    # an evaluation can name the candidate, serving or not (the provider is not called here: it would
    # be bound to this test's event loop, not the live server's)
    entry = ProviderTarget(reg.platform.rt, reg.platform.tenant_id)._entry("mock@2")
    assert (entry.platform_model_id, entry.enabled, entry.registry_state) == ("mock-ft", False, "candidate")
    with pytest.raises(TargetError, match="no registered version 'mock@9'"):
        ProviderTarget(reg.platform.rt, reg.platform.tenant_id)._entry("mock@9")
    # no finished suite run of mock@2: refused, recorded, and still not serving
    refused = reg.promote(2)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "gate_failed")
    assert "charter eval run --use-case tax-helpdesk --model mock@2" in refused.json()["error"]["message"]
    # a run that misses the threshold: refused with the metric
    await reg.evaluate("mock@2", wrong_every=2)
    missed = reg.promote(2)
    assert (missed.status_code, missed.json()["error"]["code"]) == (409, "gate_failed")
    assert "exact_match" in missed.json()["error"]["message"]
    assert reg.served_by() == "mock-model-7b"
    await reg.evaluate("mock@2")
    # the registrant cannot approve their own version
    own = reg.promote(2, role="developer")
    assert (own.status_code, own.json()["error"]["code"]) == (409, "same_principal")
    assert [v["state"] for v in reg.versions()] == ["serving", "candidate"]
    ok = reg.promote(2, role="admin")
    assert ok.status_code == 200, ok.text
    assert ok.json()["state"] == "serving" and ok.json()["gate"][0]["passed"] is True
    assert reg.served_by() == "mock-ft"
    assert [v["state"] for v in reg.versions()] == ["standby", "serving"]
    [promoted] = reg.ledger("model.version_promoted")
    assert promoted["version"] == 2 and promoted["from"] == [1] and promoted["gate_ids"] == [ok.json()["gate"][0]["id"]]
    codes = [e["code"] for e in reg.ledger("gate.passed") + reg.ledger("gate.failed")]
    assert sorted(c or "" for c in codes) == ["", "gate_failed", "gate_failed", "same_principal"]


async def test_md3_rollback_returns_to_the_previous_version_without_a_gate_and_is_ledgered(reg: Registry) -> None:
    reg.suite()
    assert reg.register(url=reg.platform.upstream.url, platform_model_id="mock-ft").status_code == 201
    await reg.evaluate("mock@2")
    assert reg.promote(2).status_code == 200
    assert reg.served_by() == "mock-ft"
    decisions = reg.count(gate_decisions)
    code, result = cli("models", "rollback", "mock", "--reason", "citizens complain", "--actor", "oncall")
    assert code == 0, result
    assert (result["rolled_back"], result["serving"]) == ("mock@2", ["mock@1"])
    assert reg.count(gate_decisions) == decisions  # vetted before: no new gate
    reg.platform.invalidate()
    assert reg.served_by() == "mock-model-7b"
    assert [v["state"] for v in reg.versions()] == ["serving", "rolled_back"]
    [entry] = reg.ledger("model.version_rolled_back")
    assert (entry["actor"], entry["from"], entry["to"], entry["reason"]) == ("oncall", 2, [1], "citizens complain")
    # nothing earlier to return to: a clear 409, nothing moves
    again = reg.http.post("/api/v1/models/mock/rollback", json={}, headers=reg.auth("admin"))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "no_previous_version")
    assert reg.served_by() == "mock-model-7b"
    # the app key may not touch the registry
    denied = reg.http.post("/api/v1/models/mock/rollback", json={}, headers=reg.auth("app"))
    assert denied.status_code == 403


async def test_md1_a_registered_file_that_changed_is_refused_at_load(reg: Registry) -> None:
    reg.suite()
    weights = _weights(reg)
    r = reg.register(file="tax-ft.gguf")
    assert r.status_code == 201, r.text
    recorded = r.json()["lineage"]["files"][0]["sha256"]
    assert locate_registered(str(weights.resolve()), recorded) == weights.resolve()
    await reg.evaluate("mock@2")
    assert reg.promote(2).status_code == 200
    weights.write_bytes(b"GGUF weights swapped after the gate")
    with pytest.raises(ProviderError, match="does not match the SHA-256 recorded"):
        locate_registered(str(weights.resolve()), recorded)
    with pytest.raises(ProviderError, match="no SHA-256 recorded"):
        locate_registered(str(weights.resolve()), None)
    # the gateway loads the serving version's file through the embedded provider: refused, not served
    r = reg.http.post("/v1/chat/completions", headers=reg.auth("app"),
                      json={"model": "mock", "messages": [{"role": "user", "content": "When are returns due?"}]})
    assert (r.status_code, r.json()["error"]["code"]) == (502, "upstream_unavailable")
    # a rollback (no gate) restores service
    assert reg.http.post("/api/v1/models/mock/rollback", headers=reg.auth("admin")).status_code == 200
    assert reg.served_by() == "mock-model-7b"


def test_md1_registry_migration_matches_the_table(runtime: Runtime) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    applied = {r.revision for r in script.iterate_revisions(current_revisions(runtime.engine), "base")}
    assert "0021_model_versions" in applied  # a parent now (0026_training_jobs_canaries)
    with runtime.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, schema.metadata)
    ours = [d for d in diff if any(_names(p) & {"model_versions"} for p in (d[0] if isinstance(d, list) else d)[1:])]
    assert ours == []
