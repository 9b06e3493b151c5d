"""Console fixtures: the platform of tests/conftest.py served on loopback, and a client that signs in
to the console the way a browser does (sign-in page, its CSRF cookie and field, the session cookie)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import AGENCY_CHARTER, Platform
from tests.support.live import LiveCharter

BASE_CHARTER = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)
ALWAYS = BASE_CHARTER + "review: {always: true}\n"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


@dataclass
class Console:
    platform: Platform
    url: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)

    def sign_in(self, client: httpx.Client, role: str) -> httpx.Response:
        page = client.get("/console/sign-in")
        assert page.status_code == 200, page.text
        return client.post("/console/sign-in", data={"csrf": csrf_of(page.text), "key": self.platform.keys[role],
                                                      "next": "/console/"})

    def signed_in(self, role: str) -> httpx.Client:
        client = self.client()
        r = self.sign_in(client, role)
        assert r.status_code == 303, r.text
        return client

    def csrf(self, client: httpx.Client, path: str = "/console/") -> str:
        page = client.get(path)
        assert page.status_code == 200, page.text
        return csrf_of(page.text)

    def ask(self, text: str = "When is the filing deadline?", role: str = "app") -> httpx.Response:
        body = {"model": "mock", "messages": [{"role": "user", "content": text}]}
        with httpx.Client(base_url=self.url, timeout=30) as http:
            return http.post("/v1/chat/completions", json=body, headers=self.platform.auth(role))

    def requester_view(self, review_id: str) -> httpx.Response:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            return http.get(f"/v1/reviews/{review_id}", headers=self.platform.auth("app"))

    def apply(self, yaml_text: str) -> dict[str, Any]:
        return self.platform.apply(yaml_text)


@pytest.fixture
def console(platform: Platform, live: LiveCharter) -> Iterator[Console]:
    yield Console(platform, live.url)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per browser test module, closed at the module's end: Playwright's sync API runs an
    event loop while it is open, so a second ``sync_playwright()`` inside it fails ("Sync API inside the
    asyncio loop"), and one left open for the session breaks every asyncio test that runs after it."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="install the dev extra (playwright)")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()
