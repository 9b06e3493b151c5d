"""Defect: response_format, logprobs, top_logprobs, presence_penalty, frequency_penalty, logit_bias,
service_tier and store were accepted and dropped before the provider. Now each reaches a provider
that supports it, or the route stage refuses the request (400 unsupported_parameter) before any
model is called; JSON mode never hands back free text without saying so. Both stores."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from charter.domain import Finding
from charter.guards.base import GuardContext, GuardResult
from charter.store.schema import interactions
from tests.conftest import AGENCY_CHARTER, Platform

CHARTER = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)
ASK = [{"role": "user", "content": "Where do I send my refund form?"}]
JSON_ANSWER = '{"office": "Refunds, 1 Main St", "contact": "clerk.jones@agency.example.gov"}'
EVERY_FIELD = {
    "response_format": {"type": "json_schema",
                        "json_schema": {"name": "office", "schema": {"type": "object"}, "strict": True}},
    "logprobs": True,
    "top_logprobs": 1,
    "presence_penalty": 0.4,
    "frequency_penalty": -0.3,
    "logit_bias": {"50256": -100},
    "service_tier": "default",
    "store": False,
}


def ask(http: Any, platform: Platform, **fields: Any) -> Any:
    return http.post("/v1/chat/completions", json={"messages": ASK, **fields}, headers=platform.auth())


def with_local_model(platform: Platform, models: str) -> None:
    """An embedded (llama.cpp) entry beside the scripted `mock`; it is never loaded by these tests."""
    platform.add_model(alias="local", provider="embedded", endpoint="embedded://smollm2",
                       platform_model_id="SmolLM2-135M-Instruct.Q4_1.gguf", version="1", region="ca-central-1",
                       classification_ceiling="secret", context_window=4096)
    platform.apply(CHARTER.replace("models: [mock]", f"models: {models}"))


def test_every_field_reaches_the_openai_provider_and_logprobs_come_back(http, platform) -> None:
    platform.upstream.reply = JSON_ANSWER
    r = ask(http, platform, **EVERY_FIELD)
    assert r.status_code == 200, r.text
    sent = platform.upstream.requests[-1]["body"]
    assert {k: sent.get(k) for k in EVERY_FIELD} == EVERY_FIELD
    choice = r.json()["choices"][0]
    assert (choice["message"]["content"], choice["finish_reason"]) == (JSON_ANSWER, "stop")
    words = JSON_ANSWER.split(" ")
    assert [t["token"] for t in choice["logprobs"]["content"]] == words
    assert all(len(t["top_logprobs"]) == 1 for t in choice["logprobs"]["content"])


def test_nothing_optional_is_sent_when_nothing_was_asked(http, platform) -> None:
    assert ask(http, platform).status_code == 200
    sent = platform.upstream.requests[-1]["body"]
    assert set(sent) & set(EVERY_FIELD) == set()
    assert "logprobs" not in platform.upstream.requests[-1]["body"]


@pytest.mark.parametrize("field", ["logprobs", "service_tier"])
def test_a_field_no_allowed_model_supports_is_refused_before_any_model_is_called(http, platform, field) -> None:
    with_local_model(platform, "[local]")
    r = ask(http, platform, **{field: EVERY_FIELD[field]})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["param"]) == ("unsupported_parameter", field)
    assert f"embedded provider does not support {field}" in error["message"]
    assert platform.upstream.requests == []


def test_a_model_that_cannot_honour_a_field_is_passed_over_and_the_route_says_why(http, platform) -> None:
    with_local_model(platform, "[local, mock]")
    r = ask(http, platform, logprobs=True)
    assert r.status_code == 200, r.text
    assert r.json()["model"] == "mock" and r.json()["choices"][0]["logprobs"] is not None
    with platform.rt.engine.connect() as conn:
        verdicts = conn.execute(select(interactions.c.verdicts)).scalar_one()
    route = next(v for v in verdicts if v["stage"] == "route")
    assert route["detail"]["chain"] == ["mock"]
    assert route["detail"]["filtered"] == {
        "local/SmolLM2-135M-Instruct.Q4_1.gguf@1": "embedded provider does not support logprobs"
    }


# -- JSON mode --------------------------------------------------------------------------------------
class CodeGuard:
    """A test guard: finds internal reference codes, quotes included (`"ref-123"`)."""

    name = "ref_code"
    version = "t1"
    directions = ("output",)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        found = [Finding(self.name, "REF", m.start(), m.end(), 0.9, "t1") for m in re.finditer(r'"ref-\d+"', text)]
        return GuardResult(found, "flag" if found else "pass", 0.9 if found else 0.0)


def guarded(platform: Platform, guards: str) -> None:
    platform.rt.extensions.items["guards"]["ref_code"] = lambda settings=None: CodeGuard()
    platform.rt.parts.pop("guards", None)
    platform.apply(CHARTER + "guards:\n" + guards)


def test_json_mode_answer_redacted_inside_its_strings_is_still_json(http, platform) -> None:
    guarded(platform, "  pii_leak: {action: redact}\n")
    platform.upstream.reply = '{"where": "the refunds office", "contact": "clerk.jones@agency.example.gov"}'
    r = ask(http, platform, response_format={"type": "json_object"})
    choice = r.json()["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert json.loads(choice["message"]["content"]) == {"where": "the refunds office", "contact": "<EMAIL_ADDRESS_1>"}


def test_json_mode_a_finding_that_takes_in_the_quotes_is_redacted_inside_the_string(http, platform) -> None:
    # before issue 12's fix the placeholder replaced the quotes too and the answer was cut as changed_by_guard
    guarded(platform, "  ref_code: {action: redact, options: {mode: tag}}\n")
    platform.upstream.reply = '{"office": "Refunds", "ref": "ref-42"}'
    r = ask(http, platform, response_format={"type": "json_object"}, logprobs=True)
    assert r.status_code == 200, r.text
    body = r.json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert json.loads(choice["message"]["content"]) == {"office": "Refunds", "ref": "<REF>"}
    assert choice["logprobs"] is None and body["charter"]["logprobs"].startswith("withheld")


def test_json_mode_answer_the_model_wrote_as_free_text_is_not_released_as_text(http, platform) -> None:
    platform.upstream.reply = "Sure! Send it to the refunds office."
    r = ask(http, platform, response_format={"type": "json_object"})
    body = r.json()
    assert (body["choices"][0]["message"]["content"], body["choices"][0]["finish_reason"]) == ("", "content_filter")
    assert body["charter"]["content_filter"] == {"guard": "response_format", "types": ["not_json"]}
    with platform.rt.engine.connect() as conn:
        verdicts = conn.execute(select(interactions.c.verdicts)).scalar_one()
    assert [v for v in verdicts if v["stage"] == "response_format"] == [
        {"stage": "response_format", "outcome": "block", "detail": {"reason": "not_json", "chars": 36}}
    ]


def test_json_mode_streamed_free_text_ends_saying_so(http, platform) -> None:
    platform.upstream.stream_pieces = ["Sure! ", "Send it in."]
    body = {"messages": ASK, "stream": True, "response_format": {"type": "json_object"}}
    with http.stream("POST", "/v1/chat/completions", json=body, headers=platform.auth()) as r:
        events = [json.loads(line[6:]) for line in r.iter_lines() if line.startswith("data: {")]
    final = [e for e in events if e.get("choices") and e["choices"][0]["finish_reason"]]
    assert [e["choices"][0]["finish_reason"] for e in final] == ["content_filter"]
    assert final[0]["charter"] == {"content_filter": {"guard": "response_format", "types": ["not_json"]}}


def test_a_streamed_json_answer_ends_normally(http, platform) -> None:
    platform.upstream.stream_pieces = ['{"office": ', '"Refunds"}']
    body = {"messages": ASK, "stream": True, "response_format": {"type": "json_object"}}
    with http.stream("POST", "/v1/chat/completions", json=body, headers=platform.auth()) as r:
        events = [json.loads(line[6:]) for line in r.iter_lines() if line.startswith("data: {")]
    text = "".join(e["choices"][0]["delta"].get("content", "") for e in events if e.get("choices"))
    assert json.loads(text) == {"office": "Refunds"}
    assert [e["choices"][0]["finish_reason"] for e in events if e.get("choices") and e["choices"][0]["finish_reason"]
            ] == ["stop"]


def test_logprobs_of_an_answer_a_guard_changed_are_withheld(http, platform) -> None:
    guarded(platform, "  pii_leak: {action: redact}\n")
    platform.upstream.reply = "Write to clerk.jones@agency.example.gov today."
    body = ask(http, platform, logprobs=True).json()
    assert body["choices"][0]["message"]["content"] == "Write to <EMAIL_ADDRESS_1> today."
    assert body["choices"][0]["logprobs"] is None
    assert body["charter"]["logprobs"] == (
        "withheld: an output guard changed the answer, and the log probabilities would show what it took out"
    )
    assert "clerk.jones" not in json.dumps(body)


# -- llama-cpp-python's server: JSON mode in llama.cpp's dialect -------------------------------------
def with_llama_server(platform: Platform) -> None:
    """A `llama-server` entry on the scripted upstream (over HTTP, as llama-cpp-python's server is)."""
    platform.add_model(alias="llamasrv", provider="llama-server", endpoint=platform.upstream.url,
                       platform_model_id="smollm2", version="1", region="ca-central-1",
                       classification_ceiling="secret", context_window=4096)
    platform.apply(CHARTER.replace("models: [mock]", "models: [llamasrv]"))


def test_the_llama_server_provider_sends_a_json_schema_as_llama_cpp_json_object_with_its_schema(http, platform) -> None:
    with_llama_server(platform)
    platform.upstream.reply = JSON_ANSWER
    r = ask(http, platform, response_format=EVERY_FIELD["response_format"], temperature=0)
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["message"]["content"] == JSON_ANSWER
    sent = platform.upstream.requests[-1]["body"]
    assert sent["response_format"] == {"type": "json_object", "schema": {"type": "object"}}
    assert sent["model"] == "smollm2" and sent["temperature"] == 0


@pytest.mark.parametrize("fmt", [{"type": "json_object"}, {"type": "text"}])
def test_the_llama_server_provider_passes_json_object_and_text_as_they_are(http, platform, fmt) -> None:
    with_llama_server(platform)
    platform.upstream.reply = JSON_ANSWER if fmt["type"] == "json_object" else "Send it to the refunds office."
    assert ask(http, platform, response_format=fmt).status_code == 200
    sent = platform.upstream.requests[-1]["body"].get("response_format")
    # text is the default: the gateway need not send it, and it never becomes JSON mode
    assert sent == fmt if fmt["type"] == "json_object" else sent in (None, fmt)


def test_the_openai_provider_still_sends_openai_json_schema(http, platform) -> None:
    platform.upstream.reply = JSON_ANSWER
    assert ask(http, platform, response_format=EVERY_FIELD["response_format"]).status_code == 200
    assert platform.upstream.requests[-1]["body"]["response_format"] == EVERY_FIELD["response_format"]
