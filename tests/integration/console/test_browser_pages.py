"""The owner and builder pages (issue 14 items 4, 5 and 7) in a real browser: axe-core finds no WCAG
2.1 A/AA violation on any of them, the forms are used from the keyboard, the upload's progress bar
runs under the page's CSP, and the screenshots of docs/console.md are taken here
(``CHARTER_TEST_SCREENSHOTS=docs/console``). SQLite only: tests/integration/console/test_pages.py
covers both stores. Two tests, one Chromium for the module (conftest.py)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from charter.evals.datasets import import_dataset
from charter.evals.experiments import ExperimentPlan, execute, start_experiment
from charter.evals.suites import SuiteSpec, set_suite
from charter.evals.targets import CallableTarget
from charter.knowledge.service import KnowledgeBaseSpec, create_kb
from charter.prompts import promotion, versions
from charter.prompts.spec import PromptSpec
from tests.integration.console.conftest import Console
from tests.integration.console.test_browser import Person, database_url, person, shots  # noqa: F401 (fixtures)
from tests.integration.console.test_pages import BAD
from tests.support.agency import answer_key, qa_jsonl


def _builder_data(console: Console) -> list[str]:
    """Three answered requests, a prompt with two versions and a gating suite, two evaluation runs, a
    knowledge base."""
    rt, tid = console.platform.rt, console.platform.tenant_id
    for _ in range(3):
        assert console.ask().status_code == 200
    rt.writer.write(lambda c: import_dataset(c, tid, "tax-qa", qa_jsonl(), fmt="jsonl", actor="carol", source="t"))
    rt.writer.write(lambda c: set_suite(c, tid, SuiteSpec("tax-helpdesk", "tax-qa", ["exact"],
                                                          thresholds={"exact_match": {"min": 0.9}}), actor="carol"))
    runs = []
    for template, wrong in (("You answer carefully.", 0), ("You answer sloppy.", 2)):
        spec = PromptSpec(name="tax-answer", use_case="tax-helpdesk", template=template, message="browser test")
        v = rt.writer.write(lambda c, s=spec: versions.push(c, tid, s, actor="alice"))
        plan = ExperimentPlan(dataset="tax-qa", models=("mock",), prompts=(f"tax-answer@{v['version']}",),
                              evaluators=[{"name": "exact", "options": {}}], use_case="tax-helpdesk")
        exp = rt.writer.write(lambda c, p=plan: start_experiment(c, tid, p, actor="alice", target="callable"))
        work = execute(rt, tid, exp["experiment_id"], CallableTarget(answer_key(wrong_every=wrong)))
        with ThreadPoolExecutor(1) as pool:  # Playwright's sync API runs an event loop in this thread
            [summary] = pool.submit(asyncio.run, work).result()
        runs.append(str(summary["run_id"]))
    rt.writer.write(lambda c: create_kb(c, KnowledgeBaseSpec(name="guide", description="The filing guide",
                                                             pii_policy="off"), tenant_id=tid, actor="test"))
    return runs


def _submit_by_keyboard(who: Person, field: Any, shot: str | None = None) -> Any:
    """Tab from the last field of a form to its submit button and press Enter."""
    field.focus()
    who.page.keyboard.press("Tab")
    return who.follow(lambda: who.page.keyboard.press("Enter"), shot)


def test_md_a_developer_applies_monitors_promotes_compares_and_uploads_in_the_browser(
    console: Console, person: Any, tmp_path: Path  # noqa: F811 (the fixture)
) -> None:
    runs = _builder_data(console)
    dev: Person = person()
    dev.sign_in("developer")
    page = dev.visit("/console/usecases/tax-helpdesk")
    page = dev.follow(page.get_by_role("link", name="Apply a new version…").click)
    box = page.get_by_label("Charter (YAML)")
    assert "name: tax-helpdesk" in box.input_value()
    box.fill(BAD)
    page = _submit_by_keyboard(dev, box, shot="charter-apply-errors")
    alert = page.get_by_role("alert").inner_text()
    assert "Not applied: invalid_charter" in alert and "favourite_colour" in alert
    line = BAD.split("\n").index("favourite_colour: blue") + 1
    page.get_by_role("link", name=f"Line {line}").click()  # the problem's line, marked in the numbered text
    assert page.evaluate("() => location.hash") == f"#line-{line}"

    page = dev.visit("/console/usecases/tax-helpdesk/monitoring?days=7", shot="monitoring")
    assert page.locator("svg.chart[role=img]").count() == 7
    page.get_by_text("Traffic: the figures").click()
    assert page.get_by_role("table").filter(has_text="Traffic per day").is_visible()

    page = dev.visit("/console/prompts")
    page = dev.follow(page.get_by_role("link", name="tax-answer").click)
    page = dev.follow(page.get_by_role("link", name="diff from 1").click, shot="prompt-diff")
    page = dev.visit("/console/prompts/tax-answer/versions/2")
    assert "You answer sloppy." in page.inner_text("main")
    page = dev.visit("/console/prompts/tax-answer")
    page.get_by_label("Version", exact=True).select_option("2")
    page = _submit_by_keyboard(dev, page.get_by_label("Reason"), shot="prompt-promotion-refused")
    alert = page.get_by_role("alert").inner_text()
    assert "Refused: gate_failed" in alert and "exact_match" in alert

    page = dev.visit("/console/evals", shot="evaluations")
    page.get_by_label("Baseline (A)").select_option(runs[0])
    page.get_by_label("Candidate (B)").select_option(runs[1])
    page = _submit_by_keyboard(dev, page.get_by_label("Candidate (B)"), shot="evaluation-compare")
    assert page.locator("svg.chart[role=img]").count() == 1 and "Regressed: exact_match" in page.content()

    page = dev.visit("/console/knowledge")
    page = dev.follow(page.get_by_role("link", name="guide").click)
    upload = tmp_path / "filing.md"
    upload.write_bytes(b"# Filing\n\nThe filing deadline for individual returns is April 30.\n")
    page.locator("#upload-file").set_input_files(str(upload))
    page = dev.follow(page.get_by_role("button", name="Upload").click, shot="knowledge-base")  # upload.js
    assert "filing.md added: version 1." in page.get_by_role("status").first.inner_text()
    page = dev.follow(page.get_by_role("button", name="Delete filing.md…").click)
    page = dev.follow(page.get_by_role("button", name="Yes, delete it").click)
    assert "deleted: version 2" in page.inner_text("main")


def test_at_an_admin_handles_an_incident_and_downloads_the_card_in_the_browser(
    console: Console, person: Any  # noqa: F811 (the fixture)
) -> None:
    interaction = console.ask().headers["x-charter-interaction-id"]
    admin: Person = person()
    admin.sign_in("admin")
    page = admin.visit("/console/usecases", shot="use-cases")
    with page.expect_download() as got:
        page.get_by_role("link", name="CSV").click()
    assert got.value.suggested_filename == "agency-ai-inventory.csv"
    page = admin.follow(page.get_by_role("link", name="tax-helpdesk").click, shot="use-case")
    with page.expect_download() as got:
        page.get_by_role("link", name="System card (Markdown)").click()
    assert got.value.suggested_filename == "tax-helpdesk-system-card.md"
    page = admin.follow(page.get_by_role("main").get_by_role("link", name="Incidents").click)
    page.get_by_label("Title (required)").fill("An answer quoted last year's deadline")
    page.get_by_label("Severity").select_option("high")
    page.get_by_label("What happened").fill("An answer gave 2025's filing deadline to a citizen.")
    field = page.get_by_label("Interactions (ids, separated by spaces or commas)")
    field.fill(interaction)
    page = _submit_by_keyboard(admin, field, shot="incident")
    assert "severity high" in page.inner_text("main").replace("\n", " ")
    page.get_by_label("After-action review").fill("The prompt now names the year; reviewers were briefed.")
    page = admin.follow(page.get_by_role("button", name="Close the incident").click)
    assert "status closed" in page.inner_text("main")
    page = admin.follow(page.get_by_role("link", name="All incidents of tax-helpdesk").click, shot="incidents")
    assert "closed" in page.get_by_role("table").inner_text()


def test_pc_a_developer_starts_a_run_follows_it_and_rolls_a_label_back_in_the_browser(
    console: Console, person: Any  # noqa: F811 (the fixture)
) -> None:
    """The evaluation form, the progress page polled by htmx under the CSP until the run is done, and a
    prompt rollback's confirmation: axe on each page."""
    rt, tid = console.platform.rt, console.platform.tenant_id
    lines = "".join(f'{{"input": "Q{i}?", "reference": "{console.platform.upstream.reply}"}}\n' for i in range(3))
    rt.writer.write(lambda c: import_dataset(c, tid, "tax-qa", lines, fmt="jsonl", actor="carol", source="t"))
    for version, text in ((1, "You answer carefully."), (2, "You answer briefly.")):
        spec = PromptSpec(name="tax-answer", use_case="tax-helpdesk", template=text, message="browser test")
        rt.writer.write(lambda c, s=spec: versions.push(c, tid, s, actor="alice"))
        promotion.promote_or_raise(rt, tid, promotion.Promotion("tax-answer", version, "staging", actor="alice"))
    console.platform.upstream.delay = 0.4  # the progress page sees the run running first
    dev: Person = person()
    dev.sign_in("developer")
    page = dev.visit("/console/evals")
    page.get_by_label("Dataset (without a use case)").select_option("tax-qa")
    page.get_by_label("Evaluators, comma-separated", exact=False).fill("exact")
    page.get_by_label("Model", exact=True).select_option("mock")
    page = _submit_by_keyboard(dev, page.get_by_label("Concurrent items (1 to 64)"), shot="evaluation-progress")
    page.get_by_text("Done: every run of this experiment has stopped.").wait_for(timeout=30_000)  # htmx, polled
    dev.check()
    page = dev.follow(page.get_by_role("table").get_by_role("link").click)
    assert "exact_match" in page.inner_text("main")

    page = dev.visit("/console/prompts/tax-answer")
    page.get_by_label("Label", exact=True).nth(1).select_option("staging")
    page.get_by_label("Reason for the rollback").fill("Version 2 answers too briefly.")
    page = dev.follow(page.get_by_role("button", name="Roll back…").click, shot="prompt-rollback-confirm")
    assert "it will point at version 1" in page.get_by_role("alert").inner_text()
    page = dev.follow(page.get_by_role("button", name="Yes, roll it back").click)
    assert "Label staging now points at version 1." in page.get_by_role("status").first.inner_text()
