"""Issue 12 (engine 3.25, made from the blind split test42, spent after one scoring at 3.24). A storm's name
("Storm Bert", "since Storm Éowyn", "Hurricane Beryl") is no person; a run opening with a saint's word ("St
Elizabeth", "Saint-Renan") or, in the languages that put it first, a street's word ("Jalan Kayu", "Calle Mayor")
is a place; "Utilities" ends a body's name. Found now: a Greek street ("οδό Ηπείρου 22") and a Czech birth number
after "RC" / "r.č.". Left: a storm named alone ("wid Beryl"), a town that is also a surname ("between Napier and
Wairoa"), a Greek suburb in brackets. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, persons


def test_the_engine_is_3_25_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 25)


@pytest.mark.parametrize("text", [
    "shwmae, daeth y dwr mewn i'r ty yn Pontypridd gyda Storm Bert. oes na grant gan y cyngor?",
    "Still no electric in Omagh since Storm Éowyn, 4 days now.",
    "our roof went in Hurricane Beryl, is there a grant?",
    "y a encore des arbres en travers de la D770 entre Saint-Renan et Lanildut ce matin",
    "mi house roof blow off inna St Elizabeth, weh mi fi go?",
    "flash flood at the junction of Upper Bukit Timah and Jalan Jurong Kechil, who do i report it to?",
    "a branch fell across the footpath at Jalan Kayu after the thunderstorm",
    "Urban Utilities put out a boil water alert for our suburb in Ipswich.",
])
def test_storms_saints_places_streets_and_utilities_are_no_names(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("my neighbour Stormy Daniels parks on the footpath", "Stormy Daniels"),  # not the storm word itself
    ("Dear Mr Santos, your claim is in", "Santos"),
    ("Hi, Siobhán Ní Bhriain here, PPSN 6758432L", "Siobhán Ní Bhriain"),
])
def test_names_near_those_words_are_still_names(text, value):
    assert any(t == "PERSON" and value in v for t, v in found(text))


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Μένω Λάρισα στην οδό Ηπείρου 22. Θέλω αναστολή", "STREET_ADDRESS", "οδό Ηπείρου 22"),
    ("dobry den, jsem Jana Dvořáková, RC 815304/2172, tel +420 603 218 447.", "CZ_BIRTH_NUMBER", "815304/2172"),
])
def test_personal_data_test42_held(text, kind, value):
    assert (kind, value) in found(text)


def test_a_czech_number_with_no_word_and_a_failed_check_is_no_birth_number():
    assert [v for t, v in found("objednávka 815304/2173 je na cestě") if t == "CZ_BIRTH_NUMBER"] == []
