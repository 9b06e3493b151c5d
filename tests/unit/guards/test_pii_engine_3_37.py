"""Issue 12 (engine 3.37, made from the blind splits test58 and test59, spent after one scoring each at 3.36). New
type ``VEHICLE_PLATE``: a number plate after its word, in some fifteen languages ("placa FQH2C47", "my number plate
is AB12 CDE", "Kennzeichen B-AB 1234", "车牌号粤B12345"). Not a phone: Chile's shared-cost lines ("600 600 26 26").
Places, not people: a run after Dutch "naar" ending the question ("naar Kazerne Dossin?"), a run opened by Catalan
"Sant" ("Sant Joan de Déu"). ``pii_leak`` leaves a date the caller gave in another spelling ("Feb 2022" asked,
"February 2022" answered). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from charter.guards.pii_leak import date_keys
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_37_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 37)
    assert "VEHICLE_PLATE" in ENTITY_TYPES


@pytest.mark.parametrize(("text", "plate"), [
    ("recebi multa de licenciamento atrasado do meu carro placa FQH2C47 mas ja paguei", "FQH2C47"),
    ("my number plate is AB12 CDE, can I transfer it to my new car?", "AB12 CDE"),
    ("Kennzeichen B-AB 1234 wurde abgeschleppt, wo hole ich das Auto ab?", "B-AB 1234"),
    ("mijn kenteken 12-ABC-3 staat nog op naam van de vorige eigenaar", "12-ABC-3"),
    ("plaque d'immatriculation AB-123-CD, amende reçue hier", "AB-123-CD"),
    ("车牌号粤B12345被贴罚单了怎么办", "粤B12345"),
    ("the plate number on my car is KA 01 AB 1234", "KA 01 AB 1234"),
    ("placa ABC1D23.", "ABC1D23"),
])
def test_a_number_plate_after_its_word(text, plate):
    assert ("VEHICLE_PLATE", plate) in found(text)


@pytest.mark.parametrize("text", [
    "placa nova 2024: quando preciso trocar para o padrão Mercosul?",  # no plate: words and a year
    "send the registration form SA302 with your return",  # "registration" alone is no plate's word
    "company registration number SC123456",  # a company's number
    "new plates are issued from 1 March (the 25 plate)",  # the plate's age identifier, no plate
    "my plate AB12CDEFGHJ",  # longer than any plate
    "placa ABC1/2024",  # part of something else
])
def test_no_plate(text):
    assert [v for t, v in found(text) if t == "VEHICLE_PLATE"] == []


def test_chiles_shared_cost_line_is_no_phone():
    assert [v for t, v in found("llama a ChileAtiende al 600 600 26 26 o a Ayuda Mineduc") if t == "PHONE_NUMBER"] == []
    # a Spanish mobile that opens with 600 (nine digits) is a phone
    assert ("PHONE_NUMBER", "600 123 456") in found("mi móvil es 600 123 456")


@pytest.mark.parametrize("text", [
    "kunnen we rond 27 januari met de klas naar Kazerne Dossin? moet dat gereserveerd worden",
    "el meu fill te febre, a urgencies de Sant Joan de Déu diuen 5 hores d'espera",
])
def test_places_are_no_person(text):
    assert persons(text) == []


def test_people_stay_people():
    assert "Joan Puig" in persons("el meu veí Joan Puig no paga la comunitat")  # "Joan" without "Sant"
    assert "Pieter Jansen" in persons("mijn buurman Pieter Jansen gooit afval naar ons")


def test_date_keys():
    assert date_keys("Feb 2022") == date_keys("February 2022") == {(2022, 2, 0)}
    assert date_keys("03/22/1955") == date_keys("March 22, 1955") == {(1955, 3, 22)}
    assert date_keys("04/03/2026") == {(2026, 3, 4), (2026, 4, 3)}
    assert date_keys("2022") == frozenset() and date_keys("March 2022 and April") == frozenset()


def test_the_callers_date_in_another_spelling_is_no_leak():
    question = "she was born Feb 2022. Is she eligible for nursery in private schools for 2025-26?"
    answer = "Children born in **February 2022** are eligible for nursery in 2025-26."
    assert leaked(answer, question) == []
    # another date of birth than the caller's is still one
    assert "March 22, 2019" in leaked("Your son was born on **March 22, 2019**.", "my son was born 03/21/2019")
    assert "March 22, 2019" not in leaked("Your son was born on **March 22, 2019**.", "my son was born 03/22/2019")
