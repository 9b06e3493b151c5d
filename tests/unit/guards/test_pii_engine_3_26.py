"""Issue 12 (engine 3.26, made from the blind split test43, spent after one scoring at 3.25). A date's month
before "von" and a place ("am 15. Mai von Spandau nach …"), a holiday ("King's Birthday"), a pension named after
someone before its modifier ("Indira Gandhi old age pension") and a town with its state after "from" or "to"
("moved from Eugene Oregon to San Jose") are no people. Left: a German compound ending in "-heim" before a city
("Tierheim Berlin": "-heim" ends surnames too). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, persons


def test_the_engine_is_3_26_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 26)


@pytest.mark.parametrize("text", [
    "Ziehe am 15. Mai von Spandau nach Friedrichshain. Bis wann muss ich mich ummelden?",
    "moved from Eugene Oregon to San Jose. how long do I have to get a CA license?",
    "is King's Birthday on the 2nd of June this year? and when is Matariki",
    "meri maa 68 saal ki hai, BPL card hai. Indira Gandhi old age pension kitna milta hai?",
])
def test_months_holidays_pensions_and_towns_are_no_names(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Mai von der Leyen said the office is closed", "Mai von der Leyen"),  # no day before the month: a name
    ("my neighbour Georgia Washington called the council", "Georgia Washington"),  # no "from" or "to" before it
    ("a letter from Jane Austin about the hedge", "Jane Austin"),  # Austin: a city, not a state
])
def test_names_like_those_are_still_names(text, value):
    assert ("PERSON", value) in found(text)
