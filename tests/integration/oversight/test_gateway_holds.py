"""Holds the gateway decides: a guard's `review` action, streamed requests, the official client."""

from __future__ import annotations

import json
import re

import openai

from charter.domain import Finding
from charter.guards.base import GuardContext, GuardResult
from tests.integration.oversight.conftest import Desk


class FeeGuard:
    """A test guard: flags any answer that quotes a fee (an amount in dollars)."""

    name = "fee_check"
    version = "t1"
    directions = ("output",)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        found = [Finding("fee_check", "fee", m.start(), m.end(), 0.9, "t1") for m in re.finditer(r"\$\d+", text)]
        return GuardResult(found, "flag" if found else "pass", 0.9 if found else 0.0)


def _install_fee_guard(desk: Desk) -> None:
    rt = desk.platform.rt
    rt.extensions.items["guards"]["fee_check"] = lambda settings=None: FeeGuard()
    rt.parts.pop("guards", None)


def test_ho2_a_guard_review_flag_holds_the_answer(desk: Desk) -> None:
    _install_fee_guard(desk)
    desk.charter("guards: {fee_check: {action: review}}\nreview: {on_guard_flag: true, sample_rate: 0.0}\n")
    desk.platform.upstream.reply = "The renewal costs $160."
    held = desk.ask()
    assert held.status_code == 202, held.text
    assert "$160" not in held.text
    item = desk.next()
    assert item is not None and item["reasons"] == ["guard:fee_check"]
    finding = item["findings"][0]
    assert finding["stage"] == "screen_output" and finding["findings"][0]["type"] == "fee"
    assert "$160" not in json.dumps(item["findings"])  # offsets, never the value
    desk.platform.upstream.reply = "Renew online."
    assert desk.ask().status_code == 200  # nothing flagged: released at once


def test_ho1_a_streamed_request_is_not_streamed_past_review(desk: Desk) -> None:
    desk.charter("review: {always: true}\n")
    body = {"model": "mock", "stream": True, "messages": [{"role": "user", "content": "stream it"}]}
    r = desk.http.post("/v1/chat/completions", json=body, headers=desk.auth())
    assert r.status_code == 202
    assert desk.platform.upstream.reply not in r.text
    assert r.json()["review"]["status"] == "pending"


def test_ho1_the_official_openai_client_reads_the_held_answer(desk: Desk) -> None:
    desk.charter("review: {always: true}\n")
    client = openai.OpenAI(
        base_url=f"{str(desk.http.base_url).rstrip('/')}/v1", api_key=desk.platform.keys["app"], max_retries=0
    )
    completion = client.chat.completions.create(model="mock", messages=[{"role": "user", "content": "hello"}])
    review = (completion.model_extra or {})["review"]
    assert review["status"] == "pending" and review["status_url"] == f"/v1/reviews/{review['id']}"
    assert completion.choices[0].message.content is not None
    assert review["id"] in completion.choices[0].message.content
    desk.next()
    desk.review("approve", review["id"])
    released = desk.status(review["id"]).json()
    assert released["choices"][0]["message"]["content"] == desk.platform.upstream.reply


def test_ho5_guard_hit_rate_suspends_the_use_case(desk: Desk) -> None:
    _install_fee_guard(desk)
    desk.charter(
        "guards: {fee_check: {action: warn}}\nreview: {sample_rate: 0.0}\n"
        "suspend_when: {min_events: 3, guard_hit_rate: 0.5}\n"
    )
    desk.platform.upstream.reply = "It costs $160."
    for _ in range(2):
        assert desk.ask().headers["x-charter-guard-flags"] == "fee_check"
    assert desk.sweep()["suspended"] == []  # too few events yet
    desk.platform.upstream.reply = "Renew online."
    assert desk.ask().status_code == 200
    suspended = desk.sweep()["suspended"]
    assert [(s["criterion"], s["events"], round(s["value"], 2)) for s in suspended] == [("guard_hit_rate", 3, 0.67)]
    assert desk.ask().json()["error"]["code"] == "use_case_suspended"


def test_ho1_an_answer_blocked_by_a_guard_is_not_sent_for_review(desk: Desk) -> None:
    _install_fee_guard(desk)
    desk.charter("guards: {fee_check: {action: block}}\nreview: {always: true}\n")
    desk.platform.upstream.reply = "It costs $160."
    r = desk.ask()
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["finish_reason"] == "content_filter" and "$160" not in r.text
    assert desk.next() is None
