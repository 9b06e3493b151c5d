"""``/api/v1/training/jobs`` and ``/api/v1/models/{alias}/canary`` (issue 17) over real HTTP, on both
stores: the API faces of ``charter train run|jobs|job`` and ``charter models canary start|list|evaluate|stop``
with the model registry's roles (admin, developer) and error codes."""

from __future__ import annotations

from tests.integration.oversight.conftest import BASE_CHARTER
from tests.integration.training.conftest import TRAINABLE, Trainer
from tests.integration.training.test_registry import Registry

ANSWER = "Bring form T1 to counter seven."
QUESTIONS = ["Where do I hand in my return?", "Where can I drop off my tax return?"]
FAST = {"max_steps": 6, "learning_rate": 0.01, "batch_size": 2, "max_length": 48}


async def test_canaries_start_list_evaluate_and_stop_over_the_api(trainer: Trainer) -> None:
    reg = Registry(trainer.platform, trainer.http)
    reg.suite()
    assert reg.register(url=reg.platform.upstream.url, platform_model_id="mock-ft").status_code == 201
    await reg.evaluate("mock@2")
    url = "/api/v1/models/mock/canary"
    denied = reg.http.post(url, json={"version": 2}, headers=reg.auth("auditor"))
    assert (denied.status_code, denied.json()["error"]["code"]) == (403, "role_not_allowed")
    own = reg.http.post(url, json={"version": 2}, headers=reg.auth("developer"))  # the registrant
    assert (own.status_code, own.json()["error"]["code"]) == (409, "same_principal")
    bad = reg.http.post(url, json={"version": 2, "share": 1.5}, headers=reg.auth("admin"))
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_value")
    started = reg.http.post(url, json={"version": 2, "share": 0.5, "min_samples": 20}, headers=reg.auth("admin"))
    assert started.status_code == 201, started.text
    body = started.json()
    assert (body["state"], body["share"], body["label"]) == ("running", 0.5, "mock@2") and body["gate"]
    assert [v["state"] for v in reg.versions()] == ["serving", "canary"]
    again = reg.http.post(url, json={"version": 2}, headers=reg.auth("admin"))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")  # no longer a candidate
    listed = reg.http.get("/api/v1/models/mock/canaries", headers=reg.auth("developer"))
    assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [body["id"]]
    evaluated = reg.http.post(f"{url}/evaluate", headers=reg.auth("developer"))
    assert evaluated.status_code == 200, evaluated.text
    assert evaluated.json()["state"] == "running" and evaluated.json()["comparison"]["verdict"] == "collecting"
    stopped = reg.http.post(f"{url}/stop", json={"reason": "not now"}, headers=reg.auth("developer"))
    assert stopped.status_code == 200 and stopped.json()["state"] == "stopped", stopped.text
    assert [v["state"] for v in reg.versions()] == ["serving", "candidate"]
    assert [e["reason"] for e in reg.ledger("model.canary_stopped")] == ["not now"]
    for path in ("/stop", "/evaluate"):
        gone = reg.http.post(url + path, headers=reg.auth("developer"))
        assert (gone.status_code, gone.json()["error"]["code"]) == (404, "not_found")


def test_training_jobs_are_queued_listed_and_shown_over_the_api(trainer: Trainer) -> None:
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    for question in QUESTIONS:
        trainer.decide(trainer.ask_with(question, ANSWER), "approve")
    built = trainer.build()
    assert built.status_code == 201, built.text
    url, dev = "/api/v1/training/jobs", trainer.auth("developer")
    body = {"dataset_id": built.json()["id"], "alias": "mock", "options": FAST}
    denied = trainer.http.post(url, json=body, headers=trainer.auth("auditor"))
    assert (denied.status_code, denied.json()["error"]["code"]) == (403, "role_not_allowed")
    for bad, code in (({"base": "/etc/passwd"}, 400), ({"options": {"output_dir": "/etc"}}, 400),
                      ({"dataset_id": "tds_nothing"}, 404)):
        refused = trainer.http.post(url, json={**body, **bad}, headers=dev)
        assert refused.status_code == code, refused.text
    queued = trainer.http.post(url, json=body, headers=dev)
    assert queued.status_code == 201, queued.text
    job = queued.json()
    assert (job["status"], job["method"], job["alias"]) == ("queued", "sft", "mock")
    assert job["options"]["max_steps"] == FAST["max_steps"]
    listed = trainer.http.get(url, headers=trainer.auth("admin"))
    assert listed.status_code == 200 and [j["id"] for j in listed.json()] == [job["id"]]
    shown = trainer.http.get(f"{url}/{job['id']}", headers=dev)
    assert shown.status_code == 200 and shown.json()["id"] == job["id"]
    missing = trainer.http.get(f"{url}/tjob_nothing", headers=dev)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
