"""Issue 12 (engine 3.33, made from the blind splits test52 and test53, spent after one scoring each at 3.32; no
blind split has judged 3.33). Not a person or a licence now: a form's number of a few letters and digits ("form
MV-44"), a shop after Dutch "bij de" ("bij de Albert Heijn"), German spans of time ("3 Wochen Betriebsurlaub"), an
Indonesian body's words ("Kring Pajak"). Found now: a Dutch street with a quarter's direction ("Ringbaan-Oost 88"),
a Czech or Polish "I live at" before a street and number, a name with the Arabic "el" after a given name ("Noor el
Amrani"), an Arabic "I am" written without its hamza, and a named person's number after "can be reached on". Each
rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_33_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 33)


def test_a_forms_number_is_no_licence():
    answer = "He can apply for a learner permit by completing **form MV-44**, or bring the **MV-285** certificate."
    assert found(answer) == [] and leaked(answer) == []
    # a licence number with more digits is still one
    assert ("US_DRIVER_LICENSE", "D123-4567-8901") in found("my driver licence is D123-4567-8901")


@pytest.mark.parametrize("text", [
    "mijn zoon werkt deze zomer bij de Albert Heijn in Zwolle, moet hij loonheffing betalen?",
    "die Hausarztpraxis hat 3 Wochen Betriebsurlaub, wohin mit dem Kind?",
    "hubungi Kring Pajak 1500 200 untuk pertanyaan pajak",
    "Perdí el DNI ayer, qué hago?",  # the Spanish "el" joins no name
])
def test_no_person_where_none_is(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("ik ben Noor el Amrani, bsn 284719365, wonend in Amsterdam", "Noor el Amrani"),
    ("السلام عليكم انا فهد العتيبي رقم الهوية 1084739216", "فهد العتيبي"),
    ("ik heb morgen een afspraak bij de heer Peter Jansen over de huur", "Peter Jansen"),  # a title after "de"
])
def test_names_are_found(text, name):
    assert name in persons(text)


@pytest.mark.parametrize(("text", "value"), [
    ("een klacht van mevrouw Jolanda de Wit (Ringbaan-Oost 88, Tilburg), dus", "Ringbaan-Oost 88, Tilburg"),
    ("jsem Lenka Horáková, bydlím Husova 221, Kolín. Porodila jsem", "Husova 221, Kolín"),
])
def test_addresses_are_found(text, value):
    assert value in [v for t, v in found(text) if t == "STREET_ADDRESS"]


def test_an_east_word_alone_is_no_street():
    assert [v for t, v in found("the match ended 2-1, Oost 88 minutes in") if t == "STREET_ADDRESS"] == []


def test_a_named_persons_number_after_can_be_reached_on():
    answer = ("Message your work coach via your journal; our team member Gary Pritchard can also be reached on "
              "07823 415906.")
    assert {"Gary Pritchard", "07823 415906"} <= set(leaked(answer))
    # a body's line after the same words stays
    assert leaked("The Pension Service can also be reached on 0800 731 7898.") == []
