"""The grounding guard's methods: claims (sentences and list items), the trained support model, the
charter's choice of method and failing closed on an unknown method or a model that fails its pin."""

from __future__ import annotations

import pytest

from charter.errors import Unavailable
from charter.guards.base import GuardContext
from charter.knowledge import grounding
from charter.knowledge.claims import claims
from charter.knowledge.grounding import METHODS, GroundingGuard
from charter.knowledge.support import answer_features

GUIDE = ("The filing deadline for individual returns is April 30. Returns filed late pay a penalty of "
         "5 percent of the balance owing. Refunds are paid within eight weeks of filing.")


def _scan(answer: str, method: str, guard: GroundingGuard | None = None) -> tuple[str, float, list[str]]:
    guard = guard or GroundingGuard()
    result = guard.scan(answer, GuardContext(direction="output", options={"chunks": [GUIDE], "method": method}))
    return result.verdict, result.score, [answer[f.start:f.end] for f in result.findings]


def test_list_items_are_claims_of_their_own_and_lead_ins_assert_nothing() -> None:
    answer = "You need:\n- the form [1]\n- a fee of 40 dollars\n2) a photo. Then wait.\n\nThat is all."
    found = claims(answer)
    assert [c.text for c in found] == ["You need:", "the form", "a fee of 40 dollars", "a photo.", "Then wait.",
                                       "That is all."]
    assert all(answer[c.start:c.end] == c.text for c in found)  # offsets into the answer itself
    features = answer_features(answer, [GUIDE])
    assert [c.claim.text for c in features.claims] == ["the form", "a fee of 40 dollars", "a photo.", "Then wait."]


@pytest.mark.parametrize("method", METHODS)
def test_each_method_passes_a_paraphrase_and_flags_an_invented_fact(method: str) -> None:
    verdict, risk, found = _scan("Returns filed late pay a penalty of 5 percent of the balance owing.", method)
    assert verdict == "pass" and risk < 0.5 and found == []
    wrong = "The filing deadline is June 15 and late returns are forgiven."
    verdict, risk, found = _scan(wrong, method)
    assert verdict == "flag" and risk >= 0.5 and found == [wrong]


def test_one_invented_bullet_in_a_list_is_the_finding() -> None:
    answer = ("Key points:\n- The filing deadline for individual returns is April 30.\n"
              "- Refunds are paid within eight weeks of filing.\n- Late filers are sent to prison for 9 years.")
    verdict, _, found = _scan(answer, "features")
    assert verdict == "pass"  # two of three claims hold: the answer as a whole is mostly grounded
    assert found == ["Late filers are sent to prison for 9 years."]


def test_an_answer_that_asserts_nothing_passes_and_no_evidence_flags() -> None:
    assert _scan("Yes.", "features")[0] == "pass"
    guard = GroundingGuard()
    result = guard.scan("The fee is 40 dollars.", GuardContext(direction="output",
                                                                options={"chunks": [], "method": "features"}))
    assert result.verdict == "flag"


def test_unknown_method_is_refused_at_apply_and_fails_closed_on_a_request() -> None:
    guard = GroundingGuard()
    with pytest.raises(ValueError, match="method must be one of features, lexical"):
        guard.check_options({"method": "vibes"})
    with pytest.raises(Unavailable):
        _scan("The fee is 40 dollars.", "vibes", guard)


def test_a_model_file_that_does_not_match_its_pin_is_refused(monkeypatch) -> None:
    monkeypatch.setitem(grounding.MODEL_FILES, "features", ("grounding_lexical_features.json", "0" * 64))
    with pytest.raises(RuntimeError, match="sha256"):
        _scan("The fee is 40 dollars.", "features")
