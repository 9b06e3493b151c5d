"""Issue 12 (engine 3.30, made from the blind split test47, spent after one scoring at 3.29). A month before a
year is no street ("31 martie 2025": the Romanian March ends like the Finnish "tie", a road); "Theo" opening a
Vietnamese sentence is "according to", not a given name. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked


def test_the_engine_is_3_30_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 30)


@pytest.mark.parametrize("answer", [
    "Bonificația se acordă dacă plătiți până la **31 martie 2025**. Cel mai simplu puteți plăti online.",
    "Đúng vậy. Theo **Nghị định 168/2024/NĐ-CP** có hiệu lực từ 1/1/2025, người điều khiển **xe máy** vượt đèn đỏ "
    "bị phạt từ **4 đến 6 triệu đồng** (trước đây 800.000 – 1.000.000 đồng).",
])
def test_a_month_and_a_vietnamese_word_are_kept(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Theo called me yesterday about the flat.", "Theo"),  # an English sentence: the given name
    ("Mieszkam przy ulicy Hämeentie 12 w Helsinkach.", "Hämeentie 12"),  # a Finnish road: "tie" still a street
])
def test_the_name_and_the_road_are_still_found(text, value):
    assert value in [v for _, v in found(text)]
