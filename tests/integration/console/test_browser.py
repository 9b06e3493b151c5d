"""The console in a real browser: Playwright for Python driving Debian's chromium (/usr/bin/chromium;
no browser is downloaded), with axe-core (tests/support/axe, pinned by its package-lock.json) run on
every page visited: zero WCAG 2.1 A/AA violations; on every page visited, too, the keyboard walks
every focusable element from the top and each one shows its focus (WCAG 2.4.7), and with
``prefers-reduced-motion: reduce`` nothing moves. SQLite only (the HTTP tests cover both stores).

Screenshots go to a temporary folder; with ``CHARTER_TEST_SCREENSHOTS=docs/console`` they are written
where docs/console.md shows them."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.offline import verify_bundle
from charter.ledger.tables import ledger_entries
from charter.oversight.tables import review_items
from tests.integration.console.conftest import ALWAYS, BASE_CHARTER, CHROMIUM, Console
from tests.integration.console.test_citizen import CHAT, HELD
from tests.integration.knowledge.test_gateway import GUIDE, _kb

playwright_api = pytest.importorskip("playwright.sync_api", reason="install the dev extra (playwright)")

AXE = Path(__file__).resolve().parents[2] / "support" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does)", allow_module_level=True)
if not AXE.exists():
    pytest.skip("axe-core is not installed (cd tests/support/axe && npm ci; scripts/test.sh does)",
                allow_module_level=True)

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Most Tab presses the focus walk makes on one page (a page of 50 rows has about 120 stops).
MAX_TABS = 400

#: The element the keyboard focus is on, and whether it shows it: an outline of at least 2 px
#: (WCAG 2.4.7; the console's focus style is a 3 px outline); "out" when the focus is outside the
#: page (past its last element), "again" when it came round to an element it was on before.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return "out"; }
  window.charterWalked = window.charterWalked || new WeakSet();
  if (window.charterWalked.has(el)) { return "again"; }
  window.charterWalked.add(el);
  const s = getComputedStyle(el);
  const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '')
    + ' "' + (el.textContent || el.value || '').trim().slice(0, 40) + '"';
  const shown = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && el.matches(':focus-visible');
  return {what: what, shown: shown};
}"""

#: Whatever would move on the page: a CSS animation or transition, smooth scrolling, a running
#: Web Animation. Under ``prefers-reduced-motion: reduce`` the list must be empty.
MOVING = """() => {
  const name = (el) => el && el.tagName ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') : String(el);
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    if (s.animationName && s.animationName !== 'none') { found.push('animation on ' + name(el)); }
    if (s.transitionDuration.split(',').some((d) => parseFloat(d) > 0)) { found.push('transition on ' + name(el)); }
    if (s.scrollBehavior === 'smooth') { found.push('smooth scrolling on ' + name(el)); }
  }
  for (const a of document.getAnimations()) { found.push('running animation on ' + name(a.effect && a.effect.target)); }
  return found;
}"""


@pytest.fixture
def database_url() -> None:
    """SQLite only: one browser test run is enough for CI; the HTTP tests run on both stores."""
    return None


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = os.environ.get("CHARTER_TEST_SCREENSHOTS")
    return Path(target) if target else tmp_path


class Person:
    """One browser context (its own cookies) for one person, checking every page it visits."""

    def __init__(self, browser: Any, console: Console, shots: Path) -> None:
        self.context = browser.new_context(base_url=console.url, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.console = console
        self.shots = shots
        self.problems: list[str] = []
        self.page.on("console", self._console_message)
        self.page.on("response", self._response)

    def _console_message(self, message: Any) -> None:
        # a CSP violation is reported here; a page refused on purpose (403, 404) is not a problem,
        # a file the page needs and cannot load is (see _response)
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(message.text)

    def _response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} {response.url}")

    def axe(self) -> None:
        """Run axe-core in the page (evaluated through the DevTools protocol: the page's CSP stays on)."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
        result = self.page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
            WCAG,
        )
        assert result == [], f"axe found WCAG violations on {self.page.url}: {result}"

    def keyboard_focus(self) -> None:
        """Tab through the whole page, as a keyboard-only person would, until the focus comes round to
        where it was: every element it lands on shows it (FOCUSED). Chromium goes on from the element
        focused last and, past the last one, leaves the page, then starts again at the top: every
        element is reached wherever the walk starts. The walk ends with the focus outside the page, as
        after a page load (the next Tab goes to the first element), and the page scrolled to the top."""
        page = self.page
        page.evaluate("() => { window.charterWalked = new WeakSet(); }")
        hidden: list[str] = []
        reached, previous = 0, None
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            found = page.evaluate(FOCUSED)
            if found == "again" or (found == "out" and previous == "out"):
                break
            previous = found
            if isinstance(found, dict):
                reached += 1
                if not found["shown"]:
                    hidden.append(found["what"])
        if previous == "out":  # on the first element again: back to the last one, then out of the page
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")
        else:  # it started inside the page: on to its end
            for _ in range(MAX_TABS):
                page.keyboard.press("Tab")
                if page.evaluate(FOCUSED) == "out":
                    break
        page.evaluate("() => window.scrollTo(0, 0)")
        assert reached >= 1, f"the keyboard reaches nothing on {page.url}"
        assert hidden == [], f"no visible focus on {page.url} for: {hidden}"

    def reduced_motion(self) -> None:
        """With ``prefers-reduced-motion: reduce`` nothing on the page moves (MOVING)."""
        self.page.emulate_media(reduced_motion="reduce")
        try:
            moving = self.page.evaluate(MOVING)
        finally:
            self.page.emulate_media(reduced_motion="no-preference")
        assert moving == [], f"things move on {self.page.url} under reduced motion: {moving}"

    def visit(self, path: str, shot: str | None = None) -> Any:
        self.page.goto(path)
        return self.check(shot)

    def check(self, shot: str | None = None) -> Any:
        self.page.wait_for_load_state("load")
        self.axe()
        assert self.problems == [], f"browser errors on {self.page.url}: {self.problems}"
        if shot:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(self.shots / f"{shot}.png"), full_page=True)
        self.reduced_motion()
        self.keyboard_focus()
        return self.page

    def follow(self, act: Any, shot: str | None = None) -> Any:
        """Do something that loads a new page (a click, Enter in a form), then check that page."""
        with self.page.expect_navigation():
            act()
        return self.check(shot)

    def sign_in(self, role: str, shot: str | None = None) -> None:
        self.visit("/console/sign-in", shot)
        self.page.get_by_label("Your key").fill(self.console.platform.keys[role])
        self.follow(self.page.get_by_role("button", name="Sign in").click)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(browser: Any, console: Console, shots: Path) -> Iterator[Any]:
    opened: list[Person] = []

    def make() -> Person:
        opened.append(Person(browser, console, shots))
        return opened[-1]

    yield make
    for p in opened:
        p.close()


def test_ho1_reviewer_edits_a_held_answer_in_the_browser_and_the_requester_receives_exactly_it(
    console: Console, person: Any
) -> None:
    console.apply(ALWAYS)
    r = console.ask("When is the filing deadline?")
    assert r.status_code == 202
    review_id = r.json()["review"]["id"]
    reviewer: Person = person()
    reviewer.sign_in("reviewer", shot="sign-in")
    page = reviewer.visit("/console/review", shot="review-queue")
    row = page.get_by_role("row").filter(has_text=review_id)
    assert re.search(r"due in \d+ (h|min)", row.inner_text())
    page = reviewer.follow(row.get_by_role("button", name=f"Claim {review_id}").click)
    assert page.url.endswith(f"/console/review/{review_id}")
    assert "It may be wrong" in page.get_by_role("note").inner_text()
    page.keyboard.press("a")  # keyboard shortcuts move the focus (they never submit)
    assert page.evaluate("() => document.activeElement.textContent") == "Approve as it is"
    page.keyboard.press("e")
    assert page.evaluate("() => document.activeElement.id") == "edit-text"
    edited = "File by April 30.\nLate filing costs 5% of the balance owing."
    page.get_by_label("Edited answer").fill(edited)
    page.locator("#diff ins").first.wait_for()  # the live diff (htmx) came back
    reviewer.check(shot="review-decision")
    page = reviewer.follow(page.get_by_role("button", name="Send the edited answer").click)
    assert page.get_by_role("heading", level=1).inner_text() == "Recorded: edited"
    page.keyboard.press("?")  # the list of shortcuts opens
    page.get_by_label("Keyboard shortcuts on").uncheck()  # WCAG 2.1.4: they can be switched off
    page.evaluate("() => document.activeElement.blur()")  # not typing in a field any more
    page.keyboard.press("n")
    assert page.evaluate("() => document.activeElement.textContent") != "Take the next item"
    released = console.requester_view(review_id)
    assert released.status_code == 200
    assert released.json()["choices"][0]["message"]["content"] == edited


def test_ho5_admin_flips_the_kill_switch_and_the_next_chat_is_refused(console: Console, person: Any) -> None:
    assert console.ask().status_code == 200
    admin: Person = person()
    admin.sign_in("admin")
    admin.visit("/console/", shot="home")
    admin.visit("/console/usecases/tax-helpdesk/versions/1")
    console.apply(BASE_CHARTER.replace("Answers questions about filing taxes.", "Answers questions on filing."))
    page = admin.visit("/console/usecases/tax-helpdesk/versions/2")  # a version with its diff
    assert "+description: Answers questions on filing." in page.inner_text("main")
    page = admin.visit("/console/usecases", shot="use-cases")
    page = admin.follow(page.get_by_role("link", name="tax-helpdesk").click, shot="use-case")
    page.get_by_label("Reason").fill("answers quote last year's deadline")
    page = admin.follow(page.get_by_role("button", name="Switch off…").click, shot="kill-switch-confirm")
    assert console.ask().status_code == 200  # not yet: it asks first
    page = admin.follow(page.get_by_role("button", name="Yes, switch it off").click)
    assert "Switched off" in page.inner_text("main")
    refused = console.ask()
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "use_case_suspended"


def test_sa_app_key_cannot_sign_in_in_the_browser(console: Console, person: Any) -> None:
    app: Person = person()
    app.sign_in("app")
    page = app.page
    assert page.url.endswith("/console/sign-in")
    assert "role_not_allowed" in page.get_by_role("alert").inner_text()
    assert not [c for c in app.context.cookies() if c["name"] == "charter_console"]


def test_at4_auditor_pages_pass_axe(console: Console, person: Any, shots: Path) -> None:
    assert console.ask("How do I file?").status_code == 200
    checkpoint_now(console.platform.rt)  # a signed head covers the entry: its proof is checked in the page
    auditor: Person = person()
    auditor.sign_in("auditor")
    page = auditor.visit("/console/interactions", shot="interactions")
    page = auditor.follow(page.get_by_role("row").nth(1).get_by_role("link").click, shot="interaction")
    assert "interaction.recorded" in page.inner_text("main")
    assert "verified against the signed head" in page.inner_text("main")
    page = auditor.visit("/console/review")  # an auditor does not review: the refusal page passes axe too
    assert "role_not_allowed" in page.inner_text("main")


def test_at4_auditor_follows_an_answer_to_its_source_file_and_reveals_the_raw_tier(
    console: Console, person: Any
) -> None:
    platform = console.platform
    _kb(platform, "tax-guide", GUIDE)
    console.apply(BASE_CHARTER + "knowledge_bases: [tax-guide]\ntop_k: 3\n")
    platform.upstream.reply = "The filing deadline is April 30 [1]."
    r = console.ask("When is the filing deadline for individual returns?")
    assert r.status_code == 200, r.text
    iid = r.json()["charter"]["interaction_id"]
    checkpoint_now(platform.rt)
    auditor: Person = person()
    auditor.sign_in("auditor")
    page = auditor.visit("/console/interactions")
    page = auditor.follow(page.get_by_role("link", name=iid).click)
    sources = page.get_by_role("table").filter(has_text="Source file")
    assert "tax-guide.md" in sources.inner_text() and "April 30" in sources.inner_text()
    auditor.check(shot="interaction-lineage")
    page.get_by_label("Reason (required, recorded in the ledger)").fill("complaint 7: deadline quoted")
    page = auditor.follow(page.get_by_role("button", name="Reveal the raw tier").click, shot="interaction-raw")
    main = page.inner_text("main")
    assert "When is the filing deadline for individual returns?" in main and "April 30 [1]" in main
    assert "complaint 7: deadline quoted" in page.get_by_role("status").inner_text()
    with platform.rt.engine.connect() as conn:
        reads = conn.execute(select(ledger_entries.c.subject, ledger_entries.c.event)
                             .where(ledger_entries.c.action == "raw.read")).all()
    assert [(s, json.loads(e)["reason"]) for s, e in reads] == [(iid, "complaint 7: deadline quoted")]
    page = auditor.follow(page.get_by_role("link", name="Ledger").click)
    assert "signature verified" in page.inner_text("main")
    page = auditor.follow(page.get_by_role("button", name="Verify now").click, shot="ledger")
    assert "Verified: this tenant's view" in page.get_by_role("status").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the bundle").click()
    bundle = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert verify_bundle(bundle)["ok"]


def test_sa_keyboard_only_sign_in_and_sign_out(console: Console, person: Any) -> None:
    reviewer: Person = person()
    page = reviewer.visit("/console/sign-in")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Your key").focus()
    page.keyboard.type(console.platform.keys["reviewer"])
    page = reviewer.follow(lambda: page.keyboard.press("Enter"))
    assert page.url.endswith("/console/")
    page.get_by_role("button", name="Sign out").focus()
    page = reviewer.follow(lambda: page.keyboard.press("Enter"))
    assert page.url.endswith("/console/sign-in")


def test_ho6_citizen_sees_the_ai_notice_and_a_held_answer_arriving(console: Console, person: Any) -> None:
    console.apply(HELD)
    console.platform.upstream.reply = "File by April 30."
    citizen: Person = person()
    page = citizen.visit("/console/chat/agency/no-such-use-case")  # the citizen's refusal page passes axe too
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    page = citizen.visit(CHAT)
    notice = page.get_by_role("region", name="You are talking to an AI system").inner_text()
    assert "written by an AI system" in notice and "Revenue Agency of Canada" in notice
    page.get_by_label("Your question").fill("When is the filing deadline?")
    page = citizen.follow(page.get_by_role("button", name="Send", exact=True).click, shot="citizen-chat-waiting")
    assert "Waiting for a person" in page.inner_text("main")
    with console.platform.rt.engine.connect() as conn:
        review_id = conn.execute(select(review_items.c.id)).scalar_one()
    reviewer = console.platform.auth("reviewer")
    with httpx.Client(base_url=console.url, timeout=30) as api:
        assert api.post(f"/api/v1/reviews/{review_id}/claim", headers=reviewer).status_code == 200
        released = "File by April 30; late returns pay a penalty of 5 percent."
        edited = api.post(f"/api/v1/reviews/{review_id}/edit", headers=reviewer, json={"text": released})
        assert edited.status_code == 200, edited.text
    page.get_by_text(released).wait_for(timeout=20_000)  # the page's htmx poll brings it, no reload
    assert "Waiting for a person" not in page.inner_text("main")
    citizen.check(shot="citizen-chat")
    page.get_by_role("radio", name="No", exact=True).check()
    page = citizen.follow(page.get_by_role("button", name="Send feedback").click)
    assert "your feedback was recorded" in page.inner_text("main")


def test_docs_screenshots_are_in_the_repository() -> None:
    """docs/console.md embeds the screenshots; regenerate them with CHARTER_TEST_SCREENSHOTS=docs/console."""
    docs = Path(__file__).resolve().parents[3] / "docs" / "console"
    for name in ("sign-in", "review-queue", "review-decision", "use-case", "kill-switch-confirm", "interaction",
                 "interaction-lineage", "interaction-raw", "ledger", "citizen-chat"):
        assert (docs / f"{name}.png").exists(), f"docs/console/{name}.png is missing"
