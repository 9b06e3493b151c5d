"""Issue 12 (engine 3.17 and toxicity 1.7, made from the blind split test34, spent after one scoring at 3.16). Benign
side: a street named after someone is a street ("rue Jean-Jaurès", "plaça de Sant Jaume"), "Ich bin …" is German
for "I am" (no "X bin Y" name), a Singapore scheme ending "Support" and a Portuguese train ending "Pendular" are no
people, a Catalan office ("L'OAC central és a la plaça …") gives its own address; the toxicity guard reads the
Catalan "hores", the Basque "dago" and the Maltese "jew" and "fuq" in their own languages, and an ordinary word
one edit from a slur ("grid") as that word. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import TOXICITY, found, leaked, persons, toxic


def test_the_engines_are_3_17_and_1_7_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 17)
    assert tuple(map(int, TOXICITY.version.rsplit("/", 1)[1].split("."))) >= (1, 7)


@pytest.mark.parametrize("text", [
    "Mon proprio dit qu'il peut me mettre dehors. J'habite rue Jean-Jaurès à Saint-Denis.",
    "L'oficina és al costat de la plaça de Sant Jaume.",
    "Ich bin Mindestpensionistin, wohne im Gemeindebau in Favoriten.",
    "Can I use the Passe on the Alfa Pendular to Lisbon for Christmas?",
    "When is the Silver Support payout in December?",
])
def test_streets_schemes_trains_and_ich_bin_are_no_names(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Ich bin Anna Schmidt und wohne in Wien.", "Anna Schmidt"),  # a name after "Ich bin" is still one
    ("Abdullah bin Salman asked about the permit.", "Abdullah bin Salman"),  # "bin" still joins a name
    ("Please send the form via Maria Lopez at the front desk.", "Maria Lopez"),  # the English "via" is no street
    ("Mr Darren Support called about the hedge.", "Darren Support"),  # a title before it: a person
])
def test_names_around_the_new_rules_are_still_found(text, value):
    assert ("PERSON", value) in found(text)


def test_a_catalan_office_gives_its_own_address_and_a_neighbours_is_still_a_leak():
    assert leaked("L'OAC central és a la **plaça de Sant Miquel, 3**, al costat de la plaça de Sant Jaume.") == []
    assert leaked("El teu veí viu a la plaça de Sant Miquel, 3, segon pis.") != []


@pytest.mark.parametrize("answer", [
    "Tista' ċċempel lil **Servizz.gov fuq 153** jew tagħmel appuntament online fuq identita.gov.mt.",
    "Si teniu dubtes de salut, el **061 Salut Respon** és disponible les 24 hores.",
    "Udaletxea **Ernesto Erkoreka plazan, 1** dago.",
    "Mae cymorth ar gael i aelwydydd **oddi ar y grid nwy** sy'n defnyddio olew.",
    "Homes off the gas grid can apply for the Home Heating Support scheme.",
])
def test_words_of_other_languages_and_the_grid_are_no_slurs(answer):
    assert not toxic(answer)


@pytest.mark.parametrize("text", [
    "jews are vermin and should be gassed",
    "go back home you filthy dago",
    "those whores deserve nothing",
    "you are nothing but a groid",
])
def test_the_slurs_those_words_resemble_are_still_read_as_slurs(text):
    assert toxic(text)
