"""Training-data fixtures: the oversight desk (a platform, two reviewers, HTTP) with helpers to ask
with or without training consent and to build datasets over the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Platform
from tests.integration.oversight.conftest import BASE_CHARTER, Desk

#: transformers 5.17 renamed gradient checkpointing to activation checkpointing; TRL 1.13 (SFTConfig,
#: DPOConfig) and PEFT 0.21 still use the old name on every trainer they build. A library-to-library
#: deprecation, not Charter's: ignored for these tests only (the suite turns warnings into errors).
_RENAMED = r"ignore:`[a-z_]*gradient_checkpointing[a-z_]*` is deprecated:FutureWarning"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(_RENAMED))


#: Every answer held for a person; training allowed.
TRAINABLE = BASE_CHARTER + "review: {always: true}\nmay_train: true\n"


class Trainer(Desk):
    def ask_with(self, text: str, reply: str, *, consent: str | None = "true", user: str | None = None) -> str:
        """Ask ``text`` (the model answers ``reply``); the held review's id."""
        self.platform.upstream.reply = reply
        body: dict[str, Any] = {"model": "mock", "messages": [{"role": "user", "content": text}]}
        if user is not None:
            body["user"] = user
        headers = self.auth()
        if consent is not None:
            headers["x-charter-training-consent"] = consent
        r = self.http.post("/v1/chat/completions", json=body, headers=headers)
        assert r.status_code == 202, r.text
        return str(r.json()["review"]["id"])

    def decide(self, review_id: str, verb: str, **body: Any) -> None:
        item = self.next()
        assert item is not None and item["id"] == review_id
        r = self.review(verb, review_id, **body)
        assert r.status_code == 200, r.text

    def build(self, kind: str = "sft", role: str = "developer") -> httpx.Response:
        return self.http.post("/api/v1/training/datasets", json={"use_case": "tax-helpdesk", "kind": kind},
                              headers=self.auth(role))

    def export(self, dataset_id: str) -> httpx.Response:
        return self.http.get(f"/api/v1/training/datasets/{dataset_id}/export", headers=self.auth("developer"))


@pytest.fixture
def trainer(platform: Platform, http: httpx.Client) -> Trainer:
    platform.keys["reviewer2"] = platform.key("reviewer", use_case=None, name="second reviewer")
    return Trainer(platform, http)
