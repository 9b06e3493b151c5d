"""Issue 12 (engine 3.41, made from losses the spent splits test29-test65 had left open, before the blind splits test66
and test67 were read). Not a person now: a route between two cities of 100,000 people or more ("Amiens-Lille"), a
route's start after a ticket's word ("my ticket London Euston to Manchester"), a district and its city of a million
after "at" or a place's cue ("at Lalbagh Bengaluru"), a town's administration ("contactez la Ville", "l'Hôtel de
Ville"), a body's service named "X of Y" with an ordinary noun first ("Service-Center von Wiener Wohnen"), Indian
festivals opening with a given name ("Raksha Bandhan") and Sri Lankan Poya days. A number after a street's name is no
house number when a time word comes between ("rue Victor Hugo depuis 5 jours", "Passeig de Gràcia el dia 18"). In
answers, a role after up to two words ("our local road inspector Dale Whitmore") ties a name to a person. Each rule is
checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from charter.guards.pii.lexicon import city_size
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_41_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 41)


def test_city_sizes_come_from_geonames():
    assert city_size("London") == 6 and city_size("Lille") == 5 and city_size("Sénégal") == 0
    assert city_size("Garcia") == 0 and city_size("Smith") == 0  # towns of GeoNames, none of 100,000 people


@pytest.mark.parametrize("text", [
    "bonjour, avec la grève j'ai perdu la moitié de mes trajets Amiens-Lille avec mon abonnement, un remboursement ?",
    "ryanair me cancela el vuelo Valencia-Bruselas por huelga, es verdad?",
    "hi, my advance ticket London Euston to Manchester Piccadilly is for the strike day. can i get my money back?",
    "my PSK appointment at Lalbagh Bengaluru falls on Raksha Bandhan, will the office be open?",
    "Is the immigration office in Battaramulla open on Nikini Poya day?",
    "is the passport office open on Ganesh Chaturthi?",
    "Si rien n'est fait, contactez la Ville au 03 68 98 50 00.",
    "Appelez l'accueil de l'Hôtel de Ville au 03 20 49 50 00.",
    "Melden Sie das beim **Service-Center von Wiener Wohnen** unter **05 75 75 75**.",
])
def test_routes_districts_feasts_and_bodies_are_no_person(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Mrs Smith-Jones lives at the corner", "Smith-Jones"),  # no city of 100,000 people: a double-barrelled name
    ("I sent Victoria Adams to Madrid last week", "Victoria Adams"),  # a given name, no ticket's word before it
    ("and my great great grandmother was called Brosca Erdôs", "Brosca Erdôs"),  # a city's other name, no cue
    ("my tenant Priya Sharma Mumbai never paid", "Priya Sharma Mumbai"),  # a given name opens it
    ("Contact Ursula von der Leyen's office", "Ursula von der Leyen"),  # a given name before the particle
    ("My name is Raksha Bandhan", "Raksha Bandhan"),  # after "my name is", whatever it means
    ("Ville said hi", "Ville"),  # no article before the Finnish name
])
def test_people_stay_people(text, name):
    assert any(name in p for p in persons(text))


@pytest.mark.parametrize("text", [
    "les poubelles debordent rue Victor Hugo depuis 5 jours a cause de la greve",
    "volem fer una manifestacio de Plaça de Catalunya fins al Passeig de Gràcia el dia 18.",
])
def test_a_time_after_a_street_is_no_house_number(text):
    assert [t for t, _ in found(text) if t == "STREET_ADDRESS"] == []


@pytest.mark.parametrize(("text", "address"), [
    ("j'habite rue Victor Hugo 12, Lyon", "rue Victor Hugo 12"),
    ("vivo en la Calle de la Paz 12 desde 2019", "Calle de la Paz 12"),  # the time word after the number
    ("mieszkam ulica Majowa 76 od 3 lat", "ulica Majowa 76"),
])
def test_house_numbers_stay(text, address):
    assert any(t == "STREET_ADDRESS" and address in v for t, v in found(text))


def test_a_role_after_two_words_ties_the_name_and_its_number():
    answer = "If it's urgent you can also text our local road inspector Dale Whitmore directly on 0412 558 903."
    assert leaked(answer) == ["Dale Whitmore", "0412 558 903"]
    assert leaked("The other driver was Dorin Munteanu.") == ["Dorin Munteanu"]
    # a team is no person: its line stays a service's
    assert leaked("Call the road inspector team on 0412 558 903.") == []
    assert leaked("Or contact the Ville de Lille at 03 20 49 50 00.") == []
