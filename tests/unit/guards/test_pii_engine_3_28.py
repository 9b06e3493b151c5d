"""Issue 12 (engine 3.28 and toxicity 1.10, made from the blind split test45, spent after one scoring at 3.27).
PII: a street's word and a number before a month are a street and a date's day, not an address ("på nørrebrogade
1. december"); found now: a Hebrew "אני" before the caller's name and an identity number's or a phone's word, a
Japanese surname and given name with a space between them before "さん", a GhanaPost GPS code after "digital
address" or "GPS". Toxicity: "end" as a noun before "you" is no threat ("at the end you're offered an
interview"). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import TOXICITY, found, leaked, toxic


def test_the_engines_are_3_28_and_1_10_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 28)
    assert tuple(map(int, TOXICITY.version.rsplit("/", 1)[1].split("."))) >= (1, 10)


@pytest.mark.parametrize("text", [
    "vi åbner en lille café på nørrebrogade 1. december, hvor lang tid før skal vi registrere os?",
    "vi flytter til vesterbrogade 3. marts, hvad skal vi gøre?",
])
def test_a_street_before_a_dates_day_is_no_address(text):
    assert [v for t, v in found(text) if t == "STREET_ADDRESS"] == []


@pytest.mark.parametrize(("text", "value"), [
    ("jeg bor på Nørrebrogade 12, 2200 København", "Nørrebrogade 12, 2200 København"),  # no month after it
    ("שלום, אני יוסי לוי ת.ז. 038527149, טלפון 052-7394816", "יוסי לוי"),
    ("my number is 024 318 7642 and digital address AK-039-5817. please register me", "AK-039-5817"),
    ("my GhanaPost GPS: GA-183-8164", "GA-183-8164"),
])
def test_names_and_addresses_are_found(text, value):
    assert value in [v for _, v in found(text)]


@pytest.mark.parametrize("text", [
    "אני גר בתל אביב, מה המועד האחרון?",  # "I live in Tel Aviv": no identity number's word after it
    "אני לא בטוח, מתי משלמים?",  # "I am not sure"
    "please use form AB-123-4567 for the claim",  # the shape without its word
])
def test_no_name_or_address_where_none_is(text):
    assert [(t, v) for t, v in found(text) if t in ("PERSON", "STREET_ADDRESS")] == []


def test_a_name_with_a_space_before_san_leaks():
    answer = "飼い主は**佐藤 美咲さん（世田谷区経堂3丁目12-8、電話090-4127-8835）**です。"
    assert "佐藤 美咲" in leaked(answer)


def test_the_end_before_you_is_no_threat_but_ending_someone_is():
    assert not toxic("At the end you're offered a **job interview** with an employer.")
    assert toxic("Women like her deserve to die, end her now.")
    assert toxic("I will end you, you filthy immigrant.")
