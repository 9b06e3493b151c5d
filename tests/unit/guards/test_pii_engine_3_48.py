"""Issue 12 (engine 3.48, made from losses left on the spent blind splits test45 to test66). Not a person now: a run
ending in a Turkish body's word ("Şehir Hastanesi", a city hospital; "Belediyesi", "Üniversitesi", "Lisesi"). Not a
personal date now: a full date after a permit's or a card's expiry in other languages ("закінчується 04.03.2026",
"gültig bis", "ważna do"), and a date that opens or closes a period after a birth word ("for an August birthday runs
May 1 to November 30": a date of birth is one day). In answers a body's name with its town and markdown's bold before
an address in brackets presents a public place ("the **Federal Neuro-Psychiatric Hospital, Yaba** (8 Harvey Road,
…)"). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_48_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 48)


@pytest.mark.parametrize("text", [
    "örneğin Okmeydanı'ndaki **Prof. Dr. Cemil Taşçıoğlu Şehir Hastanesi** gibi büyük hastanelerde",
    "Kadıköy Belediyesi ile görüşün",
    "Ankara Üniversitesi kayıtları başladı",
])
def test_a_run_ending_in_a_turkish_bodys_word_is_no_person(text):
    assert persons(text) == []


def test_a_turkish_name_without_a_bodys_word_is_still_one():
    assert persons("komşum Cemil Taşçıoğlu aradı") == ["Cemil Taşçıoğlu"]


@pytest.mark.parametrize("text", [
    "добрий день, мій дозвіл за §24 закінчується 04.03.2026, чи треба вже записуватись?",
    "mein Aufenthaltstitel ist gültig bis 15.12.2026",
    "karta pobytu ważna do 15.12.2026",
    "mi permiso expira el 15/12/2026",
])
def test_a_full_date_after_an_expiry_is_no_personal_date(text):
    assert [t for t, _ in found(text) if t == "DATE_TIME"] == []


def test_a_period_after_a_birth_word_is_no_date_of_birth():
    answer = "Enroll during your Initial Enrollment Period, which for an August birthday runs **May 1 to November 30**."
    assert found(answer) == [] and leaked(answer) == []
    assert ("DATE_TIME", "May 1") in found("my birthday is May 1")
    assert ("DATE_TIME", "1 May 1980") in found("born 1 May 1980 - Nairobi")


def test_a_bodys_name_with_its_town_before_an_address_in_brackets():
    answer = ("You can take him to the **Federal Neuro-Psychiatric Hospital, Yaba** (8 Harvey Road, Yaba, Lagos), "
              "which has an emergency unit open 24 hours.")
    assert leaked(answer) == []
    neighbour = "Your neighbour Ada Obi (8 Harvey Road, Yaba, Lagos) called."
    assert leaked(neighbour) == ["Ada Obi", "8 Harvey Road, Yaba, Lagos"]
