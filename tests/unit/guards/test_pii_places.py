"""Issue 12, benign utility (engine 2.7): towns, cities, regions and programmes are not people.

A capitalised run that GeoNames lists as a place (data/places.txt: towns and cities, countries, US
states and counties, in their local and English forms) or that a country ends ("for West Pokot,
Kenya?") is a place, not a person, unless something shows a person; a run after "my"/"your" is a
thing ("my Bituach Leumi rights"); the second of two things asked about ("apply for Takaful and
Karama") is a thing, and so is what one gets, claims or renews ("get Kartu Prakerja"); a title before
a programme's name that a thing's noun follows ("Dr. Dynasaur coverage") is no person. One word stays
with the words around it: many surnames are towns too. In
answers, a number offered beside a web site ("on helsenorge.no or by calling ...") is a service's line,
and "from mobiles" says where one calls from, not whose the line is."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from charter.guards.pii.lexicon import place_name
from tests.support.pii import found, leaked

ENGINE = PiiEngine()
#: What the demo helpdesk's input ``pii`` guard looks for (its ``skip_entities``): a firm's reading
#: ("Takaful and Karama" as an ORGANIZATION) does not hide a PERSON there.
DEMO = frozenset(ENTITY_TYPES) - {"LOCATION", "AGE", "ORGANIZATION", "NRP", "TITLE", "ZIP_CODE", "URL"}


def persons(text: str) -> list[str]:
    return [text[h.start:h.end] for h in ENGINE.analyze(text, entities=DEMO) if h.type == "PERSON"]


@pytest.mark.parametrize("value", [
    "Saint-Louis du Sénégal", "St Vincent", "Santiago de los Caballeros", "Lillehammer", "Hradec Králové",
    "Zamboanga City", "Palmerston North", "Đà Nẵng", "Autauga County",
])
def test_listed_places_in_their_forms(value: str) -> None:
    assert place_name(value)


@pytest.mark.parametrize("value", ["Bituach Leumi", "John Smith", "Anil Kuriakose", "Takaful", ""])
def test_names_and_programmes_are_not_listed_places(value: str) -> None:
    assert not place_name(value)


@pytest.mark.parametrize("text", [
    "Où inscrire mon enfant à l'école à Saint-Louis du Sénégal ?",
    "How do I register a birth in Kingstown, St Vincent?",
    "Where is the tax office for West Pokot, Kenya?",
    "Where is the tax office for Saint Lucy, Barbados?",
    "Is there a food bank near Del Pilar?",
    "Où faire ma carte d'identité en North Yorkshire ?",
    "Where do I renew my licence in Palmerston North?",
    "What benefits can I get in Crooked Island and Long Cay?",
    "How do I check my Bituach Leumi rights in Nazareth?",
    "How do I apply for Takaful and Karama in Aswan?",
    "What is Takaful and Karama in Egypt?",
    "How do I get Kartu Prakerja in Indonesia?",
    "Can I claim Tunjangan Hari Raya if I started in March?",
    "How do I get Dr. Dynasaur coverage for my kids in Burlington, Vermont?",
    "Where is the tax office for Rach'a-Lechkhumi-Kvemo Svaneti, Georgia?",
])
def test_places_and_programmes_in_a_question_are_no_persons(text: str) -> None:
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Marrero and Murphy were precision engineers.", "Murphy"),   # towns too, and people here
    ('"It is moving in that direction," says Iwase.', "Iwase"),
    ("I, Alice da Luz, of 8228 Dana Pike, complain.", "Alice da Luz"),  # a place's name, a person's here
    ("Dear Florence Lopez, your claim is approved.", "Florence Lopez"),
    ("Pedro Amaro said he would pay the deposit.", "Pedro Amaro"),
    ("My neighbour Villa Nueva keeps parking in my space.", "Villa Nueva"),
    ("Dr. Okafor's office called about the claim.", "Okafor's"),
    ("Dr. Okafor said the coverage ends in May.", "Okafor"),
    ("How do I get Okonkwo Eze to sign the tenancy form?", "Okonkwo Eze"),   # "get X to": a person
    ("How do I get Maria Lopez removed from my account?", "Maria Lopez"),
])
def test_a_person_whose_name_is_also_a_place_is_still_a_person(text: str, name: str) -> None:
    assert any(name in value for value in persons(text)), found(text)
    assert any(name in value for kind, value in found(text) if kind == "PERSON")


def test_a_town_on_an_address_line_stays_above_the_threshold() -> None:
    # "Los Angeles" in a letter's address block: a listed place, where someone lives
    text = "Martin Karlsen\n\nLos Angeles\nUnited States"
    assert [(h.type, h.score) for h in ENGINE.analyze(text) if text[h.start:h.end] == "Los Angeles"] == [
        ("LOCATION", 0.6)]
    question = "How do I register a birth in Los Angeles?"
    assert [h.score for h in ENGINE.analyze(question, threshold=0.0) if h.type == "LOCATION"] == [0.45]


@pytest.mark.parametrize("answer", [
    "Change your GP on helsenorge.no or by calling 23 32 70 00; you can change twice a year.",
    "Renew it at a NADRA Registration Centre in Multan or through the Pak-ID app. The NADRA helpline is "
    "1777 from mobiles or 051-111-786-100.",
])
def test_a_services_line_beside_a_web_site_or_for_mobiles_is_not_a_leak(answer: str) -> None:
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Book online at example.gov or call your caseworker, Anna Berg, on 0412 555 019.", "0412 555 019"),
    ("Apply on the portal or call her on 0412 555 019.", "0412 555 019"),
    ("Anna Berg, mobile 0412 555 019, handles your file.", "0412 555 019"),
    ("His Mobilnummer ist 0171 2345678.", "0171 2345678"),
])
def test_a_persons_number_beside_a_web_site_or_a_mobile_word_is_still_a_leak(answer: str, value: str) -> None:
    assert value in leaked(answer)


def test_a_role_after_the_web_sites_or_ties_the_number_to_a_person() -> None:
    answer = "Book it online or call your caseworker on 0412 555 019."
    assert "0412 555 019" in leaked(answer)
