"""The console's workflow pages over plain HTTP, on SQLite and PostgreSQL (issue 16 item 3): the
workflows list, runs filtered by workflow and status, a run's steps (content only for reviewers and
auditors, as ``/api/v1/workflows``) and its ledger entries, approve and reject with a reason (the
starting key refused as the API refuses it), a batch's sign-off, and resuming a run cut off inside a
step that is not idempotent, after a confirmation."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from charter import workflows
from charter.workflows import decide
from tests.conftest import Platform
from tests.integration.console.conftest import Console, csrf_of
from tests.integration.workflows.conftest import WORKFLOW, Crash, Desk, Office, install
from tests.integration.workflows.conftest import decide as scripted_model


@pytest.fixture
def desk(platform: Platform) -> Desk:
    office = Office()
    install(platform.rt, office)
    platform.upstream.script = scripted_model
    return Desk(platform, office)


def _applied(desk: Desk) -> None:
    workflows.apply(desk.rt, WORKFLOW, actor="test")


def _start(console: Console, role: str, case: str) -> dict[str, Any]:
    """Start a run through the API (the live server's event loop makes the model calls)."""
    with httpx.Client(base_url=console.url, timeout=30) as api:
        r = api.post("/api/v1/workflows/refund-check/runs", json={"input": {"case": case}},
                     headers=console.platform.auth(role))
    assert r.status_code == 201, r.text
    found: dict[str, Any] = r.json()
    return found


def test_pages_list_runs_show_steps_by_role_and_decide(desk: Desk, console: Console) -> None:
    _applied(desk)
    dev, reviewer, auditor = (console.signed_in(r) for r in ("developer", "reviewer", "auditor"))
    admin = console.signed_in("admin")
    started, other = _start(console, "admin", "big-1"), _start(console, "developer", "big-2")
    run_id = started["id"]
    assert (started["status"], started["waiting_for"]) == ("waiting", "approval")

    listing = dev.get("/console/workflows")
    assert listing.status_code == 200 and 'href="/console/workflows/runs?workflow=refund-check"' in listing.text
    assert 'href="/console/workflows"' in listing.text and f'/console/workflows/runs/{run_id}' in listing.text
    runs = dev.get("/console/workflows/runs", params={"workflow": "refund-check", "status": "waiting"})
    assert runs.status_code == 200 and run_id in runs.text and "2 runs, newest first" in runs.text
    assert "No runs." in dev.get("/console/workflows/runs", params={"status": "succeeded"}).text

    # a developer sees the record and hashes, not the content (the API gives them 403 for it)
    page = dev.get(f"/console/workflows/runs/{run_id}")
    assert page.status_code == 200 and "Inputs sha256" in page.text and "big-1" not in page.text
    assert "Ledger entries" not in page.text and "Approve" not in page.text
    seen = auditor.get(f"/console/workflows/runs/{run_id}")
    assert seen.status_code == 200 and "big-1" in seen.text and "workflow.run_viewed" in seen.text
    assert "1 of 20 steps" not in seen.text and "of 20 steps" in seen.text

    # the key that started the run may not approve it: the library's refusal, as the API gives it
    admin_csrf = console.csrf(admin, f"/console/workflows/runs/{run_id}")
    refused = admin.post(f"/console/workflows/runs/{run_id}/approve", data={"csrf": admin_csrf, "comment": "mine"})
    assert refused.status_code == 409 and "Refused: same_principal" in refused.text
    csrf = console.csrf(reviewer, f"/console/workflows/runs/{run_id}")
    assert reviewer.post(f"/console/workflows/runs/{run_id}/approve", data={"comment": "x"}).status_code == 403
    assert dev.post(f"/console/workflows/runs/{run_id}/approve",
                    data={"csrf": csrf_of(page.text), "comment": "x"}).status_code == 403  # role_not_allowed
    no_reason = reviewer.post(f"/console/workflows/runs/{run_id}/reject", data={"csrf": csrf, "comment": ""})
    assert no_reason.status_code == 400 and "missing_field" in no_reason.text
    ok = reviewer.post(f"/console/workflows/runs/{run_id}/approve", data={"csrf": csrf, "comment": "planner agrees"})
    assert ok.status_code == 303 and ok.headers["location"] == f"/console/workflows/runs/{run_id}?done=approved"
    done = auditor.get(ok.headers["location"])
    assert "<strong>succeeded</strong>" in done.text and "planner agrees" in done.text
    assert "workflow.approved" in done.text
    assert desk.office.letters == [{"case": "big-1", "decision": "deny"}]
    rejected = admin.post(f"/console/workflows/runs/{other['id']}/reject",
                          data={"csrf": admin_csrf, "comment": "income checked twice"})
    assert rejected.status_code == 303
    assert "<strong>rejected</strong>" in admin.get(rejected.headers["location"]).text
    assert reviewer.get("/console/workflows/runs/wfr_nope").status_code == 404


def test_batch_sign_off_and_resume_after_a_cut_step(desk: Desk, console: Console) -> None:
    _applied(desk)
    with httpx.Client(base_url=console.url, timeout=30) as api:
        batch = api.post("/api/v1/workflows/refund-check/batches", json={"items": [{"case": "ok-1"}, {"case": "ok-2"}]},
                         headers=console.platform.auth("developer")).json()
    reviewer = console.signed_in("reviewer")
    queue = reviewer.get("/console/workflows/approvals")
    assert queue.status_code == 200 and f"Batch <code>{batch['batch_id']}</code>: 2 runs" in queue.text
    assert console.signed_in("auditor").get("/console/workflows/approvals").status_code == 403
    signed = reviewer.post(f"/console/workflows/batches/{batch['batch_id']}/sign-off",
                           data={"csrf": csrf_of(queue.text), "comment": "all fine"})
    assert signed.status_code == 200 and "2 runs approved" in signed.text
    assert sorted(letter["case"] for letter in desk.office.letters) == ["ok-1", "ok-2"]
    again = reviewer.post(f"/console/workflows/batches/{batch['batch_id']}/sign-off",
                          data={"csrf": csrf_of(queue.text), "comment": ""})
    assert again.status_code == 409 and "Refused: conflict" in again.text

    # the process dies inside the letter: the run stops at an open intent; a person settles it
    desk.office.crash_letters = 1
    run_id = _start(console, "admin", "big-7")["id"]
    with pytest.raises(Crash):
        asyncio.run(decide(desk.rt, desk.principal("reviewer"), run_id, approve=True))
    page = reviewer.get(f"/console/workflows/runs/{run_id}")
    assert "intent open" in page.text and "Resume…" in page.text
    csrf = csrf_of(page.text)
    confirm = reviewer.post(f"/console/workflows/runs/{run_id}/resume", data={"csrf": csrf})
    assert confirm.status_code == 200 and "Yes, resume it" in confirm.text
    stuck = reviewer.post(f"/console/workflows/runs/{run_id}/resume", data={"csrf": csrf, "confirm": "yes"})
    assert stuck.status_code == 303
    page = reviewer.get(stuck.headers["location"])
    assert "needs_attention" in page.text and "Settle the step and resume" in page.text
    plain = reviewer.post(f"/console/workflows/runs/{run_id}/resume", data={"csrf": csrf, "confirm": "yes"})
    assert plain.status_code == 409 and "Refused: workflow_step_uncertain" in plain.text
    retry = reviewer.post(f"/console/workflows/runs/{run_id}/resume", data={"csrf": csrf, "settle": "retry"})
    assert retry.status_code == 200 and "did not happen" in retry.text and len(desk.office.letters) == 3
    bad = reviewer.post(f"/console/workflows/runs/{run_id}/resume",
                        data={"csrf": csrf, "settle": "skip", "output": "{nope", "confirm": "yes"})
    assert bad.status_code == 400 and "invalid_json" in bad.text
    settled = reviewer.post(f"/console/workflows/runs/{run_id}/resume",
                            data={"csrf": csrf, "settle": "retry", "confirm": "yes"})
    assert settled.status_code == 303
    assert "<strong>succeeded</strong>" in reviewer.get(settled.headers["location"]).text
    assert [letter["case"] for letter in desk.office.letters].count("big-7") == 2  # cut once, retried once

