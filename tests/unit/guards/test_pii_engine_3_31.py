"""Issue 12 (engine 3.31, made from the blind splits test48 and test49, spent after one scoring each at 3.30; no
blind split has judged 3.31). Found now: a number after "steuer id", the Greeklish "afm" and the Bulgarian "ЕГН"
(a national identifier by its word), and an Italian street written in lower case with its article ("via dello
Scalo 41"). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found


def test_the_engine_is_3_31_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 31)


@pytest.mark.parametrize(("text", "value"), [
    ("ich bin Matthias Brenninger, steuer id 86095742719, wohne in Passau", "86095742719"),
    ("eimai anergos apo martio. afm 138472595 amka 15088201239", "138472595"),
    ("казвам се Стефка Георгиева, ЕГН 5612084478. до кога трябва да платя", "5612084478"),
    ("buongiorno, abito in via dello Scalo 41 a bologna", "via dello Scalo 41"),
])
def test_identifiers_and_streets_are_found(text, value):
    assert value in [v for _, v in found(text)]


@pytest.mark.parametrize("text", [
    "the form was sent via email to the office on 12 March",  # "via" without an Italian article
    "the afm office is open until 17:00",  # the word without a number after it
])
def test_no_identifier_or_street_where_none_is(text):
    assert [(t, v) for t, v in found(text) if t in ("NATIONAL_ID", "STREET_ADDRESS", "DE_TAX_ID")] == []
