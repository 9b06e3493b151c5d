"""Single sign-on into the console in a real browser (Debian's chromium through Playwright), the way a
deployment has it: the console and the provider on different sites (the console at ``localhost``,
the provider at ``127.0.0.1``), so the provider's redirect back is cross-site. That is what the attempt
cookie's ``SameSite=Lax`` and the callback's same-site hop (a meta refresh, not a redirect) are for:
with either wrong the person would land on the sign-in page again. SQLite only."""

from __future__ import annotations

from typing import Any

from tests.integration.console.conftest import ALWAYS, Console
from tests.integration.console.test_browser import AXE, WCAG, database_url  # noqa: F401 (fixture)
from tests.integration.console.test_sso import console_client, idp, idp_port, settings  # noqa: F401 (fixtures)
from tests.support.idp import Provider


def _axe(page: Any) -> None:
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    found = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map(v => v.id))",
        WCAG,
    )
    assert found == [], f"axe found WCAG violations on {page.url}: {found}"


def test_SA_2_a_reviewer_signs_in_through_the_provider_in_a_real_browser(
    console: Console, idp: Provider, browser: Any  # noqa: F811
) -> None:
    console.apply(ALWAYS)
    held = console.ask()
    assert held.status_code == 202, held.text
    site = console.url.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=site)
    try:
        page = context.new_page()
        problems: list[str] = []
        # CSP violations and script errors (a missing favicon at the test provider is not one)
        page.on("console", lambda m: problems.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
        page.goto("/console/sign-in?next=/console/review")
        link = page.get_by_role("link", name="Sign in with Agency ID")
        href = link.get_attribute("href")
        assert href == "/console/sso/start?next=/console/review"
        _axe(page)
        # the test provider shows a login page for the account named by login_hint (tests/support/oidc);
        # submitting it starts the way back on the provider's site: a cross-site return, as in production
        page.goto(f"{href}&login_hint=page:rita")
        assert page.url.startswith(idp.issuer + "/interaction/")
        page.get_by_role("button", name="Sign in as rita").click()
        page.wait_for_url(f"{site}/console/review", timeout=15_000)
        assert page.get_by_role("heading", name="Review queue").is_visible()
        assert held.json()["review"]["id"] in page.content()
        assert "Signed in as reviewer" in page.locator("form.who").inner_text()
        _axe(page)
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["charter_console"]["sameSite"] == "Strict" and cookies["charter_console"]["httpOnly"]
        assert "charter_console_sso" not in cookies
        assert problems == []
    finally:
        context.close()
