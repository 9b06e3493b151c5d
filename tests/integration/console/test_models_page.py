"""The console's Models page over plain HTTP, on SQLite and PostgreSQL (issue 17): per alias its versions
with lineage, state (a canary with its share), quality, training and serving cost and the training jobs
with their progress; admin and developer start and stop a canary, promote and roll back after a
confirmation, through the functions and roles of ``/api/v1/models`` (a refusal stays on the page)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from charter.ledger.tables import ledger_entries
from charter.store.schema import utcnow
from charter.training.tables import training_jobs
from tests.integration.console.conftest import Console
from tests.integration.training.test_registry import Registry


def _job(console: Console) -> None:
    """A fine-tuning job half-way through (the job itself is tested in tests/integration/training)."""
    values = {
        "id": "tjob_page", "tenant_id": console.platform.tenant_id, "alias": "mock", "dataset_id": "tds_page",
        "method": "sft", "options": {}, "status": "running", "progress": {"step": 3, "max_steps": 6, "loss": 1.25},
        "attempts": 1, "worker": "w", "heartbeat_at": utcnow(), "result": None, "error": None,
        "model_version_id": None, "device": "cpu", "cpu_s": 12.0, "gpu_s": 0.0, "cost": 0.0125,
        "created_by": "dev", "created_at": utcnow(), "started_at": utcnow(), "finished_at": None,
    }
    console.platform.rt.writer.write(lambda c: c.execute(training_jobs.insert().values(**values)))


def _post(client: httpx.Client, console: Console, action: str, **form: str) -> httpx.Response:
    csrf = console.csrf(client, "/console/models/mock")
    return client.post(f"/console/models/mock/{action}", data={"csrf": csrf, **form})


async def test_models_page_shows_versions_and_releases_them_after_a_confirmation(console: Console) -> None:
    with httpx.Client(base_url=console.url, timeout=30) as http:
        reg = Registry(console.platform, http)
        reg.suite()
        assert reg.register(url=console.platform.upstream.url, platform_model_id="mock-ft").status_code == 201
    await reg.evaluate("mock@2")
    _job(console)
    dev, admin = console.signed_in("developer"), console.signed_in("admin")
    index = dev.get("/console/models")
    assert index.status_code == 200 and 'href="/console/models/mock"' in index.text and "v2 candidate" in index.text
    assert console.signed_in("reviewer").get("/console/models/mock").status_code == 403
    assert dev.get("/console/models/nope").status_code == 404
    page = dev.get("/console/models/mock")
    assert page.status_code == 200
    for shown in ("mock@2", "candidate", "<dd>mock@1</dd>", "exact_match", "tjob_page", "3/6", "0.0125",
                  'action="/console/models/mock/canary-start"'):
        assert shown in page.text, shown
    # the confirmation names what happens; the registrant is refused by the gate, on the page
    ask = _post(dev, console, "canary-start", version="2", share="0.25")
    assert ask.status_code == 200 and "Send 25% of mock's traffic to mock@2?" in ask.text
    own = _post(dev, console, "canary-start", version="2", share="0.25", confirm="yes")
    assert own.status_code == 409 and "Refused: same_principal" in own.text
    done = _post(admin, console, "canary-start", version="2", share="0.25", confirm="yes")
    assert done.status_code == 303 and done.headers["location"] == "/console/models/mock?done=canary-start"
    page = admin.get("/console/models/mock")
    assert "with 25% of the traffic" in page.text and "canary-stop" in page.text
    assert _post(admin, console, "canary-stop").status_code == 400  # a reason is required
    assert _post(admin, console, "canary-stop", reason="too early", confirm="yes").status_code == 303
    assert _post(admin, console, "promote", version="2", confirm="yes").status_code == 303
    assert [v["state"] for v in reg_versions(console)] == ["standby", "serving"]
    back = _post(admin, console, "rollback", reason="answers got worse")
    assert back.status_code == 200 and "Roll mock back?" in back.text and "answers got worse" in back.text
    assert _post(admin, console, "rollback", reason="answers got worse", confirm="yes").status_code == 303
    assert [v["state"] for v in reg_versions(console)] == ["serving", "rolled_back"]
    with console.platform.rt.engine.connect() as conn:
        actions = [a for a in conn.execute(select(ledger_entries.c.action).order_by(ledger_entries.c.seq)).scalars()
                   if a.startswith("model.")]
    assert {"model.canary_started", "model.canary_stopped", "model.version_rolled_back"} <= set(actions)


def reg_versions(console: Console) -> list[dict[str, object]]:
    with httpx.Client(base_url=console.url, timeout=30) as http:
        return Registry(console.platform, http).versions()
