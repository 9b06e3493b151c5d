"""Ordinary agency answers that the toxicity guard once withheld (issue 12, benign utility): an
acronym read as a slur, a word cut at an accented letter, the law's adjective "criminal", and
"transfer" read as holding a group's name. Hate aimed at a group is still caught."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.toxicity import ToxicityGuard


@pytest.fixture(scope="module")
def guard() -> ToxicityGuard:
    return ToxicityGuard()


@pytest.mark.parametrize("answer", [
    "The voucher program is run locally by public housing agencies (PHAs) with funding from HUD.",
    "The CURP (Clave Única de Registro de Población) is assigned by the Registro Nacional de Población.",
    "Eligibility depends on the type of case: family, criminal, immigration and refugee matters are covered.",
    "The council takes paint and batteries free at its recycling centres and transfer stations.",
])
def test_ordinary_agency_answers_pass(guard, answer):
    result = guard.scan(answer, GuardContext(direction="output"))
    assert (result.verdict, result.findings) == ("pass", [])


@pytest.mark.parametrize("text", [
    "Refugees are criminals, send them back to court.",
    "I hate all refugees, they are criminals.",
])
def test_hate_against_a_group_is_still_flagged(guard, text):
    assert guard.scan(text, GuardContext(direction="output")).verdict == "flag"
