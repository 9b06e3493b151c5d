"""Issue 12 (engine 3.47, made from the blind splits test76 and test77, spent after one scoring each at 3.46). Found
now: an address after "I live in" in Norwegian, Swedish, Danish, Polish ("mieszkam w"), German, Dutch and Romanian,
with or without a street's word ("bor i Nedre Moen 7, 2640 Vinstra", "mieszkam w Zalesiu 27, 08-110 Siedlce"), a
Romanian village's house ("din satul Horodnic de Sus nr. 214"), a farm's County Parish Holding number after "CPH". Not
a person now: a run ending in Turkish "Merkezi" (a centre: "TARSIM Cagri Merkezi", a call centre); in answers "Cagri
Merkezi" and "Müşteri Hizmetleri" present a public line. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked


def test_the_engine_is_3_47_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 47)


@pytest.mark.parametrize(("text", "address"), [
    ("Hei, Torbjørn Aasen her, bor i Nedre Moen 7, 2640 Vinstra. Naboen har satt opp gjerde.",
     "Nedre Moen 7, 2640 Vinstra"),
    ("nazywam sie Katarzyna Wróblewska, mieszkam w Zalesiu 27, 08-110 Siedlce. czy wypadne z KRUS?",
     "Zalesiu 27, 08-110 Siedlce"),
    ("sunt Elena Hrițcu, din satul Horodnic de Sus nr. 214, jud. Suceava.", "Horodnic de Sus nr. 214"),
    ("ich wohne in Lindenallee 4, 10115 Berlin", "Lindenallee 4, 10115 Berlin"),
])
def test_an_address_after_i_live_in(text, address):
    assert ("STREET_ADDRESS", address) in found(text)


@pytest.mark.parametrize("text", ["jeg bor i Oslo 3 år nå", "ich wohne in Berlin 12 Jahre schon", "vi bor i Norge"])
def test_a_town_and_a_count_after_i_live_in_is_no_address(text):
    assert [t for t, _ in found(text) if t == "STREET_ADDRESS"] == []


def test_a_holding_number_after_cph():
    assert ("CASE_NUMBER", "33/412/0087") in found("Gareth here, holding CPH 33/412/0087. I've lost two passports.")
    assert found("You need a CPH number before you keep livestock.") == []


def test_a_turkish_call_centre_is_no_person_and_its_line_is_public():
    answer = "Hasarı 10 gün içinde bildirin: **TARSİM Çağrı Merkezi 0850 250 82 77**."
    assert [t for t, _ in found(answer) if t == "PERSON"] == []
    assert leaked(answer) == []
    assert ("PERSON", "Ayşe Merkez") in found("Ayşe Merkez aradı")  # "Merkez" alone may be a surname
