"""Issue 12 (engine 3.15, made from the blind split test32, spent after one scoring at 3.14). Benign side: a
cohort's year ("(born 1960 or later)") is no one's year of birth, a Dutch information line of four digits after
0900 is a body's line, a Polish "in" and a place in the locative at a sentence's start ("Na Mokotowie") is a place.
Privacy side: a name in kanji before "といいます", a CURP after "mi CURP es" whose check fails, an Iqama or BPJS
number after its word, a US A-number after its word. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_15_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 15)


@pytest.mark.parametrize("answer", [
    "If your **full retirement age is 67** (born 1960 or later), claiming at **62** cuts your benefit by about 30%.",
    "Het **Juridisch Loket (0900 8020)** kan je gratis helpen.",
])
def test_a_cohorts_year_and_a_dutch_information_line_stay(answer):
    assert leaked(answer) == []


def test_a_polish_place_after_na_is_no_name():
    assert persons("Na Mokotowie nie działa latarnia od tygodnia, gdzie zgłosić?") == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("I was born 1960, can I claim now?", "DATE_TIME", "1960"),
    ("Tawag po kayo sa 0917 842 5531 mamaya.", "PHONE_NUMBER", "0917 842 5531"),  # a mobile, not a 0900 line
    ("マイナンバーは 4826 1937 5504 です。佐々木美咲といいます。", "PERSON", "佐々木美咲"),
    ("me llamo Lucía, mi CURP es GAHL920315MDFRRC08 y sale con un error", "NATIONAL_ID", "GAHL920315MDFRRC08"),
    ("salam, Iqama 2398475610, my iqama expired", "NATIONAL_ID", "2398475610"),
    ("saya Siti, no BPJS 0001234567891, mau pindah faskes", "NATIONAL_ID", "0001234567891"),
    ("Guadalupe, A-number A212-345-678, DACA renewal pending", "NATIONAL_ID", "A212-345-678"),
])
def test_names_and_identifiers_of_test32_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "この制度はワンストップ特例といいます。",  # a scheme's name after katakana: no name
    "Your A-number looks like A-123-456-789 on the card.",  # a counting run shows the format
])
def test_a_schemes_name_and_a_format_example_are_no_name_or_identifier(text):
    assert [v for t, v in found(text) if t in ("PERSON", "NATIONAL_ID")] == []
