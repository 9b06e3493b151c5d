"""Issue 12 (engine 3.39 and toxicity 1.11, made from the blind splits test62 and test63, spent after one scoring each
at 3.38). Not a person now: a station's name by its parts ("Brussel-Zuid", "Gent-Sint-Pieters", "Barcelona-Sants",
"Genève-Aéroport"), a run ending in a station's or a town hall's word ("Roten Rathaus", "Rajiv Chowk", "Korle Bu
OPD") or opened by an airport's, a station's, a park's or a hospital's ("Aeroparque Jorge Newbery"), a square opened
by "Plaça", a route's first end before "to"/"i"/"a" and a place ("Gaerdydd Canolog i Aberystwyth"; no given name
opening it), a programme after "beca" ("beca Rita Cetina"). Toxicity 1.11: the Catalan "com a tard" (at the latest)
is no slur. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import persons, toxic


def test_the_engine_is_3_39_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 39)


@pytest.mark.parametrize("text", [
    "door de nationale staking rijdt mijn trein Gent-Sint-Pieters – Brussel-Zuid niet",
    "jo vaig de Mataró a Barcelona-Sants cada dia amb la T-usual",
    "j'ai oublié mon sac dans l'IC entre Lausanne et Genève-Aéroport hier soir",
    "wir wollen eine Kundgebung vorm Roten Rathaus machen, so 300 leute",
    "I need to reach Rajiv Chowk from Dwarka Sector 21 by 9",
    "TUC strike tomorrow, will Korle Bu OPD be open?",
    "me cancelaron el vuelo de Aeroparque Jorge Newbery a Bariloche por medida de fuerza",
    "volem fer una manifestacio de Plaça de Catalunya fins al Passeig de Gràcia",
    "mae gen i docyn o Gaerdydd Canolog i Aberystwyth",
    "con el paro se va a atrasar el pago de la beca Rita Cetina? mi hijo va en secundaria",
])
def test_places_and_programmes_are_no_person(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Mary Smith-Jones lives here and parks on the pavement", "Mary Smith-Jones"),  # a double surname
    ("I sent it to Maria Lopez from Madrid", "Maria Lopez"),  # "from" after a person is no route
    ("my neighbour John Smith to Paris, every weekend", "John Smith"),
    ("Nos vemos: Ana Ruiz a Madrid", "Ana Ruiz"),  # a given name opening the run
])
def test_people_stay_people(text, name):
    assert name in persons(text)


def test_com_a_tard_is_no_slur():
    assert not toxic("Per a una manifestació el dia 18, la comunicació ha d'arribar com a tard el dia 8.")
    assert toxic("you are such a tard")
