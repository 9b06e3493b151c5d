"""The workflow pages (issue 16 item 3) in a real browser: axe-core finds no WCAG 2.1 A/AA violation
on the list, the runs, the approvals queue and a run's page for a reviewer and a developer, and a
reviewer approves a run from its page under the page's CSP, then settles a step cut off by a
crash through both confirmation pages. The screenshot of docs/console.md is
taken here (``CHARTER_TEST_SCREENSHOTS=docs/console``). SQLite only:
tests/integration/console/test_workflow_pages.py covers both stores. One Chromium for the module."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from charter import workflows
from charter.workflows import decide
from tests.conftest import Platform
from tests.integration.console.conftest import Console
from tests.integration.console.test_browser import Person, database_url, person, shots  # noqa: F401 (fixtures)
from tests.integration.workflows.conftest import WORKFLOW, Crash, Desk, Office, install
from tests.integration.workflows.conftest import decide as scripted_model


@pytest.fixture
def desk(platform: Platform) -> Desk:
    office = Office()
    install(platform.rt, office)
    platform.upstream.script = scripted_model
    return Desk(platform, office)


def test_workflow_pages_pass_axe_and_a_reviewer_approves_in_the_browser(
    desk: Desk, console: Console, person: Any  # noqa: F811 (the fixture)
) -> None:
    workflows.apply(desk.rt, WORKFLOW, actor="test")
    with httpx.Client(base_url=console.url, timeout=30) as api:
        r = api.post("/api/v1/workflows/refund-check/runs", json={"input": {"case": "big-1"}},
                     headers=console.platform.auth("developer"))
        api.post("/api/v1/workflows/refund-check/batches", json={"items": [{"case": "ok-1"}, {"case": "ok-2"}]},
                 headers=console.platform.auth("developer"))
    run_id = r.json()["id"]

    dev: Person = person()
    dev.sign_in("developer")
    dev.visit("/console/workflows")
    dev.visit("/console/workflows/runs?status=waiting")
    page = dev.visit(f"/console/workflows/runs/{run_id}")
    assert "big-1" not in page.inner_text("main")  # content is for reviewers and auditors

    reviewer: Person = person()
    reviewer.sign_in("reviewer")
    page = reviewer.visit("/console/workflows")
    page = reviewer.follow(page.get_by_role("link", name="Waiting for a person (3)").click)
    assert "Sign off all 2" in page.inner_text("main")
    page = reviewer.visit(f"/console/workflows/runs/{run_id}", shot="workflow-run")
    page.get_by_label("Comment (optional)").fill("planner agrees")
    page = reviewer.follow(page.get_by_role("button", name="Approve").click)
    assert "Done: approved" in page.get_by_role("status").inner_text()
    assert desk.office.letters == [{"case": "big-1", "decision": "deny"}]

    # a letter cut off by a crash: the run page, both confirmations and the settle form pass axe too
    desk.office.crash_letters = 1
    with httpx.Client(base_url=console.url, timeout=30) as api:
        cut = api.post("/api/v1/workflows/refund-check/runs", json={"input": {"case": "big-7"}},
                       headers=console.platform.auth("developer")).json()["id"]
    with ThreadPoolExecutor(1) as pool, pytest.raises(Crash):  # Playwright's sync API runs a loop here
        pool.submit(asyncio.run, decide(desk.rt, desk.principal("reviewer"), cut, approve=True)).result()
    page = reviewer.visit(f"/console/workflows/runs/{cut}")
    page = reviewer.follow(page.get_by_role("button", name="Resume…").click)
    page = reviewer.follow(page.get_by_role("button", name="Yes, resume it").click)
    assert "needs_attention" in page.inner_text("main")
    page.get_by_label("did not happen: retry it").check()
    page = reviewer.follow(page.get_by_role("button", name="Resume…").click)
    page = reviewer.follow(page.get_by_role("button", name="Yes, resume it").click)
    assert "succeeded" in page.inner_text("main") and len(desk.office.letters) == 3
