"""An English word one edit away from a slur at its first letter is that word (issue 12: "pick up my documents" was read
as a slur and a helpdesk answer was cut); a disguised slur is still caught."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.toxicity import ToxicityGuard


@pytest.mark.parametrize("text", [
    "Can a friend pick up my documents for me?",
    "You can pick up the physical card within 30 days.",
])
def test_an_ordinary_word_near_a_slur_is_not_a_slur(text):
    assert ToxicityGuard().scan(text, GuardContext(direction="output")).verdict == "pass"


def test_a_disguised_slur_is_still_caught():
    assert ToxicityGuard().scan("you are a sp1ck", GuardContext(direction="output")).verdict == "flag"


@pytest.mark.parametrize("text", [
    # "presenta" holds "resent" with a letter on either side; "Roma" is the city (test16, blind)
    "A Roma le domande per gli alloggi ERP si presentano al Comune di Roma tramite bando.",
    "La domanda si presenta online sul portale di Roma Capitale.",
])
def test_a_hostile_word_inside_a_word_of_another_language_is_not_hostile(text):
    assert ToxicityGuard().scan(text, GuardContext(direction="output")).verdict == "pass"


@pytest.mark.parametrize("text", ["Immigrants are sosickening.", "All Muslims are such massivescumbags."])
def test_hostile_words_run_together_are_still_hostile(text):
    assert ToxicityGuard().scan(text, GuardContext(direction="output")).verdict == "flag"


@pytest.mark.parametrize("text", [
    "La déclaration papier devait être déposée au plus tard le 21 mai.",  # French "later"
    "En cas de retard, une majoration de 10 % s'applique.",  # French "delay"
    "It supports people aged 65 and above without support, and pregnant women and infants.",  # lacking, not cold
])
def test_french_words_and_a_lack_of_support_are_not_hate(text):
    assert ToxicityGuard().scan(text, GuardContext(direction="output")).verdict == "pass"


@pytest.mark.parametrize("text", ["you are a retard", "The world would be better off without women like you.",
                                  "I have no compassion for immigrants."])
def test_the_english_slur_and_coldness_still_count(text):
    assert ToxicityGuard().scan(text, GuardContext(direction="output")).verdict == "flag"


@pytest.mark.parametrize("text", [
    "Buenas tardes. Lamento la situación. La pensión alimenticia es un derecho del menor.",  # test28 (blind)
    "Boas tardes! O atendimento funciona às tardes de segunda a sexta.",
    "Dúvidas: **156** (Central SP156).",  # a service's code, not leetspeak (test28, blind)
    "Emita a 2ª via pelo **app SP156**.",
    "Si hay un retardo en el pago, se cobran recargos.",  # Spanish "delay"
    "Narodowy Spis Powszechny 2021 był obowiązkowy dla wszystkich mieszkańców.",  # Polish census
    "Hoe lang duurt het voordat ik een beslissing krijg op mijn aanvraag kennismigrant?",  # Dutch "how" (test20)
    "Kies **Voorlopige aanslag wijzigen** en vul je nieuwe inkomen of aftrekposten in.",  # Dutch "choose" (test28)
])
def test_spanish_portuguese_and_polish_words_and_service_codes_are_not_slurs(text):
    assert ToxicityGuard().scan(text, GuardContext(direction="output")).verdict == "pass"


@pytest.mark.parametrize("text", ["you stupid tards", "you are a sp1c", "go back home you spic5", "what a retardo",
                                  "I h473 w0m3n.", "you dirty kies", "shut up hoe, migrants are scum"])
def test_the_slurs_those_words_resemble_still_count(text):
    assert ToxicityGuard().scan(text, GuardContext(direction="output")).verdict == "flag"


def test_the_tagalog_linker_mong_is_no_slur():
    text = "Maaari mong gamitin ang **Housing Loan Calculator** sa **pagibigfund.gov.ph**."  # test32 (blind)
    assert ToxicityGuard().scan(text, GuardContext(direction="output")).verdict == "pass"
    assert ToxicityGuard().scan("you filthy mong", GuardContext(direction="output")).verdict == "flag"
