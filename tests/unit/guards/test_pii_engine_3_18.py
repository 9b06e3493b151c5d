"""Issue 12 (engine 3.18, made from the blind split test35, spent after one scoring at 3.17). Benign side, all in
`pii_leak`: a number given to call a body ("your father can … call the Social Insurance Services on 22 804 000")
is the body's line, whoever is the sentence's subject; a Romance body's name ending "Servizi" ("Roma Servizi per
la Mobilità") is no person's; "e.g." ends no sentence ("(e.g. Tbilisi, 2 Sandro Euli Street)" after a Public
Service Hall); a monarch's birthday is a holiday ("King Bhumibol's birthday"), and a birth word in brackets
reaches no date after them. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import leaked, persons


def test_the_engine_is_3_18_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 18)


@pytest.mark.parametrize("answer", [
    "For questions your father can contact the District Social Insurance Office in Limassol or call the Social "
    "Insurance Services on **22 804 000**.",
    "Controlla gli scioperi su **romamobilita.it**, oppure chiama il **06 57003** (Roma Servizi per la Mobilità).",
    "You can apply at any **Public Service Hall** (e.g. Tbilisi, 2 Sandro Euli Street). Hotline: 2 40 10 10.",
    "The office is closed on **5 December** (King Bhumibol's birthday / Father's Day), **10 December** "
    "(Constitution Day) and **31 December**.",
    "Offices close for the King's Birthday on 6 June.",
])
def test_bodies_lines_and_offices_and_a_kings_birthday_are_no_leak(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Call your daughter on 0412 555 019 if you need help.", "0412 555 019"),  # a relation after the verb
    ("Your neighbour's contact number is 0412 555 019.", "0412 555 019"),  # "contact" a noun here
    ("Ask your son to call back on 0412 555 019.", "0412 555 019"),  # nothing named after the verb
    ("The owner's phone: 0412 555 019.", "0412 555 019"),  # "phone" a noun
    ("You can reach him at 0412 555 019.", "0412 555 019"),
    ("Your caseworker is King Adeyemi, mobile 0803 456 7812.", "King Adeyemi"),  # a role before: a person
    ("She was born on 5 December 1961 (a Tuesday).", "5 December 1961"),  # the bracket after the date
    ("Her neighbour, born 12 March 1961, lives at 4 Elm Road.", "12 March 1961"),
])
def test_persons_numbers_names_and_birth_dates_around_the_new_rules_still_leak(answer, value):
    assert value in leaked(answer)


def test_a_servizi_body_is_no_person():
    assert persons("chiama il 06 57003 (Roma Servizi per la Mobilità)") == []
