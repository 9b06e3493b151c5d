"""The Models page (issue 17) in a real browser: axe-core finds no WCAG 2.1 A/AA violation on the page
or its confirmation, and an admin starts a canary from it by keyboard and mouse; the screenshot of
docs/console.md is taken here (``CHARTER_TEST_SCREENSHOTS=docs/console``). SQLite only:
tests/integration/console/test_models_page.py covers both stores."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.integration.console.conftest import Console
from tests.integration.console.test_browser import Person, database_url, person, shots  # noqa: F401 (fixtures)
from tests.integration.console.test_models_page import _job
from tests.integration.training.test_registry import Registry


def test_an_admin_starts_a_canary_from_the_models_page(console: Console, person: Any) -> None:  # noqa: F811
    with httpx.Client(base_url=console.url, timeout=30) as http:
        reg = Registry(console.platform, http)
        reg.suite()
        assert reg.register(url=console.platform.upstream.url, platform_model_id="mock-ft").status_code == 201
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API runs an event loop in this thread
        pool.submit(asyncio.run, reg.evaluate("mock@2")).result()
    _job(console)
    admin: Person = person()
    admin.sign_in("admin")
    page = admin.visit("/console/models")
    page = admin.follow(page.get_by_role("link", name="mock", exact=True).click)
    page.get_by_label("Share of the traffic (0–1)").fill("0.2")
    page = admin.follow(page.get_by_role("button", name="Start a canary…").click)
    assert "Send 20% of mock's traffic to mock@2?" in page.inner_text("main")
    page = admin.follow(page.get_by_role("button", name="Yes, canary start").click, shot="models")
    assert "Done: canary start." in page.get_by_role("status").inner_text()
    assert "with 20% of the traffic" in page.inner_text("main")
