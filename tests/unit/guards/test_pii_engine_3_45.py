"""Issue 12 (engine 3.45, made from losses of the spent blind splits test71 to test73 while test74 and test75 were being
written). Not a person now: a run opened by a school's, a nursery's, a care home's or a clinic's word ("Laerskool Jan
van Riebeeck", "Residencia San José", "Klinikum Ernst von Bergmann"). Not a personal date now: a full date after a
deadline in other languages ("bis", "avant le", "hasta el") or after a deadline's label ("date limite de paiement :",
"Zahlungsfrist:", "fecha límite", "termin płatności"). In answers a line's name written as one word ("Careline PTPTN
di 03-2193 3000") presents a public line. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii.engine import PiiEngine
from charter.guards.pii.guard import PiiGuard
from tests.support.pii import found, leaked, persons

GUARD = PiiGuard()
CORROBORATED = {"names": "corroborated"}


def test_the_engine_is_3_45_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 45)


@pytest.mark.parametrize(("text", "run"), [
    ("ek het my groen ID boek verloor. kan ek by Laerskool Jan van Riebeeck gaan stem?", "Laerskool Jan van Riebeeck"),
    ("Residencia San José tiene plazas libres?", "Residencia San José"),
    ("hat das Klinikum Ernst von Bergmann samstags Sprechstunde?", "Klinikum Ernst von Bergmann"),
    ("ist das Seniorenheim Hildegard von Bingen barrierefrei?", "Seniorenheim Hildegard von Bingen"),
    ("Przedszkole Jana Brzechwy ma wolne miejsca?", "Przedszkole Jana Brzechwy"),
    ("can my mum get a place at the Hospice Mary Potter?", "Hospice Mary Potter"),
])
def test_a_run_opened_by_a_schools_a_nurserys_or_a_care_homes_word_is_no_person(text, run):
    assert run not in persons(text)
    # and the demo's policy leaves it to the model even where a cue ("by") stood before it
    assert all(f.type != "PERSON" for f in GUARD.scan(text, GuardContext(options=CORROBORATED)).findings)


def test_the_same_names_without_the_bodys_word_are_still_names():
    assert persons("kan ek by Jan van Riebeeck gaan stem?") == ["Jan van Riebeeck"]  # "by": a person's cue
    assert persons("Dear Mary Potter, thank you") == ["Mary Potter"]
    assert any("Hildegard Bingen" in p for p in persons("meine Nachbarin Hildegard Bingen hat angerufen"))


@pytest.mark.parametrize("text", [
    "« Avis de cotisation foncière des entreprises 2025 – date limite de paiement : 15/12/2025 » c'est quoi ?",
    "Zahlung bis 15.12.2025 leisten?",
    "payer avant le 15/12/2025 ?",
    "fecha límite: 15/12/2025, qué hago",
    "Zahlungsfrist: **15.12.2025**",
    "termin płatności: 15.12.2025",
    "Fällig am 15.12.2025",
    "échéance : 15/12/2025",
    "vervaldatum 15-12-2025",
    "scadenza 16/12/2025 pagamento",
    "son ödeme tarihi: 15.12.2025",
])
def test_a_full_date_after_a_deadline_in_other_languages_is_no_personal_date(text):
    assert [v for t, v in found(text) if t == "DATE_TIME"] == []


@pytest.mark.parametrize(("text", "date"), [
    ("ich bin am 15.12.2025 umgezogen", "15.12.2025"),  # one's own event, no deadline
    ("geboren am 15.12.1985, welche Frist gilt?", "15.12.1985"),  # a date of birth before the deadline's word
    ("mein Termin am 15.12.2025 beim Amt", "15.12.2025"),  # an appointment is no deadline
])
def test_a_full_date_with_no_deadline_before_it_is_still_found(text, date):
    assert ("DATE_TIME", date) in found(text)


def test_a_lines_name_in_one_word_presents_a_public_line():
    answer = ("Sila semak syarat terkini di www.ptptn.gov.my atau hubungi Careline PTPTN di **03-2193 3000**.")
    assert ("PHONE_NUMBER", "03-2193 3000") in found(answer)
    assert leaked(answer) == []
    # a person's mobile is still one, whatever line word stands further back
    assert leaked("Careline is busy; call my neighbour Aisha Rahman on her mobile 012-345 6789.") != []
