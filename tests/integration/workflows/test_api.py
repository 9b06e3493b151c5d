"""``/api/v1/workflows`` over real HTTP on both stores: apply, run, read, approve, batch sign-off,
roles, and the stable error codes (never a 5xx for a client's mistake)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.workflows.conftest import WORKFLOW, Desk


def _post(http: httpx.Client, desk: Desk, path: str, role: str, **body: Any) -> httpx.Response:
    return http.post(f"/api/v1/workflows{path}", json=body, headers=desk.platform.auth(role))


def test_the_api_applies_runs_and_lets_a_reviewer_decide(desk: Desk, http: httpx.Client) -> None:
    applied = _post(http, desk, "", "developer", source=WORKFLOW)
    assert applied.status_code == 201 and applied.json()["version"] == 1
    started = _post(http, desk, "/refund-check/runs", "developer", input={"case": "big-1"})
    assert started.status_code == 201, started.text
    run = started.json()
    assert (run["status"], run["step"], run["waiting_for"]) == ("waiting", "planner", "approval")
    assert _post(http, desk, f"/runs/{run['id']}/approve", "app").status_code == 403  # an app key does not decide
    approved = _post(http, desk, f"/runs/{run['id']}/approve", "reviewer", comment="planner agrees")
    assert approved.status_code == 200 and approved.json()["status"] == "succeeded"
    shown = http.get(f"/api/v1/workflows/runs/{run['id']}", headers=desk.platform.auth("auditor")).json()
    assert shown["output"] == {"decision": "deny", "letter": "L-1"}
    assert [s["step"] for s in shown["steps"]] == ["lookup", "decide", "route", "planner", "send"]
    listed = http.get("/api/v1/workflows/runs", params={"status": "succeeded"}, headers=desk.platform.auth("reviewer"))
    assert [r["id"] for r in listed.json()] == [run["id"]]

    batch = _post(http, desk, "/refund-check/batches", "developer", items=[{"case": "ok-1"}, {"case": "ok-2"}])
    assert batch.status_code == 201 and batch.json()["counts"] == {"batch": 2}
    signed = _post(http, desk, f"/batches/{batch.json()['batch_id']}/sign-off", "reviewer", comment="ok")
    assert signed.status_code == 200 and signed.json()["signed_off"] == 2
    assert len(desk.office.letters) == 3


def test_client_mistakes_get_stable_codes(desk: Desk, http: httpx.Client) -> None:
    broken = _post(http, desk, "", "developer", source=WORKFLOW.replace("connector: letters", "connector: nope"))
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "workflow_invalid"
    assert "nope" in broken.json()["error"]["message"]
    missing = _post(http, desk, "/nothing/runs", "developer", input={})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "workflow_not_found"
    _post(http, desk, "", "developer", source=WORKFLOW)
    bad_input = _post(http, desk, "/refund-check/runs", "developer", input={"case": 7})
    assert bad_input.status_code == 400 and bad_input.json()["error"]["code"] == "invalid_value"
    assert _post(http, desk, "", "reviewer", source=WORKFLOW).status_code == 403
    unknown = http.get("/api/v1/workflows/runs/wfr_nope", headers=desk.platform.auth("auditor"))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    run = _post(http, desk, "/refund-check/runs", "developer", input={"case": "ok-1"}).json()
    content = http.get(f"/api/v1/workflows/runs/{run['id']}", headers=desk.platform.auth("developer"))
    assert content.status_code == 403  # a run's content is for the people who decide and for auditors
    twice = _post(http, desk, f"/runs/{run['id']}/reject", "reviewer")
    assert twice.status_code == 400 and twice.json()["error"]["code"] == "missing_field"
