"""The grounding check: per-sentence support, the guard's verdicts and findings (ME-5), RRF."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.knowledge.grounding import GroundingGuard, grounding_score, lexical_overlap
from charter.knowledge.retrieve import rrf

PASSAGE = ("Cooking Light is an American monthly food and lifestyle magazine founded in 1987. "
           "Hot Rod is an American car magazine.")


def test_supported_sentence_scores_one_and_recombined_words_do_not() -> None:
    right, sentences = grounding_score("Cooking Light was founded in 1987.", [PASSAGE])
    wrong, _ = grounding_score("Hot Rod was founded in 1987.", [PASSAGE])
    assert right == 1.0 and sentences[0].chunk == 0 and sentences[0].unsupported == ()
    assert wrong <= 0.7
    assert lexical_overlap("Hot Rod was founded in 1987.", PASSAGE) == 1.0  # the floor cannot tell


def test_each_sentence_is_scored_with_offsets_and_markers_ignored() -> None:
    answer = "Cooking Light is a food magazine [1]. It is published on Mars by Elon."
    score, sentences = grounding_score(answer, [PASSAGE])
    assert [answer[s.start:s.end] for s in sentences] == ["Cooking Light is a food magazine [1].",
                                                          "It is published on Mars by Elon."]
    assert sentences[0].support == 1.0 and sentences[1].support == 0.0
    assert set(sentences[1].unsupported) == {"publish", "mars", "elon"}
    assert 0.0 < score < 1.0


def test_no_evidence_means_no_support_unless_nothing_is_claimed() -> None:
    assert grounding_score("The fee is 40 pounds.", [])[0] == 0.0
    assert grounding_score("Yes.", [])[0] == 1.0


@pytest.mark.parametrize(("answer", "verdict", "types"), [
    ("Cooking Light was founded in 1987.", "pass", []),
    ("Cooking Light was founded in 1990 by Zed.", "flag", ["fabrication"]),
])
def test_me5_guard_flags_weak_answers_with_typed_findings(answer: str, verdict: str, types: list[str]) -> None:
    result = GroundingGuard().scan(answer, GuardContext(direction="output",
                                                        options={"chunks": [PASSAGE], "method": "lexical"}))
    assert result.verdict == verdict
    assert [f.type for f in result.findings] == types
    assert all(f.guard == "grounding" and 0 <= f.start < f.end <= len(answer) for f in result.findings)


def test_guard_passes_when_nothing_was_retrieved_and_flags_empty_rag_context() -> None:
    guard = GroundingGuard()
    assert guard.scan("Anything at all.", GuardContext(direction="output")).verdict == "pass"
    assert guard.scan("The fee is 40.", GuardContext(direction="output",
                                                     options={"chunks": [], "method": "lexical"})).verdict == "flag"


def test_rrf_rewards_agreement_between_rankings() -> None:
    fused = rrf([["a", "b", "c"], ["c", "a", "d"]])
    assert [item for item, _ in fused] == ["a", "c", "b", "d"]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
