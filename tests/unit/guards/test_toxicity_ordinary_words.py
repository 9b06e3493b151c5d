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
