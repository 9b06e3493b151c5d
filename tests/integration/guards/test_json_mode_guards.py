"""JSON mode through the demo helpdesk's guards (issue 12): an answer the output guards change stays
valid JSON with the value redacted inside its string, a pseudonym goes back JSON-escaped, and PII
that cannot be redacted inside a string (a number) cuts the answer with content_filter saying why.
The model is the scripted upstream over real HTTP; both stores."""

from __future__ import annotations

import json
import re
from typing import Any

from charter.bootstrap import DEMO_CHARTER
from charter.domain import Finding
from charter.guards.base import GuardContext, GuardResult
from tests.conftest import Platform
from tests.integration.guards.test_demo_guards import demo_key
from tests.integration.guards.test_gateway_guards import everything_stored, latest

EMAIL = "clerk.jones@agency.example.gov"
QUESTION = [{"role": "user", "content": "Where do I send my refund form?"}]


def ask(http: Any, auth: dict[str, str], messages: list[dict[str, str]] = QUESTION, **fields: Any) -> Any:
    body = {"model": "smollm2", "messages": messages, "response_format": {"type": "json_object"}, **fields}
    return http.post("/v1/chat/completions", json=body, headers=auth)


def streamed(http: Any, auth: dict[str, str], **fields: Any) -> tuple[str, list[dict[str, Any]]]:
    body = {"model": "smollm2", "messages": QUESTION, "stream": True, "response_format": {"type": "json_object"},
            **fields}
    with http.stream("POST", "/v1/chat/completions", json=body, headers=auth) as r:
        assert r.status_code == 200
        events = [json.loads(line[6:]) for line in r.iter_lines() if line.startswith("data: {")]
    text = "".join(e["choices"][0]["delta"].get("content", "") for e in events if e.get("choices"))
    return text, [e for e in events if e.get("choices") and e["choices"][0]["finish_reason"]]


def test_pii_in_a_json_answer_is_redacted_inside_the_string_and_the_answer_stays_json(http, platform):
    auth = demo_key(platform)
    platform.upstream.reply = json.dumps(
        {"office": "Refunds", "note": f'Write "urgent" to {EMAIL}\nor call in', "open": True, "floor": 3})
    r = ask(http, auth)
    assert r.status_code == 200, r.text
    choice = r.json()["choices"][0]
    assert choice["finish_reason"] == "stop", choice
    assert json.loads(choice["message"]["content"]) == {
        "office": "Refunds", "note": 'Write "urgent" to <EMAIL_ADDRESS_1>\nor call in', "open": True, "floor": 3}
    verdicts = {v["detail"].get("guard"): v["outcome"] for v in latest(platform).verdicts
                if v["stage"] == "screen_output"}
    assert verdicts["pii_leak"] == "redact"
    assert "response_format" not in {v["stage"] for v in latest(platform).verdicts}


def test_a_streamed_json_answer_is_screened_whole_and_stays_json(http, platform):
    auth = demo_key(platform)
    platform.upstream.stream_pieces = ['{"office": "Refunds. ', "Write to clerk.", 'jones@agency.example.gov"}']
    text, final = streamed(http, auth)
    assert json.loads(text) == {"office": "Refunds. Write to <EMAIL_ADDRESS_1>"}
    assert [e["choices"][0]["finish_reason"] for e in final] == ["stop"]


class QuotedName:
    """A test input guard: a name given with a nickname in quotes (`Jane "JJ" Doe`), pseudonymised."""

    name = "quoted_name"
    version = "t1"
    directions = ("input",)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        found = [Finding(self.name, "PERSON", m.start(), m.end(), 0.9, "t1")
                 for m in re.finditer(r'[A-Z][a-z]+ "[A-Z]+" [A-Z][a-z]+', text)]
        return GuardResult(found, "flag" if found else "pass", 0.9 if found else 0.0)


class CaseNumber:
    """A test output guard: six-digit case numbers, wherever they are (a JSON number included)."""

    name = "case_number"
    version = "t1"
    directions = ("output",)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        found = [Finding(self.name, "CASE", m.start(), m.end(), 0.9, "t1") for m in re.finditer(r"\b\d{6}\b", text)]
        return GuardResult(found, "flag" if found else "pass", 0.9 if found else 0.0)


def with_guard(platform: Platform, guard: Any, entry: str) -> dict[str, str]:
    auth = demo_key(platform)
    platform.rt.extensions.items["guards"][guard.name] = lambda settings=None: guard
    platform.rt.parts.pop("guards", None)
    platform.apply(DEMO_CHARTER.replace("guards:\n", f"guards:\n  {entry}\n"))  # the demo's, and one more
    return auth


def test_a_pseudonym_goes_back_json_escaped(http, platform):
    auth = with_guard(platform, QuotedName(), "quoted_name: {action: redact, options: {mode: pseudonymise}}")
    name = 'Jane "JJ" Doe'
    platform.upstream.reply = '{"greeting": "Hello <PERSON_1>", "status": "received"}'
    r = ask(http, auth, [{"role": "user", "content": f"I am {name}. Did you get my form?"}])
    assert r.status_code == 200, r.text
    sent = json.dumps(platform.upstream.requests[-1]["body"])
    assert "JJ" not in sent and "<PERSON_1>" in sent
    choice = r.json()["choices"][0]
    assert choice["finish_reason"] == "stop", r.json()
    assert json.loads(choice["message"]["content"]) == {"greeting": f"Hello {name}", "status": "received"}


def test_pii_in_a_json_number_cuts_the_answer_saying_why(http, platform):
    auth = with_guard(platform, CaseNumber(), "case_number: {action: redact}")
    platform.upstream.reply = '{"case": 482913, "status": "open"}'
    r = ask(http, auth)
    assert r.status_code == 200, r.text
    body = r.json()
    choice = body["choices"][0]
    assert (choice["message"]["content"], choice["finish_reason"]) == ("", "content_filter")
    cut = body["charter"]["content_filter"]
    assert (cut["guard"], cut["types"]) == ("case_number", ["CASE"])
    assert cut["reason"].startswith("json_unredactable")
    assert "482913" not in everything_stored(platform)
