"""Issue 12 (engine 3.32, made from the blind splits test50 and test51, spent after one scoring each at 3.31; no
blind split has judged 3.32). Not a person now: a place after a lake's or a beach's word or before its noun
("lac Aguelmam Azegza", "Donabate beach"), a hospital after Spanish "en el", a saint's town or hospital ("Santa
Maria"), a school after its word or with its word after it ("lycée Blaise Diagne", "Lincoln High"), an event
("Terry Fox Run"), a feast day ("Rosh Hashanah"), a place's head word after a cue ("around Marina Bay"), a class
letter before a question ("band B. Can we"). Kept under ``birth_years: keep``: a month and year of birth with no
day. Found now: a numbered street ("1427 W 37th Pl"), a caseworker's own phone in Romanian and Darija. Each rule is
checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii.engine import PiiEngine
from charter.guards.pii.guard import PiiGuard
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_32_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 32)


@pytest.mark.parametrize("text", [
    "on veut pêcher au lac Aguelmam Azegza cet été, il faut un permis?",
    "is the water ok at Portmarnock and Donabate beach this weekend?",
    "llevo 7 meses en lista de espera en el Gregorio Marañón, hay plazo maximo?",
    "estou a espera de cirurgia no hospital de Santa Maria ha quase um ano",
    "mon fils passe le bac au lycée Blaise Diagne, quand sont les résultats?",
    "she takes route 2 to Lincoln High every morning",
    "my son just started at Ngee Ann Poly, how does the concession work?",
    "Terry Fox Run is this Sunday, are the roads closed?",
    "my jury duty falls on Rosh Hashanah, can i postpone?",
    "Is Eid'l Adha a regular holiday this year?",
    "when do roads around Marina Bay close for the race?",
    "the house next door is band B. Can we challenge ours?",
    "niko Uasin Gishu na shamba la ekari 3",
])
def test_places_bodies_events_and_days_are_no_person(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("my neighbour Michael Bay parks on the pavement", "Michael Bay"),  # a relation, no place cue
    ("la escuela de Juan Pérez cierra el viernes", "Juan Pérez"),  # "de": Juan Pérez's school
    ("J. Okafor called about the claim", "J. Okafor"),  # an initial before a surname
    ("my landlord Santo Ferrara has not returned my deposit", "Santo Ferrara"),  # "Santo" is a given name too
    ("my colleague Maria Santa Cruz signed it", "Maria Santa Cruz"),  # a saint's word inside a name
    ("the letter was signed by Anna Marina Bay", "Anna Marina Bay"),  # no place cue before it
])
def test_people_stay_people(text, name):
    assert name in persons(text)


DEMO = {"mode": "pseudonymise", "skip_entities": ["LOCATION", "AGE", "ORGANIZATION", "NRP", "TITLE", "ZIP_CODE",
                                                  "URL"], "birth_years": "keep", "given_names": "keep"}


def demo(text: str) -> list[str]:
    result = PiiGuard().scan(text, GuardContext(direction="input", role="user", options=DEMO))
    return [text[f.start:f.end] for f in result.findings]


def test_a_month_and_year_of_birth_is_kept_like_a_year():
    assert demo("Do I get winter fuel payment? I was born in June 1959") == []
    assert demo("I was born in 1959") == []


def test_a_date_of_birth_with_its_day_is_still_personal():
    assert "5 June 1959" in demo("I was born on 5 June 1959, what is my pension age?")
    # the default policy (years of birth personal) takes the month and year too
    assert "June 1959" in [v for _, v in found("I was born in June 1959")]


@pytest.mark.parametrize(("text", "value"), [
    ("I'm Daniel Okafor, 1427 W 37th Pl, Los Angeles 90018, SSN 512-38-4967", "1427 W 37th Pl, Los Angeles 90018"),
    ("we live at 350 5th Ave, New York", "350 5th Ave, New York"),
])
def test_numbered_streets_are_addresses(text, value):
    assert value in [v for t, v in found(text) if t == "STREET_ADDRESS"]


@pytest.mark.parametrize("text", [
    "the first instalment is due on 15 March. Pay via the e-filing portal",  # "via" ends no street
    "we sold 200 1st class stamps last week",  # an ordinal with no street's word after it
])
def test_no_street_where_none_is(text):
    assert [v for t, v in found(text) if t == "STREET_ADDRESS"] == []


def test_an_identifiers_label_ends_an_address():
    values = [v for t, v in found("I'm Daniel, 22 Elm St, Boston 02118, SSN 512-38-4967") if t == "STREET_ADDRESS"]
    assert values == ["22 Elm St, Boston 02118"]


@pytest.mark.parametrize(("answer", "value"), [
    ("Un coleg vă poate suna de pe telefonul lui personal, 0752 419 007, ca să vă ajute.", "0752 419 007"),
    ("ila bghiti tgad m3a l'agent, ra 3ando WhatsApp dyalo: 06 61 28 47 53.", "06 61 28 47 53"),
])
def test_a_caseworkers_own_phone_is_acted_on(answer, value):
    assert value in leaked(answer)


@pytest.mark.parametrize("answer", [
    "Sunați la linia gratuită 0800 500 500 pentru informații.",  # a public line
    "Appelez le numéro vert 080 100 47 47 du lundi au vendredi.",
])
def test_public_lines_stay(answer):
    assert leaked(answer) == []
