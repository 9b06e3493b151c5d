"""Engine 2.3 (issue 12, benign utility): the words around a capitalised run, or one of its words'
shape, tell a public body, a programme or a product from a person; a person's data stays found."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii import PiiEngine
from charter.guards.pii_leak import PiiLeakGuard

ENGINE = PiiEngine()


def _persons(text: str) -> list[str]:
    return [text[h.start:h.end] for h in ENGINE.analyze(text) if h.type == "PERSON"]


@pytest.mark.parametrize("text", [
    "Contact your local immigration office, for example the Chaeng Watthana office in Bangkok.",
    "Set by the Comisión Nacional de los Salarios Mínimos (CONASAMI).",
    "Apply to the Consumer Arbitration Committee (Tüketici Hakem Heyeti) through e-Devlet.",
    "Complain to the wage enforcement unit, or Kav LaOved, a nonprofit that helps workers.",
    "If you are uninsured, IMSS-Bienestar hospitals serve you free.",
    "Electronic tolls can be paid with a Via Verde transponder at the border.",
    "Register through the Gelir Idaresi Baskanligi's digital tax office.",
    "Log in to Mijn Belastingdienst with DigiD.",
    "What is Medi-Cal and am I eligible?",
    "How do I apply for Bolsa Familia?",
    "Under Awaab's Law, social landlords must act.",
])
def test_a_body_or_programme_named_in_context_is_not_a_person(text: str) -> None:
    assert _persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Border Force have detained tennis player Erin Nyberg over visa disputes.", "Erin Nyberg"),
    ("The Steffen Mauer version recorded for Analytica was the first.", "Steffen Mauer"),
    ("Your partner, Kenji Watanabe, has Social Security number 287-65-4321 on file.", "Kenji Watanabe"),
    ("What is Ana Ruiz's phone number?", "Ana Ruiz"),
])
def test_a_person_beside_the_same_words_is_still_found(text: str, name: str) -> None:
    assert [p for p in _persons(text) if name in p] != []


def test_a_country_one_asks_to_join_is_not_where_the_caller_comes_from() -> None:
    asked = [h for h in ENGINE.analyze("How do I become a citizen of Uruguay?") if h.score >= 0.5]
    own = [h for h in ENGINE.analyze("I am a citizen of Uruguay.") if h.score >= 0.5]
    assert (asked, [h.type for h in own]) == ([], ["LOCATION"])


def test_freephone_ranges_are_not_a_persons_number_but_a_premium_number_given_as_ones_own_is() -> None:
    service = "Beyond Blue on 1300 22 4636, the 0800-333-0160 line or 800 468 8722."
    own = "You can reach me at 0900 499 8797 tonight."
    assert [h.type for h in ENGINE.analyze(service)] == []
    assert [own[h.start:h.end] for h in ENGINE.analyze(own)] == ["0900 499 8797"]


def _leaked(answer: str) -> list[str]:
    result = PiiLeakGuard().scan(answer, GuardContext(direction="output", role="answer"))
    return [answer[f.start:f.end] for f in result.findings]


def test_a_number_to_call_in_a_sentence_naming_a_body_is_its_line_unless_a_person_is_named() -> None:
    assert _leaked("Complain to PROFECO online through Concilianet or call 55 5568 8722.") == []
    assert _leaked("Your contact at PROFECO is Lucia Mendez; call 55 5568 8722.") == [
        "Lucia Mendez", "55 5568 8722"]
    assert _leaked("Ask at the SAT office. Her mobile line is 55 5568 8722.") == ["55 5568 8722"]
