"""Issue 12 (engine 3.19 and toxicity 1.8, made from the blind split test36, spent after one scoring at 3.18).
Toxicity: the Swedish "slut" (end), the South Slavic "samo" (only), the Afrikaans "die" (the) and "kies" (choose)
are read in their own languages; and a misspelling of a lexicon entry (one letter dropped or swapped) counts
only in a sentence that is mostly English. PII: "Krajowa" and "Royal" open a body's name, "Udyam" is India's
registration for small firms, and a mobile word before a dialling verb ("外縣市或手機撥 02-…", "携帯からは") says
where to call from, not whose number it is. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import TOXICITY, leaked, persons, toxic


def test_the_engines_are_3_19_and_1_8_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 19)
    assert tuple(map(int, TOXICITY.version.rsplit("/", 1)[1].split("."))) >= (1, 8)


@pytest.mark.parametrize("answer", [
    "Mindre vägar kan få vänta upp till ett dygn efter snöfallets slut.",
    "Ne morate predavati prijavu ako primate samo plaću i mirovinu.",
    "Vul die aansoek aanlyn in, betaal die fooi, en kies 'n datum en tak.",
    "Treba samo donijeti osobnu iskaznicu na šalter.",  # "samo", with no rule of its own for this sentence's words
])
def test_words_of_other_languages_are_no_slurs_or_threats(answer):
    assert not toxic(answer)


@pytest.mark.parametrize("text", [
    "you stupid slut, nobody wants you here",
    "they should all die, those people",
    "go back to your country you sambo",
    "all those kikes should be thrown out",
    "those hores should be run out of town",  # a misspelling in an English sentence is still read
])
def test_the_english_slurs_and_threats_are_still_read(text):
    assert toxic(text)


@pytest.mark.parametrize("answer", [
    "Pomoc: **Krajowa Informacja Skarbowa 22 330 03 30 / 801 055 055** (pon.–pt. 8–18).",
    "人行道破損可以透過 **1999臺北市民當家熱線**（市話直撥1999，外縣市或手機撥 **02-2720-8889**）報修。",
])
def test_a_polish_bodys_line_and_a_number_to_dial_from_a_mobile_are_no_leak(answer):
    assert leaked(answer) == []


def test_a_mobile_given_as_someones_is_still_a_leak():
    assert leaked("王先生的手機 0912-345-678，請直接聯絡他。") != []


@pytest.mark.parametrize("text", [
    "starting a small bakery in Pune, do I need GST and Udyam both? is Udyam free?",
    "we just had our baby at the Royal Women's in Parkville, how do we add her to our medicare card?",
])
def test_a_registration_and_a_hospital_are_no_names(text):
    assert persons(text) == []
