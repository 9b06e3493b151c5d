"""Oversight fixtures: the platform of tests/conftest.py with a charter whose review rules each test
chooses, two reviewers, and helpers that speak to Charter over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from charter.api.deps import key_cache
from charter.domain import Principal
from charter.oversight.sla import sweep
from tests.conftest import AGENCY_CHARTER, Platform

BASE_CHARTER = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)


@dataclass
class Desk:
    """A platform with a second reviewer and an HTTP client."""

    platform: Platform
    http: httpx.Client

    def charter(self, extra_yaml: str) -> dict[str, Any]:
        return self.platform.apply(BASE_CHARTER + extra_yaml)

    def auth(self, role: str = "app") -> dict[str, str]:
        return {"authorization": f"Bearer {self.platform.keys[role]}"}

    def principal(self, role: str) -> Principal:
        return key_cache(self.platform.rt).authenticate(self.platform.keys[role])

    def ask(self, text: str = "When is the filing deadline?", role: str = "app") -> httpx.Response:
        body = {"model": "mock", "messages": [{"role": "user", "content": text}]}
        return self.http.post("/v1/chat/completions", json=body, headers=self.auth(role))

    def status(self, review_id: str, role: str = "app") -> httpx.Response:
        return self.http.get(f"/v1/reviews/{review_id}", headers=self.auth(role))

    def review(self, verb: str, review_id: str, role: str = "reviewer", **body: Any) -> httpx.Response:
        return self.http.post(f"/api/v1/reviews/{review_id}/{verb}", json=body, headers=self.auth(role))

    def next(self, role: str = "reviewer") -> dict[str, Any] | None:
        r = self.http.post("/api/v1/reviews/next", headers=self.auth(role))
        assert r.status_code == 200, r.text
        item: dict[str, Any] | None = r.json()["item"]
        return item

    def sweep(self, minutes_later: float = 0.0) -> dict[str, list[dict[str, Any]]]:
        now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes_later)
        return asyncio.run(sweep(self.platform.rt, now))


@pytest.fixture
def desk(platform: Platform, http: httpx.Client) -> Desk:
    platform.keys["reviewer2"] = platform.key("reviewer", use_case=None, name="second reviewer")
    platform.keys["app2"] = platform.key("app", name="another app of the same use case")
    return Desk(platform, http)
