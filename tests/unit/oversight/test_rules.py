"""Review rules, provenance, shapes and small arithmetic of the oversight capability (no store)."""

from __future__ import annotations

import httpx
import pytest

from charter.domain import Charter, ChatMessage, Exchange, Finding, GenerationParams, Grounding, Principal
from charter.outbound import OutboundPolicy
from charter.oversight.decisions import provenance_of, unified_diff
from charter.oversight.metrics import percentile
from charter.oversight.notify import post_decision
from charter.oversight.responses import held_response_body
from charter.oversight.rules import decide, grounding_score, in_sample
from charter.oversight.scoring import split_sentences
from charter.oversight.stages import must_hold_before_release
from charter.oversight.status import restore_pseudonyms

PRINCIPAL = Principal("key_1", "ten_1", "city", "app", "permits")


def _ex(request_id: str = "r1", **charter: object) -> Exchange:
    base: dict[str, object] = {"name": "permits", "tenant": "city", "models": ["m"], "regions": ["local"]}
    return Exchange(
        request_id=request_id,
        principal=PRINCIPAL,
        use_case_id="uc_1",
        charter=Charter.model_validate({**base, **charter}),
        charter_version=3,
        messages=[ChatMessage("user", "hi")],
        params=GenerationParams(model="m"),
    )


def test_ho1_always_holds() -> None:
    assert decide(_ex(review={"always": True})).action == "hold"
    assert decide(_ex(review={"always": False, "sample_rate": 0})).action == "release"


def test_ho2_high_impact_holds_even_without_always() -> None:
    d = decide(_ex(risk_tier="high-impact", review={"always": False}))
    assert (d.action, d.reasons) == ("hold", ("high-impact",))


def test_ho2_guard_review_flag_holds_only_when_the_rule_says_so() -> None:
    ex = _ex(review={"on_guard_flag": True, "sample_rate": 0})
    v = ex.verdict("screen_output", "review")
    v.findings.append(Finding("toxicity", "insult", 0, 4, 0.9))
    ex.verdict("screen_input", "warn")
    assert decide(ex).reasons == ("guard:toxicity",)
    ex2 = _ex(review={"on_guard_flag": False, "sample_rate": 0})
    ex2.verdict("screen_output", "review")
    assert decide(ex2).action == "release"


def test_ho2_low_grounding_score_holds() -> None:
    ex = _ex(review={"grounding_below": 0.6, "sample_rate": 0})
    ex.grounding = Grounding(0.4, "grounding")
    assert decide(ex).reasons == ("grounding:0.40<0.60",)
    ex.grounding = Grounding(0.8, "grounding")
    assert decide(ex).action == "release"
    ex.grounding = None  # nothing scored the answer
    assert grounding_score(ex) is None


def test_me3_sample_rate_is_respected_and_stable() -> None:
    ids = [f"req-{i}" for i in range(4000)]
    share = sum(in_sample(i, 0.25) for i in ids) / len(ids)
    assert 0.22 < share < 0.28
    assert [in_sample(i, 0.25) for i in ids[:50]] == [in_sample(i, 0.25) for i in ids[:50]]
    assert not any(in_sample(i, 0.0) for i in ids[:100]) and all(in_sample(i, 1.0) for i in ids[:100])
    assert decide(_ex("x", review={"sample_rate": 1.0})).sampled is True


def test_me3_default_sample_rate_is_25_percent() -> None:
    assert _ex().charter.review.sample_rate == 0.25


def test_me6_provenance_ai_edited_or_human() -> None:
    ai = "Sheds under 10 square metres need no permit in the city."
    assert provenance_of(ai, ai.replace("10", "15"))[0] == "ai-edited"
    assert provenance_of(ai, "Call the permit office.")[0] == "human"
    assert provenance_of(ai, ai + " Check zoning.", from_scratch=True)[0] == "human"
    diff = unified_diff("a\nb\n", "a\nc\n", "v1", "v2")
    assert "-b\n" in diff and "+c\n" in diff and diff.startswith("--- v1")


def test_me6_percentile_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0


def test_ho1_pseudonyms_come_back_for_the_requester() -> None:
    vault = {"<PERSON_1>": "Ana", "<PERSON_10>": "Bo"}
    assert restore_pseudonyms("<PERSON_10> and <PERSON_1>", vault) == "Bo and Ana"


def test_ho1_held_body_is_an_openai_completion_with_a_review() -> None:
    ex = _ex()
    with pytest.raises(ValueError):
        held_response_body(ex)
    ex.held_review_id = "rev_1"
    body = held_response_body(ex)
    assert body["object"] == "chat.completion" and body["model"] == "m"
    assert body["review"] == {"id": "rev_1", "status": "pending", "status_url": "/v1/reviews/rev_1"}
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert "/v1/reviews/rev_1" in body["choices"][0]["message"]["content"]


def test_me3_sentences() -> None:
    assert split_sentences("One. Two? Three!  Four") == ["One.", "Two?", "Three!", "Four"]
    assert split_sentences("") == []


def test_ho1_streams_are_buffered_when_a_hold_is_possible() -> None:
    assert must_hold_before_release(_ex(review={"always": True}))
    assert must_hold_before_release(_ex(review={"grounding_below": 0.5}))
    assert must_hold_before_release(_ex(guards={"toxicity": {"action": "review"}}))
    assert not must_hold_before_release(_ex(guards={"toxicity": {"action": "block"}}))


def test_ho1_webhook_gets_status_but_never_the_answer() -> None:
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(500 if len(seen) == 1 else 204)

    ok = post_decision(
        "http://hook.test/x",
        {"id": "rev_1", "status": "edited", "text": "secret"},
        outbound=OutboundPolicy.parse(["http://hook.test"]),
        transport=httpx.MockTransport(handler),
    )
    assert ok and len(seen) == 2
    assert b"secret" not in seen[-1] and b'"status":"edited"' in seen[-1]


def test_webhook_off_the_allow_list_is_never_posted() -> None:
    """A charter stored before the allow-list (or before the operator narrowed it) is checked again."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    for url, allow in (("http://169.254.169.254/hook", ["http://hook.test"]), ("http://hook.test/x", [])):
        ok = post_decision(url, {"id": "rev_1", "status": "approved"}, outbound=OutboundPolicy.parse(allow),
                           transport=httpx.MockTransport(handler))
        assert ok is False
    assert seen == []
