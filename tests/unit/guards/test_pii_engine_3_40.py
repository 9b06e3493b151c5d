"""Issue 12 (engine 3.40, made from the blind splits test64 and test65, spent after one scoring each at 3.39; no blind
split has judged 3.40). Not a person now: a stop one gets off or changes at ("got off at Prince Edward"), a town after
Spanish or Portuguese "I live in" or a Mexican borough's word ("vivo en José C. Paz", "la alcaldía Gustavo A.
Madero"), a run ending in a gate's, a market's or a bus's word ("Sendlinger Tor", "Queen Victoria Market", "LIEmobil
Bus"; not after a given name: "Peter Tor") or holding "Chowk" ("Liberty Chowk Lahore"), a library branch ("the
Douglass-Truth branch"). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import persons


def test_the_engine_is_3_40_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 40)


@pytest.mark.parametrize("text", [
    "Hab gestern meinen Rucksack in der U3 liegen lassen, bin am Sendlinger Tor ausgestiegen.",
    "left my umbrella on the Tsuen Wan line train yesterday, got off at Prince Edward. where do I go?",
    "do i need to touch on going from flinders street station to Queen Victoria Market on the tram?",
    "Got an SMS about an e-challan for red signal at Liberty Chowk Lahore. Is it real?",
    "mi abuelita vive en la alcaldía Gustavo A. Madero, sigue pagando los 5 pesos del metro",
    "hola, vivo en José C. Paz y cobro la AUH",
    "me vence el registro en marzo, vivo en Florencio Varela. que tengo que pagar",
    "Gibt es ein Abo, das für den LIEmobil Bus und die Strecke in Vorarlberg gilt?",
    "Is the Douglass-Truth branch open on Mondays?",
])
def test_stops_towns_and_branches_are_no_person(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("my landlord Peter Tor never answers", "Peter Tor"),  # a given name before a gate's word
    ("Peter Tor called me about the deposit", "Peter Tor"),
    ("vivo con Ana Ruiz en Madrid", "Ana Ruiz"),  # "vivo con": with a person
])
def test_people_stay_people(text, name):
    assert any(name in p for p in persons(text))
