"""The reviewers' new pages in a real browser (Debian's chromium, axe-core on every page, keyboard only
where it matters): expert scoring sentence by sentence with the keyboard, the scores per reviewer,
teams and assignments, progress per reviewer, and focus mode. One app and one Chromium for the module's
one test (browser tests are among the slowest in CI). SQLite only; the HTTP tests cover both stores.

Screenshots: ``CHARTER_TEST_SCREENSHOTS=docs/console`` writes them where docs/console.md shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from charter.oversight.tables import expert_scores
from tests.integration.console.conftest import BASE_CHARTER, Console
from tests.integration.console.test_browser import Person

pytest.importorskip("playwright.sync_api", reason="install the dev extra (playwright)")

SAMPLED = BASE_CHARTER + "review: {sample_rate: 1.0}\n"


@pytest.fixture
def database_url() -> None:
    """SQLite only: one browser run is enough for CI; the HTTP tests run on both stores."""
    return None


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    import os

    target = os.environ.get("CHARTER_TEST_SCREENSHOTS")
    return Path(target) if target else tmp_path


def test_me3_ho1_a_reviewer_scores_sentences_by_keyboard_and_works_an_assigned_queue_in_focus_mode(
    browser: Any, console: Console, shots: Path
) -> None:
    platform = console.platform
    console.apply(SAMPLED)
    platform.upstream.reply = "File by April 30. Late filing costs 5% a month."
    assert console.ask("When is the filing deadline?").status_code == 200
    people: list[Person] = []
    try:
        reviewer = Person(browser, console, shots)
        people.append(reviewer)
        reviewer.sign_in("reviewer")
        page = reviewer.visit("/console/review/samples", shot="review-samples")
        page = reviewer.follow(page.get_by_role("button", name="Score the next sample").click)
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press("j")  # the first sentence's labels
        page.keyboard.press("1")  # correct
        page.keyboard.press("j")
        page.keyboard.press("2")  # unsupported
        assert page.evaluate("() => document.activeElement.value") == "unsupported"
        page.get_by_label("Note on sentence 2 (optional)").fill("the guide says 5% once")
        reviewer.check(shot="review-sample")
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press("s")
        assert page.evaluate("() => document.activeElement.textContent") == "Send the scores"
        page = reviewer.follow(lambda: page.keyboard.press("Enter"))
        assert "Scored by" in page.inner_text("main") and "the guide says 5% once" in page.inner_text("main")
        with platform.rt.engine.connect() as conn:
            assert conn.execute(select(expert_scores.c.sentence_labels)).scalar_one() == ["correct", "unsupported"]
        page = reviewer.visit("/console/review/scores", shot="review-scores")
        assert "unsupported" in page.inner_text("main")

        console.apply(BASE_CHARTER + "review: {always: true}\n")
        held = [console.ask(q).json()["review"]["id"] for q in ("first question", "second question")]
        admin = Person(browser, console, shots)
        people.append(admin)
        admin.sign_in("admin")
        page = admin.visit("/console/review/teams")
        page.get_by_label("Name (lower case: letters, digits, . _ -)").fill("helpdesk")
        page = admin.follow(page.get_by_role("button", name="Create the team").click)
        page.get_by_label("Add a reviewer to helpdesk").select_option(index=_reviewer_option(page))
        page = admin.follow(page.get_by_role("button", name="Add", exact=True).click)
        page.locator("#as-use-case").select_option("tax-helpdesk")
        page.locator("#as-who").select_option("team:helpdesk")
        page = admin.follow(page.get_by_role("button", name="Assign", exact=True).click, shot="review-teams")
        assert "use case tax-helpdesk" in page.inner_text("main")

        page = reviewer.visit("/console/review")
        assert "team helpdesk (yours)" in page.inner_text("main")
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press("m")  # focus mode, by keyboard
        page = reviewer.follow(lambda: page.keyboard.press("Enter"))
        assert page.url.endswith(f"/console/review/{held[0]}?focus=1")
        page = reviewer.follow(page.get_by_role("button", name="Approve as it is").click, shot="review-focus")
        assert f"/console/review/{held[1]}?focus=1" in page.url
        assert f"Recorded: approved for {held[0]}" in page.get_by_role("status").inner_text()
        page.get_by_label("Reason for rejecting (required)").fill("wrong year")
        page = reviewer.follow(page.get_by_role("button", name="Reject").click)
        assert page.url.endswith("/console/review?empty=1")
        page = reviewer.visit("/console/review/progress", shot="review-progress")
        row = page.get_by_role("row").filter(has_text="you (")
        assert row.get_by_role("cell").nth(1).inner_text() == "2"  # decided today
    finally:
        for p in people:
            p.close()


def _reviewer_option(page: Any) -> int:
    """The index of the reviewer key (role reviewer) in the member list."""
    labels = page.locator("select[name=member] option").all_inner_texts()
    return next(i for i, label in enumerate(labels) if "(reviewer," in label)


def test_docs_screenshots_of_the_reviewers_pages_are_in_the_repository() -> None:
    """docs/console.md embeds them; regenerate with CHARTER_TEST_SCREENSHOTS=docs/console."""
    docs = Path(__file__).resolve().parents[3] / "docs" / "console"
    for name in ("review-samples", "review-sample", "review-scores", "review-teams", "review-progress", "review-focus"):
        assert (docs / f"{name}.png").exists(), f"docs/console/{name}.png is missing"
