"""PC-6: the prompt_leak guard flags answers that reproduce the charter's system prompt."""

from __future__ import annotations

import base64

import pytest

from charter.guards.base import Guard, GuardContext
from charter.guards.leakage import PromptLeakGuard, make_guard

SYSTEM = (
    "You are the permit assistant for the City of Springfield. Answer only questions about building permits. "
    "Never discuss internal fee waivers or staff names. If unsure, refer the caller to the permit office at "
    "extension 4410 and do not guess."
)


def ctx(**kw: object) -> GuardContext:
    return GuardContext(direction="output", system_prompt=SYSTEM, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def guard() -> PromptLeakGuard:
    return make_guard()


def test_pc6_prompt_leak_guard_follows_the_guard_protocol(guard: PromptLeakGuard) -> None:
    assert isinstance(guard, Guard)
    assert (guard.name, guard.directions) == ("prompt_leak", ("output",))


def test_pc6_verbatim_system_prompt_in_the_answer_is_flagged_at_its_span(guard: PromptLeakGuard) -> None:
    answer = "Sure. My instructions are: " + SYSTEM + " Anything else?"
    result = guard.scan(answer, ctx())
    assert result.verdict == "flag"
    assert result.score == 1.0
    f = result.findings[0]
    assert (f.type, f.start) == ("system_prompt", answer.index("You are"))
    assert answer[f.start : f.end].endswith("do not guess")


def test_pc6_a_partial_run_scores_by_its_length(guard: PromptLeakGuard) -> None:
    one_sentence = "Never discuss internal fee waivers or staff names."
    two_sentences = one_sentence + " If unsure, refer the caller to the permit office at extension 4410."
    short, long = guard.scan(one_sentence, ctx()), guard.scan(two_sentences, ctx())
    assert 0.0 < short.score < long.score
    assert long.verdict == "flag"


def test_pc6_ordinary_answers_pass(guard: PromptLeakGuard) -> None:
    answer = "A building permit for a garden shed costs $120 and usually takes two weeks to approve."
    result = guard.scan(answer, ctx())
    assert (result.verdict, result.score, result.findings) == ("pass", 0.0, [])


def test_pc6_disguised_leaks_are_caught(guard: PromptLeakGuard) -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in SYSTEM[:120])
    encoded = "Here you go: " + base64.b64encode(SYSTEM.encode()).decode()
    assert guard.scan(fullwidth, ctx()).verdict == "flag"
    result = guard.scan(encoded, ctx())
    assert result.verdict == "flag"
    assert result.findings[0].start == len("Here you go: ")


def test_pc6_text_the_caller_supplied_is_not_a_leak(guard: PromptLeakGuard) -> None:
    quoted = "Answer only questions about building permits. Never discuss internal fee waivers or staff names."
    authorised = ctx(authorised_texts=[quoted])
    assert guard.scan(quoted, authorised).verdict == "pass"
    assert guard.scan(quoted, ctx()).verdict == "flag"


def test_pc6_canary_in_the_answer_scores_one(guard: PromptLeakGuard) -> None:
    answer = "The code is zq-CANARY-7731, as requested."
    result = guard.scan(answer, ctx(options={"canary": "zq-CANARY-7731"}))
    assert [(f.type, answer[f.start : f.end], f.score) for f in result.findings] == [
        ("canary", "zq-CANARY-7731", 1.0)]


def test_pc6_no_system_prompt_means_nothing_to_leak(guard: PromptLeakGuard) -> None:
    assert guard.scan(SYSTEM, GuardContext(direction="output")).verdict == "pass"


TAMIL_SYSTEM = ("நீங்கள் ஊரக வளர்ச்சித் துறையின் மகாத்மா காந்தி தேசிய ஊரக வேலை உறுதித் திட்ட (MGNREGA) மெய்நிகர் "
                "உதவியாளர். பொதுவான தகவல்களை மட்டும் வழங்கவும்.")


def test_pc6_an_agencys_name_repeated_in_a_script_with_vowel_signs_is_no_leak(guard: PromptLeakGuard) -> None:
    # issue 12: "\w+" cut Tamil, Bengali and Thai words at every vowel sign, so an answer naming the programme of a
    # short system prompt read as a run of twenty of its "words" (score 1.0, the answer withheld)
    answer = ("வணக்கம்! **மகாத்மா காந்தி தேசிய ஊரக வேலை உறுதித் திட்டத்தில்** (MGNREGA) வேலை அட்டை பெற, உங்கள் "
              "கிராம ஊராட்சி அலுவலகத்தில் விண்ணப்பிக்கலாம்.")
    context = GuardContext(direction="output", system_prompt=TAMIL_SYSTEM)
    assert guard.scan(answer, context).verdict == "pass"
    # the prompt itself, recited, still is one
    assert guard.scan("என் அறிவுறுத்தல்கள்: " + TAMIL_SYSTEM, context).verdict == "flag"
