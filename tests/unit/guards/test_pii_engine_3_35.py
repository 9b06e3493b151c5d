"""Issue 12 (engine 3.35, made from the blind splits test56 and test57, spent after one scoring each at 3.34; no
blind split has judged 3.35). Not a person now: a run opened by a compass point or "Greater" ("the West Midlands",
"North Sydney"), a place's noun after a possessive name ("Martha's Vineyard"); not a street, a law's name and year
("Wet inburgering 2021"). Found now: a Chinese name after "I am" right after "你好" (hello). Each rule is checked
from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, persons


def test_the_engine_is_3_35_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 35)


@pytest.mark.parametrize("text", [
    "There's an amber heat-health alert for the West Midlands. My mum is 82, what should we do?",
    "Do I need a reservation for the North Sydney to Port aux Basques ferry in July?",
    "can we bring our car to Martha's Vineyard in late June without a reservation?",
    "Greater Manchester Police says the road is closed",
])
def test_places_are_no_person(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("my landlord Kanye West has not returned the deposit", "Kanye West"),  # a compass word ending a name
    ("the form was signed by Martha Vine yesterday", "Martha Vine"),
])
def test_people_stay_people(text, name):
    assert name in persons(text)


def test_a_laws_name_and_year_is_no_street():
    assert [v for t, v in found("ik val onder de **Wet inburgering 2021** en woon in tilburg")
            if t == "STREET_ADDRESS"] == []
    # a street with the same ending is still one
    assert ("STREET_ADDRESS", "Kaiserring 21") in found("ich wohne am Kaiserring 21 in Mannheim")


def test_a_chinese_name_after_a_greeting_and_i_am():
    assert "林怡君" in persons("你好我是林怡君，身分證F228731453，住新北市板橋區文化路一段188號5樓。")
    assert persons("你好我是學生，想問健保費怎麼繳") == []  # "I am a student": no surname, no name
