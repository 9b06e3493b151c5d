"""Changes made from the console's builder and owner pages over plain HTTP, on SQLite and PostgreSQL
(issue 14 items 4 and 5): rolling a prompt label back after a confirmation, starting an evaluation run
and following its progress, and updating an open incident. Each calls what the API calls, with the
API's roles, and records what the API records."""

from __future__ import annotations

import json
import re
import time

import httpx
from sqlalchemy import select

from charter.evals.datasets import import_dataset
from charter.ledger.tables import ledger_entries
from charter.prompts import versions
from charter.prompts.spec import PromptSpec
from tests.integration.console.conftest import Console


def _ledger(console: Console, prefix: str) -> list[tuple[str, dict[str, object]]]:
    with console.platform.rt.engine.connect() as conn:
        rows = conn.execute(select(ledger_entries.c.action, ledger_entries.c.event).order_by(ledger_entries.c.seq))
        return [(a, json.loads(e) if e else {}) for a, e in rows if a.startswith(prefix)]


def _csrf(client: httpx.Client) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/").text)
    assert found
    return found.group(1)


def test_pc_a_prompt_label_rolls_back_after_a_confirmation_with_its_reason(console: Console) -> None:
    rt, tid = console.platform.rt, console.platform.tenant_id
    for text in ("One.", "Two.", "Three."):
        spec = PromptSpec(name="tax-answer", use_case="tax-helpdesk", template=text, message="m")
        rt.writer.write(lambda c, s=spec: versions.push(c, tid, s, actor="alice"))
    dev = console.signed_in("developer")
    csrf = _csrf(dev)
    for version in ("1", "2"):
        r = dev.post("/console/prompts/tax-answer/promote", data={"csrf": csrf, "version": version, "label": "staging"})
        assert r.status_code == 303, r.text
    page = dev.get("/console/prompts/tax-answer")
    assert 'action="/console/prompts/tax-answer/rollback"' in page.text
    asked = {"csrf": csrf, "label": "staging", "to_version": "", "reason": "v2 answers too briefly"}
    r = dev.post("/console/prompts/tax-answer/rollback", data=asked)  # the confirmation, nothing moves yet
    assert r.status_code == 200 and "Roll tax-answer:staging back?" in r.text
    assert "points at version 2; it will point at version 1." in r.text and "“v2 answers too briefly”" in r.text
    assert 'name="confirm" value="yes"' in r.text
    assert "<strong>staging</strong> → <a" in dev.get("/console/prompts/tax-answer").text
    with rt.engine.connect() as conn:
        assert versions.show_prompt(conn, tid, "tax-answer")["labels"] == {"staging": 2}
    r = dev.post("/console/prompts/tax-answer/rollback", data={**asked, "confirm": "yes"})
    assert r.status_code == 303 and r.headers["location"] == "/console/prompts/tax-answer?moved=1&label=staging"
    page = dev.get(r.headers["location"])
    assert "Label <strong>staging</strong> now points at version 1." in page.text
    assert "<td>staging</td><td>2</td><td>1</td><td>rollback</td>" in page.text
    assert "v2 answers too briefly" in page.text
    [(_, event)] = [(a, e) for a, e in _ledger(console, "prompt.") if a == "prompt.rolled_back"]
    assert event["reason"] == "v2 answers too briefly"
    # a refusal is shown as the API gives it: version 3 never held staging
    refused_form = {**asked, "to_version": "3", "confirm": "yes"}
    r = dev.post("/console/prompts/tax-answer/rollback", data=refused_form)
    with httpx.Client(base_url=console.url, headers=console.platform.auth("developer")) as api:
        refused = api.post("/api/v1/prompts/tax-answer/rollback", json={"label": "staging", "to_version": 3})
    assert r.status_code == refused.status_code == 409
    assert f"Refused: {refused.json()['error']['code']}</strong>" in r.text and "never held" in r.text
    # the API's roles and the form's CSRF
    reviewer = console.signed_in("reviewer")
    assert "Roll back…" not in reviewer.get("/console/prompts/tax-answer").text
    r = reviewer.post("/console/prompts/tax-answer/rollback", data={**asked, "csrf": _csrf(reviewer)})
    assert r.status_code == 403 and "role_not_allowed" in r.text
    r = dev.post("/console/prompts/tax-answer/rollback", data={"label": "staging", "confirm": "yes"})
    assert r.status_code == 403 and "csrf_failed" in r.text
    assert dev.post("/console/prompts/nope/rollback", data=asked).status_code == 404
    with rt.engine.connect() as conn:
        assert versions.show_prompt(conn, tid, "tax-answer")["labels"] == {"staging": 1}


def test_me_an_evaluation_run_started_in_the_console_runs_in_the_background_to_its_page(console: Console) -> None:
    rt, tid = console.platform.rt, console.platform.tenant_id
    lines = "".join(json.dumps({"input": f"Q{i}?", "reference": console.platform.upstream.reply}) + "\n"
                    for i in range(3))
    rt.writer.write(lambda c: import_dataset(c, tid, "tax-qa", lines, fmt="jsonl", actor="carol", source="t"))
    dev = console.signed_in("developer")
    page = dev.get("/console/evals")
    assert 'action="/console/evals/runs"' in page.text and "<option>tax-qa</option>" in page.text
    assert "<option>mock</option>" in page.text
    csrf = _csrf(dev)
    form = {"csrf": csrf, "use_case": "", "dataset": "tax-qa", "evaluators": "exact", "model": "mock",
            "prompt": "", "seed": "0", "concurrency": "2"}
    console.platform.upstream.delay = 0.75  # long enough to see the run running
    r = dev.post("/console/evals/runs", data=form)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    experiment_id = location.rsplit("/", 1)[1]
    assert location == f"/console/evals/experiments/{experiment_id}"
    deadline, looks = time.monotonic() + 60, 0
    while True:
        page = dev.get(location)
        assert page.status_code == 200
        if "Done: every run of this experiment has stopped." in page.text or time.monotonic() > deadline:
            break
        assert 'hx-trigger="every 2s"' in page.text and "<td>running</td>" in page.text
        assert re.search(r"Running: [0-3] of 3 items answered and scored\.", page.text)
        looks += 1
        time.sleep(0.2)
    assert looks >= 1  # the page showed the run running before it showed it done
    with httpx.Client(base_url=console.url, headers=console.platform.auth("developer")) as api:
        [run] = api.get("/api/v1/evals/runs", params={"experiment": experiment_id}).json()
    assert run["status"] == "finished" and run["aggregates"]["exact_match"] == 1.0 and run["done"] == 3
    assert f'<a href="/console/evals/runs/{run["run_id"]}">' in page.text and "hx-trigger" not in page.text
    assert "exact_match 1" in page.text
    fragment = dev.get(location, headers={"hx-request": "true"})
    assert fragment.text.startswith('<div id="progress">') and "<html" not in fragment.text
    # refusals as the API's: an unknown evaluator, a missing field, a reviewer, no CSRF, another tenant
    console.platform.upstream.delay = 0.0
    r = dev.post("/console/evals/runs", data={**form, "evaluators": "nope"})
    assert r.status_code == 400 and "no evaluator named" in r.text
    r = dev.post("/console/evals/runs", data={**form, "dataset": ""})
    assert r.status_code == 400 and "missing_field" in r.text
    r = dev.post("/console/evals/runs", data={**form, "concurrency": "65"})
    assert r.status_code == 400 and "invalid_value" in r.text
    reviewer = console.signed_in("reviewer")
    assert 'action="/console/evals/runs"' not in reviewer.get("/console/evals").text
    assert reviewer.get(location).status_code == 200  # readers follow the progress
    r = reviewer.post("/console/evals/runs", data={**form, "csrf": _csrf(reviewer)})
    assert r.status_code == 403 and "role_not_allowed" in r.text
    assert dev.post("/console/evals/runs", data={k: v for k, v in form.items() if k != "csrf"}).status_code == 403
    assert dev.get("/console/evals/experiments/exp_nope").status_code == 404
    with httpx.Client(base_url=console.url, headers=console.platform.auth("developer")) as api:
        assert len(api.get("/api/v1/evals/runs").json()) == 1  # nothing else started


def test_at_an_open_incident_is_updated_and_the_ledger_keeps_before_and_after(console: Console) -> None:
    asked = console.ask()
    interaction = asked.headers["x-charter-interaction-id"]
    reviewer = console.signed_in("reviewer")
    r = reviewer.post("/console/incidents", data={"csrf": _csrf(reviewer), "title": "Wrong deadline",
                                                   "use_case": "tax-helpdesk", "severity": "medium"})
    assert r.status_code == 303
    location = r.headers["location"]
    incident_id = location.rsplit("/", 1)[1]
    assert "Update the incident" not in reviewer.get(location).text  # editing is an admin's, as PATCH
    r = reviewer.post(location, data={"csrf": _csrf(reviewer), "status": "investigating"})
    assert r.status_code == 403 and "role_not_allowed" in r.text
    admin = console.signed_in("admin")
    page = admin.get(location)
    assert f'action="/console/incidents/{incident_id}"' in page.text and "Update the incident" in page.text
    form = {"csrf": _csrf(admin), "title": "Wrong deadline", "status": "investigating", "severity": "high",
            "description": "", "impact": "Two callers\r\nmisled.", "affected": "", "actions_taken": "",
            "root_cause": "", "disclosed_to": "", "interaction_ids": interaction}
    r = admin.post(location, data=form)
    assert r.status_code == 303 and r.headers["location"] == f"{location}?saved=yes"
    page = admin.get(r.headers["location"])
    assert "Saved." in page.text and "status <strong>investigating</strong>" in page.text
    assert "severity <strong>high</strong>" in page.text and interaction in page.text
    with httpx.Client(base_url=console.url, headers=console.platform.auth("admin")) as api:
        shown = api.get(f"/api/v1/incidents/{incident_id}").json()
    assert shown["impact"] == "Two callers\nmisled." and shown["interactions"] == [interaction]
    updated = [e for a, e in _ledger(console, "incident.") if a == "incident.updated"]
    assert updated == [{"before": {"status": "open", "severity": "medium", "impact": ""},
                        "after": {"status": "investigating", "severity": "high", "impact": "Two callers\nmisled."}}]
    r = admin.post(location, data=form)  # nothing changed: nothing recorded
    assert r.status_code == 303 and len([a for a, _ in _ledger(console, "incident.updated")]) == 1
    for bad, code in (({"severity": "dire"}, "invalid_value"), ({"status": "closed"}, "invalid_value"),
                      ({"title": " "}, "missing_field"), ({"interaction_ids": "int_nope"}, "invalid_value")):
        r = admin.post(location, data={**form, **bad})
        assert r.status_code == 400 and code in r.text, (bad, r.text)
    assert admin.post(location, data={k: v for k, v in form.items() if k != "csrf"}).status_code == 403
    assert admin.post("/console/incidents/inc_nope", data=form).status_code == 404
    with httpx.Client(base_url=console.url, headers=console.platform.auth("admin")) as api:
        closed = api.post(f"/api/v1/incidents/{incident_id}/close", json={"after_action": "Fixed."})
    assert closed.status_code == 200
    assert "Update the incident" not in admin.get(location).text
    r = admin.post(location, data={**form, "severity": "low"})
    assert r.status_code == 409 and "conflict" in r.text
