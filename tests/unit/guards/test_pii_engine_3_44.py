"""Issue 12 (engine 3.44, made from the blind splits test70 and test71, spent after one scoring each at 3.43). New type
`MX_NSS` (a Mexican social security number: eleven digits, Luhn check, after "NSS" or "IMSS"). Found now: a Chinese
name after "my daughter / son / husband ... is called" ("我女儿叫林晓彤"). Not a person now: Malay "Sila" (please)
opening a sentence, a run opened by a line's word ("Careline PTPTN"). In answers a role after a determiner and up to
two words of any case ties the name, and the number with it ("a Kisumu candidate, Wanjiru Kamau Achieng, reachable on
…"); an address after Afrikaans or Dutch "hoofkantoor" (head office) is a public place's. Each rule is checked from
both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_44_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 44)
    assert "MX_NSS" in ENTITY_TYPES


def test_a_mexican_social_security_number_after_its_word():
    assert ("MX_NSS", "41088861236") in found("soy Juan, curp HEGJ880312HJCRRN06 y nss 41088861236. llevo 2 meses")
    assert found("the order 41088861236 shipped") == []  # no word before it
    assert [t for t, _ in found("mi nss 41088861237") if t == "MX_NSS"] == []  # the wrong check: not this scheme


def test_a_relatives_name_after_is_called_in_chinese():
    assert "林晓彤" in persons("你好，我女儿叫林晓彤，身份证号440305200608174524，今年高考")
    assert persons("我女儿叫我去办证") == []  # "my daughter told me to": no surname after it


@pytest.mark.parametrize("text", [
    "Sila semak syarat terkini di www.ptptn.gov.my atau hubungi Careline PTPTN di **03-2193 3000**.",
])
def test_malay_please_and_a_careline_are_no_person(text):
    assert persons(text) == []


def test_sila_before_an_english_word_stays_a_name():
    assert persons("Sila said she would call me back") == ["Sila"]


def test_a_role_after_a_determiner_ties_the_name_and_its_number():
    answer = "For example, a Kisumu candidate, Wanjiru Kamau Achieng, reachable on 0722 614 803, got hers in 3 weeks."
    assert leaked(answer) == ["Wanjiru Kamau Achieng", "0722 614 803"]
    assert leaked("Apply for a Student Candidate Grant Program via 0800 123 456.") == []


def test_a_head_office_address_is_a_public_place():
    answer = ("Die nasionale hoofkantoor is by 28 Harrison Street, Johannesburg, en die inbelsentrum is "
              "**0861 16 16 16**.")
    assert any(t == "STREET_ADDRESS" for t, _ in found(answer))
    assert leaked(answer) == []


def test_call_me_back_is_no_name():
    assert persons("can someone call me back tomorrow?") == []
    assert persons("please call me Ishmael") == ["Ishmael"]
    assert persons("call me mark") == ["mark"]  # a given name that is an English word too
