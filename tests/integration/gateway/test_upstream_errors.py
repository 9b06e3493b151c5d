"""Defect 4 (issue 11), checked on every route that can answer 502 upstream_unavailable: the client
gets the outage message and the number of attempts, never the hosts, ports or connection errors of
the models behind it (those stay in the interaction record). Both stores."""

from __future__ import annotations

import pytest

from tests.conftest import AGENCY_CHARTER, Platform
from tests.support.upstream import free_port

CHARTER = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)


@pytest.mark.parametrize(
    ("path", "body", "attempts"),
    [  # chat retries a model (CHARTER_UPSTREAM_RETRIES, 2 by default); embeddings try each model once
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "When is the deadline?"}]}, 3),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "When?"}], "stream": True}, 3),
        ("/v1/embeddings", {"input": ["when is the deadline"]}, 1),
    ],
    ids=["chat", "stream", "embeddings"],
)
def test_502_tells_the_client_the_outage_and_the_count_only(http, platform: Platform, path, body, attempts) -> None:
    port = free_port()
    platform.add_model(alias="gone", provider="openai", endpoint=f"http://127.0.0.1:{port}/v1",
                       platform_model_id="gone-model", version="1", region="ca-central-1",
                       classification_ceiling="confidential", context_window=4096)
    platform.apply(CHARTER.replace("models: [mock]", "models: [gone]"))
    r = http.post(path, json=body, headers=platform.auth())
    assert r.status_code == 502, r.text
    error = r.json()["error"]
    assert (error["code"], error["type"], error["attempts"]) == ("upstream_unavailable", "upstream_error", attempts)
    assert set(error) == {"message", "type", "param", "code", "attempts"}
    assert error["message"].endswith("Please use the manual process or contact the agency.")
    for leak in ("127.0.0.1", str(port), "gone-model", "onnect", "refused", "Errno"):
        assert leak not in r.text
