"""Issue 12 (engine 3.36, made from losses the spent blind splits test49 to test57 left open, before test58 and
test59 were read). Not a person now: a river's, a lake's or a mountain's word opening a run ("River Severn"), a
place's name whose first word the run drops as no one's name after a place's cue ("the cemetery in Wo Hop Shek"),
Indonesian, Malay, Spanish and Portuguese "you" written with a capital ("Anda", "Usted"). Not a phone: a
service's short code after an area code ("(0251) 123"). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, persons


def test_the_engine_is_3_36_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 36)


@pytest.mark.parametrize("text", [
    "there's an amber weather warning for rain and we're next to the River Severn in Shrewsbury. who gives sandbags?",
    "Is the ferry across Lake Taupo running this weekend?",
    "can I camp near Mount Kenya without a permit from KWS?",
    "the road along Loch Ness is closed for works",
])
def test_rivers_lakes_and_mountains_are_no_person(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("my neighbour River Jones parks across my driveway", "River Jones"),  # a given name, no nature word opening
    ("Name: River Phoenix, born 12/03/1990", "River Phoenix"),  # a form's slot keeps it a person
])
def test_people_named_river_stay_people(text, name):
    assert name in persons(text)


def test_a_place_after_a_dropped_word_and_a_place_cue():
    text = "need to collect my ID card and also visit the cemetery in Wo Hop Shek"
    assert persons(text) == []
    # a title the run drops is no place's: the person after it stays one
    assert "Smith's" in persons("I left the form in Mr Smith's office")
    # without the place's cue the run is read as before
    assert "Hop Shek" in persons("my caseworker Wo Hop Shek called me")


@pytest.mark.parametrize("text", [
    "Anda bisa memantau status laporan di aplikasi PLN Mobile.",
    "Kalau Anda sudah lapor, Anda akan dapat nomor tiket.",
    "Usted puede pedir la cita previa en la sede electrónica.",
    "Você pode agendar pelo portal gov.br.",
])
def test_you_with_a_capital_is_no_person(text):
    assert persons(text) == []


def test_a_short_code_after_an_area_code_is_no_phone():
    text = "hubungi Contact Center PLN 123 (dari ponsel tambahkan kode area, misalnya (0251) 123 untuk Bogor)"
    assert [v for t, v in found(text) if t == "PHONE_NUMBER"] == []
    # a subscriber's number after the same area code is a phone
    assert ("PHONE_NUMBER", "(0251) 8345 123") in found("my number is (0251) 8345 123")
    assert ("PHONE_NUMBER", "(030) 1234 5678") in found("Sie erreichen mich unter (030) 1234 5678")
