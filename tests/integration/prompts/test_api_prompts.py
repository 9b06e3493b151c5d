"""Prompts and evaluations over the real HTTP API and the governed chat path (PC-1, PC-2)."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from charter.prompts import versions
from charter.store.schema import interactions

CHARTER_WITH_PROMPT = """\
name: tax-helpdesk
tenant: agency
models: [mock]
regions: [ca-central-1]
system_prompt: You answer tax questions for the Revenue Agency.
prompt: tax-answer
prompt_label: {label}
"""

PROMPT = {
    "name": "tax-answer",
    "use_case": "tax-helpdesk",
    "template": "You answer for {{ agency }}. Audience: {{ audience }}.",
    "variables": {
        "properties": {"agency": {"type": "string", "default": "the Revenue Agency"}, "audience": {"type": "string"}},
        "required": ["audience"],
    },
    "thresholds": {"exact_match": {"min": 0.9}},
    "message": "first version",
}


def _label_around_the_gate(platform, name: str, version: int, label: str) -> None:
    """Test shortcut for the rendering tests: point a label through the library, around the gate
    (a label a charter serves from is protected: over the API it moves only through the gate)."""

    def move(conn):
        candidate = versions.get_version(conn, platform.tenant_id, name, version=version)
        return versions.move_label(conn, platform.tenant_id, candidate, label, actor="test")

    platform.rt.writer.write(move)
    platform.rt.policy_changed()


def _chat(http, platform, text="When is the deadline?", variables=None):
    body = {"model": "mock", "messages": [{"role": "user", "content": text}]}
    if variables is not None:
        body["metadata"] = {"variables": variables}
    return http.post("/v1/chat/completions", json=body, headers=platform.auth())


def test_pc1_gateway_renders_the_label_and_records_the_version(http, platform):
    pushed = http.post("/api/v1/prompts", json=PROMPT, headers=platform.auth("developer"))
    assert pushed.status_code == 201, pushed.text
    version = pushed.json()
    platform.apply(CHARTER_WITH_PROMPT.format(label="staging"))  # staging is not set yet: serves nothing
    _label_around_the_gate(platform, "tax-answer", 1, "staging")
    r = _chat(http, platform, variables={"audience": "small businesses"})
    assert r.status_code == 200, r.text
    assert "variables" not in r.json()["charter"]
    sent = platform.upstream.requests[-1]["body"]["messages"]
    assert sent == [
        {"role": "system", "content": "You answer for the Revenue Agency. Audience: small businesses."},
        {"role": "user", "content": "When is the deadline?"},
    ]
    iid = r.json()["charter"]["interaction_id"]
    with platform.rt.engine.connect() as conn:
        row = conn.execute(select(interactions).where(interactions.c.id == iid)).one()
    assert row.prompt_version_id == version["id"]
    assert any(v["stage"] == "compose" and v["detail"]["version"] == 1 for v in row.verdicts)
    missing = _chat(http, platform)  # the required variable is missing: refused, and says how to fix it
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "prompt_render_failed"
    assert "metadata.variables" in missing.json()["error"]["message"]


def test_pc1_sandbox_escape_through_the_gateway_fails_safely(http, platform):
    evil = {"name": "tax-answer", "template": "{{ ''.__class__.__mro__[1].__subclasses__() }}"}
    assert http.post("/api/v1/prompts", json=evil, headers=platform.auth("developer")).status_code == 201
    platform.apply(CHARTER_WITH_PROMPT.format(label="staging"))
    _label_around_the_gate(platform, "tax-answer", 1, "staging")
    before = len(platform.upstream.requests)
    r = _chat(http, platform)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "prompt_render_failed" and "sandbox" in error["message"]
    assert "subclasses" not in json.dumps(r.json()) and "<class" not in json.dumps(r.json())
    assert len(platform.upstream.requests) == before  # nothing reached the model
    include = {"name": "other", "template": "{% include '/etc/passwd' %}"}
    refused = http.post("/api/v1/prompts", json=include, headers=platform.auth("developer"))
    assert refused.status_code == 400 and "include" in refused.json()["error"]["message"]


def _wait_finished(http, platform, experiment_id: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        runs = http.get("/api/v1/evals/runs", params={"experiment": experiment_id}, headers=platform.auth("admin"))
        data = runs.json()
        if data and all(r["status"] == "finished" for r in data):
            return data[0]
        time.sleep(0.1)
    raise AssertionError(f"experiment {experiment_id} did not finish: {data}")


def test_pc2_promotion_through_the_api_needs_another_approver_and_a_passing_run(http, platform):
    dev, admin = platform.auth("developer"), platform.auth("admin")
    lines = "".join(json.dumps({"input": f"Q{i}?", "reference": platform.upstream.reply}) + "\n" for i in range(4))
    r = http.post("/api/v1/evals/datasets", json={"name": "tax-qa", "content": lines}, headers=dev)
    assert r.status_code == 201 and r.json()["items"] == 4, r.text
    r = http.put(
        "/api/v1/evals/suites/tax-helpdesk", json={"dataset": "tax-qa", "evaluators": ["exact", "rouge"]}, headers=dev
    )
    assert r.status_code == 200, r.text
    prompt = {
        **PROMPT,
        "variables": {
            "properties": {
                "agency": {"type": "string", "default": "the Agency"},
                "audience": {"type": "string", "default": "the public"},
            }
        },
    }
    assert http.post("/api/v1/prompts", json=prompt, headers=dev).status_code == 201
    # dev wrote the suite that gates dev's version: it gates nothing until another key approves it
    unreviewed = http.post("/api/v1/prompts/tax-answer/promote", json={"version": 1}, headers=admin)
    assert unreviewed.status_code == 409 and unreviewed.json()["error"]["code"] == "suite_changed_by_requester"
    own_suite = http.post("/api/v1/evals/suites/tax-helpdesk/approve", headers=dev)
    assert own_suite.status_code == 409 and own_suite.json()["error"]["code"] == "same_principal"
    reviewed = http.post("/api/v1/evals/suites/tax-helpdesk/approve", headers=admin)
    assert reviewed.status_code == 200 and reviewed.json()["passed"] is True, reviewed.text
    early = http.post("/api/v1/prompts/tax-answer/promote", json={"version": 1}, headers=admin)
    assert early.status_code == 409 and early.json()["error"]["code"] == "gate_failed"
    assert "finished run" in early.json()["error"]["message"]
    started = http.post(
        "/api/v1/evals/runs", json={"use_case": "tax-helpdesk", "prompts": ["tax-answer@1"]}, headers=dev
    )
    assert started.status_code == 202, started.text
    run = _wait_finished(http, platform, started.json()["experiment_id"])
    detail = http.get(f"/api/v1/evals/runs/{run['run_id']}", params={"items": True}, headers=dev).json()
    assert run["aggregates"]["exact_match"] == 1.0 and run["aggregates"]["rouge1"] == 1.0, json.dumps(
        detail["results"][:1]
    )
    check = http.post("/api/v1/evals/gate", json={"use_case": "tax-helpdesk", "prompt": "tax-answer@1"}, headers=dev)
    assert check.json()["passed"] is True
    own = http.post("/api/v1/prompts/tax-answer/promote", json={"version": 1}, headers=dev)
    assert own.status_code == 409 and own.json()["error"]["code"] == "same_principal"
    assert own.json()["error"]["failures"][0].startswith("the approver must not be the author")
    ok = http.post("/api/v1/prompts/tax-answer/promote", json={"version": 1, "reason": "eval passed"}, headers=admin)
    assert ok.status_code == 200, ok.text
    assert ok.json()["gate"]["run_id"] == run["run_id"]
    label = http.get("/api/v1/prompts/tax-answer/labels/production", headers=platform.auth("auditor"))
    assert label.json()["version"] == 1
    page = http.get("/api/v1/evals/report", params={"ids": [run["run_id"]]}, headers=dev)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html") and "<svg" in page.text
    assert http.post("/api/v1/prompts", json=PROMPT, headers=platform.auth("app")).status_code == 403


def test_md3_model_change_approval_over_the_api(http, platform):
    dev, admin = platform.auth("developer"), platform.auth("admin")
    lines = "".join(json.dumps({"input": f"Q{i}?", "reference": platform.upstream.reply}) + "\n" for i in range(3))
    assert (
        http.post("/api/v1/evals/datasets", json={"name": "tax-qa", "content": lines}, headers=dev).status_code == 201
    )
    suite = {"dataset": "tax-qa", "evaluators": ["exact"], "thresholds": {"exact_match": {"min": 0.9}}}
    assert http.put("/api/v1/evals/suites/tax-helpdesk", json=suite, headers=dev).status_code == 200
    bad = http.post(
        "/api/v1/evals/runs", json={"dataset": "tax-qa", "evaluators": ["nope"], "models": ["mock"]}, headers=dev
    )
    assert bad.status_code == 400 and "no evaluator named 'nope'" in bad.json()["error"]["message"]
    assert http.post("/api/v1/evals/suites/tax-helpdesk/approve", headers=admin).status_code == 200
    # with a use case its approved suite gives the dataset and evaluators: a caller's own are refused,
    # not silently dropped, and nothing is started
    for extra in ({"dataset": "tax-qa"}, {"evaluators": ["exact"]}):
        mixed = http.post("/api/v1/evals/runs", json={"use_case": "tax-helpdesk", **extra}, headers=dev)
        assert mixed.status_code == 400, mixed.text
        assert (mixed.json()["error"]["code"], mixed.json()["error"]["param"]) == ("invalid_value", next(iter(extra)))
    assert http.get("/api/v1/evals/runs", headers=dev).json() == []
    # the requester is the authenticated caller, never a body field
    for path, named in (
        ("/api/v1/evals/approvals/model/requests", {"use_case": "tax-helpdesk", "to_alias": "mock"}),
        ("/api/v1/evals/approvals/model", {"request_id": "mcr_x"}),
    ):
        forged = http.post(path, json={**named, "requested_by": "alice"}, headers=admin)
        assert forged.status_code == 400, forged.text
        assert forged.json()["error"]["code"] == "unknown_field" and forged.json()["error"]["param"] == "requested_by"
    asked = http.post("/api/v1/evals/approvals/model/requests", json={"use_case": "tax-helpdesk", "to_alias": "mock"},
                      headers=dev)
    assert asked.status_code == 201, asked.text
    assert asked.json()["requested_by"] == _key_id(platform, "developer")
    body = {"request_id": asked.json()["id"]}
    unrun = http.post("/api/v1/evals/approvals/model", json=body, headers=admin)
    assert unrun.status_code == 409 and unrun.json()["error"]["code"] == "gate_failed"
    started = http.post("/api/v1/evals/runs", json={"use_case": "tax-helpdesk", "models": ["mock"]}, headers=dev)
    _wait_finished(http, platform, started.json()["experiment_id"])
    own = http.post("/api/v1/evals/approvals/model", json=body, headers=dev)
    assert own.status_code == 409 and own.json()["error"]["code"] == "same_principal", own.text
    approved = http.post("/api/v1/evals/approvals/model", json=body, headers=admin)
    assert approved.status_code == 200, approved.text
    assert approved.json()["passed"] is True and approved.json()["subject"] == "use_case:tax-helpdesk:model mock->mock"
    listed = http.get("/api/v1/evals/approvals/model/requests", headers=platform.auth("auditor"))
    assert [r["id"] for r in listed.json()] == [asked.json()["id"]]


def _key_id(platform, role: str) -> str:
    from charter.principals.keys import list_keys

    with platform.rt.engine.connect() as conn:
        [key] = [k for k in list_keys(conn, tenant_id=platform.tenant_id) if k["role"] == role]
    return str(key["id"])


def test_md3_a_charter_cannot_switch_its_default_model_around_the_gate(http, platform):
    """MD-3: applying a charter whose default model changes needs a passing model-change approval."""
    dev, admin = platform.auth("developer"), platform.auth("admin")
    platform.add_model(alias="mock-next", provider="openai", endpoint=platform.upstream.url,
                       platform_model_id="mock-model-8b", version="2026-06", region="ca-central-1",
                       classification_ceiling="confidential", context_window=4096)
    switched = CHARTER_WITH_PROMPT.replace("models: [mock]", "models: [mock-next, mock]").replace(
        "prompt: tax-answer\nprompt_label: {label}\n", "")
    # No suite, limited risk: nothing to evaluate against, the switch is allowed (and versioned).
    assert http.post("/api/v1/usecases", json={"yaml": switched}, headers=dev).status_code == 201
    back = switched.replace("models: [mock-next, mock]", "models: [mock, mock-next]")
    assert http.post("/api/v1/usecases", json={"yaml": back}, headers=dev).status_code == 201
    lines = "".join(json.dumps({"input": f"Q{i}?", "reference": platform.upstream.reply}) + "\n" for i in range(3))
    made = http.post("/api/v1/evals/datasets", json={"name": "tax-qa", "content": lines}, headers=dev)
    assert made.status_code == 201
    suite = {"dataset": "tax-qa", "evaluators": ["exact"], "thresholds": {"exact_match": {"min": 0.9}}}
    assert http.put("/api/v1/evals/suites/tax-helpdesk", json=suite, headers=dev).status_code == 200
    # With a suite, the switch is refused until the gate admits mock-next; nothing is stored.
    refused = http.post("/api/v1/usecases", json={"yaml": switched}, headers=dev)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "gate_failed" and "mock-next" in refused.json()["error"]["message"]
    assert http.get("/api/v1/usecases/tax-helpdesk", headers=dev).json()["charter"]["models"][0] == "mock"
    started = http.post("/api/v1/evals/runs", json={"use_case": "tax-helpdesk", "models": ["mock-next"]}, headers=dev)
    _wait_finished(http, platform, started.json()["experiment_id"])
    asked = http.post("/api/v1/evals/approvals/model/requests",
                      json={"use_case": "tax-helpdesk", "to_alias": "mock-next"}, headers=dev)
    assert http.post("/api/v1/evals/suites/tax-helpdesk/approve", headers=admin).status_code == 200
    approved = http.post("/api/v1/evals/approvals/model", json={"request_id": asked.json()["id"]}, headers=admin)
    assert approved.status_code == 200, approved.text
    # The approval opens the gate for mock-next.
    only_next = switched.replace("models: [mock-next, mock]", "models: [mock-next]")
    applied = http.post("/api/v1/usecases", json={"yaml": only_next}, headers=dev)
    assert applied.status_code == 201, applied.text
    assert http.get("/api/v1/usecases/tax-helpdesk", headers=dev).json()["charter"]["models"] == ["mock-next"]


def test_md3_high_impact_use_case_needs_a_suite_to_switch_models(http, platform):
    dev = platform.auth("developer")
    platform.add_model(alias="mock-next", provider="openai", endpoint=platform.upstream.url,
                       platform_model_id="mock-model-8b", version="2026-06", region="ca-central-1",
                       classification_ceiling="confidential", context_window=4096)
    base = CHARTER_WITH_PROMPT.replace("prompt: tax-answer\nprompt_label: {label}\n", "risk_tier: high-impact\n")
    assert http.post("/api/v1/usecases", json={"yaml": base}, headers=dev).status_code == 201
    switched = base.replace("models: [mock]", "models: [mock-next]")
    refused = http.post("/api/v1/usecases", json={"yaml": switched}, headers=dev)
    assert refused.status_code == 409 and "no evaluation suite" in refused.json()["error"]["message"]


def test_pc2_a_label_a_charter_serves_from_cannot_bypass_the_gate_over_the_api(http, platform):
    """PC-2: a charter naming an ordinary label (`prompt_label: live`) does not open a path around the gate."""
    dev, admin = platform.auth("developer"), platform.auth("admin")
    lines = "".join(json.dumps({"input": f"Q{i}?", "reference": platform.upstream.reply}) + "\n" for i in range(3))
    made = http.post("/api/v1/evals/datasets", json={"name": "tax-qa", "content": lines}, headers=admin)
    assert made.status_code == 201
    suite = {"dataset": "tax-qa", "evaluators": ["exact"], "thresholds": {"exact_match": {"min": 0.9}}}
    assert http.put("/api/v1/evals/suites/tax-helpdesk", json=suite, headers=admin).status_code == 200
    assert http.post("/api/v1/prompts", json=PROMPT, headers=dev).status_code == 201
    live = http.post("/api/v1/prompts/tax-answer/promote", json={"version": 1, "label": "live"}, headers=dev)
    assert live.status_code == 200 and live.json()["gate"] is None  # nothing serves live yet: an ordinary label
    refused = http.post("/api/v1/usecases", json={"yaml": CHARTER_WITH_PROMPT.format(label="live")}, headers=dev)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "gate_failed", refused.text
    assert "never passed the tax-helpdesk gate" in refused.json()["error"]["message"]
    assert http.get("/api/v1/usecases/tax-helpdesk", headers=dev).json()["charter"]["prompt"] is None
    # a label that does not exist yet serves nothing: allowed, and from now on it is protected
    canary = http.post("/api/v1/usecases", json={"yaml": CHARTER_WITH_PROMPT.format(label="canary")}, headers=dev)
    assert canary.status_code == 201, canary.text
    own = http.post("/api/v1/prompts/tax-answer/promote", json={"version": 1, "label": "canary"}, headers=dev)
    assert own.status_code == 409 and own.json()["error"]["code"] == "same_principal"
    unrun = http.post("/api/v1/prompts/tax-answer/promote", json={"version": 1, "label": "canary"}, headers=admin)
    assert unrun.status_code == 409 and unrun.json()["error"]["code"] == "gate_failed"
    moves = http.get("/api/v1/prompts/tax-answer/history", params={"label": "canary"}, headers=dev).json()
    assert moves == []
