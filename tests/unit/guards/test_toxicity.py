"""PC-6: the toxicity guard flags hate, slurs and threats in answers and lets counter-speech, negation,
homonyms and ordinary complaints through."""

from __future__ import annotations

import pytest

from charter.guards.base import Guard, GuardContext
from charter.guards.toxicity import ToxicityGuard, make_guard

OUTPUT = GuardContext(direction="output")


@pytest.fixture(scope="module")
def guard() -> ToxicityGuard:
    return make_guard()


def test_pc6_toxicity_guard_follows_the_guard_protocol(guard: ToxicityGuard) -> None:
    assert isinstance(guard, Guard)
    assert guard.name == "toxicity"
    assert guard.directions == ("output", "input")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Immigrants are vermin and should be thrown out.", "hate"),
        ("I really despise disabled people.", "hate"),
        ("All Muslims should be killed.", "threat"),
        ("You deserve to die.", "threat"),
        ("Refugees think they are owed everything. They are parasites.", "hate"),
    ],
)
def test_pc6_hateful_and_threatening_sentences_are_flagged(guard: ToxicityGuard, text: str, kind: str) -> None:
    result = guard.scan(text, OUTPUT)
    assert result.verdict == "flag", text
    assert kind in {f.type for f in result.findings}
    for f in result.findings:
        assert 0 <= f.start < f.end <= len(text) and f.guard == "toxicity" and f.guard_version == guard.version


@pytest.mark.parametrize(
    "text",
    [
        "Immigrants contribute a great deal to our city and we welcome them.",
        "Let me be clear: I don't hate women.",
        'If you say "I hate Muslims", you are a bigot.',
        "We have to call out the open hatred of trans people in our society.",
        "This parking form is so damn confusing.",
        "I absolutely loathe traffic jams.",
        "The dykes kept the river from flooding the pasture.",
        "The council will kill the proposal for the new bypass.",
        "Your housing benefit claim was approved on 3 March.",
    ],
)
def test_pc6_counter_speech_negation_and_ordinary_text_pass(guard: ToxicityGuard, text: str) -> None:
    result = guard.scan(text, OUTPUT)
    assert result.verdict == "pass", (text, result)


@pytest.mark.parametrize(
    "text",
    [
        "W o m e n are disgusting.",  # spaced letters
        "Women are disgutsed.",  # swapped letters (typo-tolerant lexicon)
        "Muslims are s1ck and d1sgusting.",  # leetspeak
        "Immigr\u0430nts are filth.",  # Cyrillic a
        "Women are just sosickening.",  # run together
    ],
)
def test_pc6_spelling_disguises_do_not_hide_hate(guard: ToxicityGuard, text: str) -> None:
    assert guard.scan(text, OUTPUT).verdict == "flag", text


def test_pc6_insults_without_a_group_are_scored_below_the_default_threshold(guard: ToxicityGuard) -> None:
    text = "You are a pathetic idiot."
    result = guard.scan(text, OUTPUT)
    assert result.verdict == "pass"
    assert 0.0 < result.score < 0.5
    lowered = guard.scan(text, GuardContext(direction="output", threshold=0.25))
    assert [f.type for f in lowered.findings] == ["insult"]


def test_pc6_finding_spans_the_offending_sentence(guard: ToxicityGuard) -> None:
    text = "The office opens at nine. Immigrants are vermin. Bring your passport."
    finding = guard.scan(text, OUTPUT).findings[0]
    assert text[finding.start : finding.end].strip() == "Immigrants are vermin."
