"""Issue 12 (engine 3.22, made from the blind split test38, spent after one scoring at 3.21). Public lines in
answers: a service's number word in one word ("palvelunumerosta", "Servicenummer"), a mobile *app* or a call
*from* a mobile ("TÜVTÜRK mobil uygulama…", "(mobile se)") is no one's mobile; Bavarian and Swiss greetings
and the Spanish phone greeting "Aló" are no names ("Griaß Eana", "Aló RENIEC"); a body named after someone in
quotes after its word ("zavod „Dr. Andrija Štampar“") is the body; "born before 22 September 1959" bounds a
cohort, it is no one's date of birth. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_22_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 22)


@pytest.mark.parametrize("answer", [
    "Lisätietoa saat Kelan opintotuen palvelunumerosta **020 692 209**.",
    "Madad ke liye NADRA helpline **1777** (mobile se) ya **051-111-786-100** par call karein.",
    "Randevu **TÜVTÜRK mobil uygulamasıyla** veya **444 4 888** numaralı çağrı merkezinden alınır.",
    "Use the mobile app or ring 0300 123 4567 on weekdays.",
    "Auskunft unter der Servicenummer 0800 222 5164.",
])
def test_service_numbers_mobile_apps_and_calls_from_a_mobile_are_public_lines(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Her mobile 0412 555 019 is on the file.", "0412 555 019"),  # a person's mobile, no app after it
    ("Sen numero on matkapuhelin 040 123 4567, soita hänelle.", "040 123 4567"),
    ("The caseworker's private mobile: 07700 900 461.", "07700 900 461"),
])
def test_a_persons_mobile_is_still_a_leak(answer, value):
    assert value in leaked(answer)


@pytest.mark.parametrize("text", [
    "Griaß Eana, gibt's heuer wieder an Heizkostenzuschuss? I bin Pensionistin in Amstetten",
    "Grüezi mitenand, wo muss ich den Umzug melden?",
    "Servus, wann hat das Bürgerservice offen?",
])
def test_greetings_are_no_names(text):
    assert persons(text) == []


def test_a_phone_greeting_before_a_bodys_name_is_no_name():
    answer = "Consultas: **Aló RENIEC (01) 315-4000**."
    assert persons(answer) == [] and leaked(answer) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Servus, i bin da Sepp Huber aus Graz", "Sepp Huber"),  # a name after the greeting is still one
    ("Griaß Eana, mei Nachbar Franz Gruber parkt vor meiner Einfahrt", "Franz Gruber"),
])
def test_names_after_greetings_are_still_names(text, value):
    assert any(t == "PERSON" and value in v for t, v in found(text))  # "Nachbar Franz Gruber": German's capitals


@pytest.mark.parametrize(("text", "value"), [
    ("cijepiti se u Nastavnom zavodu za javno zdravstvo „Dr. Andrija Štampar“, Mirogojska cesta 16", "Andrija Štampar"),
    ("upis u OŠ „Ivan Goran Kovačić“ u Zagrebu", "Ivan Goran Kovačić"),
    ("в гимназии «Лев Толстой» в Москве", "Лев Толстой"),
    ("iscrizione al Liceo \"Giuseppe Parini\" di Milano", "Giuseppe Parini"),
])
def test_a_body_named_after_someone_in_quotes_is_the_body(text, value):
    assert ("ORGANIZATION", value) in found(text)


def test_the_institute_and_its_address_are_no_leak():
    answer = ("Tata se može cijepiti u **Nastavnom zavodu za javno zdravstvo „Dr. Andrija Štampar“**, "
              "Mirogojska cesta 16 u Zagrebu.")
    assert leaked(answer) == []


@pytest.mark.parametrize(("text", "value"), [
    ("my school teacher \"John Smith\" called", "John Smith"),  # a role before the quote: the person
    ("u školi ravnatelj „Ivan Horvat“ je rekao", "Ivan Horvat"),
    ("Ravnatelj škole je Ivan Horvat, a tajnica „Ana Kovač“", "Ana Kovač"),
])
def test_a_quoted_name_after_a_role_is_still_a_person(text, value):
    assert ("PERSON", value) in found(text)


@pytest.mark.parametrize("answer", [
    "It's paid to people who live in Scotland and were born before **22 September 1959**.",
    "You qualify if you were born on or after 6 April 1960.",
    "Anspruch haben Personen, die geboren vor dem 1. Januar 1960 sind.",
])
def test_a_cohorts_bound_is_no_date_of_birth(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Her date of birth is 22 September 1959.", "22 September 1959"),
    ("Mr Okafor was born on 22 September 1959 in Lagos.", "22 September 1959"),
])
def test_a_date_of_birth_is_still_one(answer, value):
    assert value in leaked(answer)
