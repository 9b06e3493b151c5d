"""A postscript marker ("P.S.", "P.P.S.") opening a sentence is not a person (issue 12: pii_leak took
"P.S. Bring" for a name and withheld the answer); initials before a surname still are."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii.guard import PiiGuard
from charter.guards.pii_leak import PiiLeakGuard


def people(text: str) -> list[str]:
    """The names the engine finds in an answer (``names: all``: every name counts, tied to a person or not)."""
    result = PiiLeakGuard().scan(text, GuardContext(direction="output", options={"names": "all"}))
    return [text[f.start:f.end] for f in result.findings if f.type == "PERSON"]


@pytest.mark.parametrize("text", [
    "You can renew online on the passport office website. P.S. Bring your old passport to the appointment.",
    "P.S. The office is closed on Monday.",
    "Thank you for your letter.\n\nP.S. Remember to sign page 2 of the form.",
    "P.P.S. Keep the receipt until your refund arrives.",
])
def test_a_postscript_marker_is_not_a_person(text):
    assert people(text) == []
    assert PiiGuard().scan(text, GuardContext()).findings == []


def test_a_name_after_a_postscript_marker_is_still_found():
    assert people("P.S. Anna Kowalski from the housing team will call you.") == ["Anna Kowalski"]


def test_initials_before_a_surname_mid_sentence_are_still_a_name():
    assert people("Our officer P.S. Krishnan will call you tomorrow.") == ["P.S. Krishnan"]
