"""Issue 12, benign utility (engine 2.4): ``pii_leak`` takes a phone number in an answer for a
service's line when the answer gives it to call and nothing ties it to a person, and for a
person's when something does; the demo helpdesk's input ``pii`` guard leaves the place, the age
and the group a question is about alone and still redacts what identifies or reaches the caller."""

from __future__ import annotations

import pytest

from charter.bootstrap import DEMO_CHARTER
from charter.guards.base import GuardContext
from charter.guards.pii.guard import PiiGuard
from charter.policy.loader import parse_charter
from tests.support.pii import leaked


@pytest.mark.parametrize("answer", [
    "Call the Rural Support Line on 412-7730 or 412-7731, run with the Department of Health.",
    "Ring the Citizens' Service at 5521 0090 between 8 and 4.",
    "Pay by phone on 7710 3300 or in person at the Town Hall.",
    "Book the theory test online. Call 633-1090 for information.",
    "Dial 116 006 for victim support, free of charge.",
    "Text HELLO to 741741 to reach a trained counsellor.",
    "Questions about permits go to 55 21 40 90.",
    "The Ombud's number is 22 87 40 00.",
    "Call Harbour Legal Services at 310-4455.",  # a body the engine may read as a name, not tied to anyone
])
def test_a_number_given_to_call_is_a_services_line(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("The plumber who came last week left this number: 07700 900 816.", "07700 900 816"),  # a person's role
    ("Ask at the front desk, or reach him at 604-555-0183.", "604-555-0183"),  # a pronoun
    ("Her brother can be called on 0412 770 391.", "0412 770 391"),
    ("Ms Anouk de Vries will call you; her direct line is 020 555 0147.", "020 555 0147"),
    ("The parcel was left with Rangi Parata, 027 555 0193.", "027 555 0193"),  # a name right before it
    ("Call Maria Garcia on 0412 555 019.", "0412 555 019"),
    ("The buyer, at 41 Kauri Road, can be reached on 022 555 0178.", "022 555 0178"),  # another datum
    ("0412 555 019", "0412 555 019"),  # a bare number nobody presents as a line
])
def test_a_number_tied_to_a_person_still_counts(answer, value):
    assert value in leaked(answer)


def test_a_personal_mobile_is_a_persons_even_after_call():
    assert leaked("Call his mobile 0412 555 019 if the office is closed.") == ["0412 555 019"]


def _demo_input(text: str) -> list[tuple[str, str]]:
    options = parse_charter(DEMO_CHARTER).guards["pii"].options
    result = PiiGuard().scan(text, GuardContext(options=options))
    return [(f.type, text[f.start:f.end]) for f in result.findings]


@pytest.mark.parametrize("question", [
    "How do I become a permanent resident of Belize?",
    "Where can I report domestic violence in the Solomon Islands?",
    "I am 67 and live in Tromsø, how do I apply for my pension?",
    "I moved to Leeds in September, what is the deadline to register?",
    "Is there a grant for Ukrainian students in Kraków?",
])
def test_the_demo_input_guard_leaves_places_ages_and_groups_alone(question):
    assert _demo_input(question) == []


def test_the_demo_input_guard_still_redacts_what_reaches_the_caller():
    text = ("I'm Olga Petrova, born 4 March 1961, SSN 536-22-8731, card 4111 1111 1111 1111, "
            "mobile 0412 555 019, olga.petrova@gmail.com, 14 Rathmines Road, Dublin.")
    found = {t for t, _ in _demo_input(text)}
    assert {"PERSON", "DATE_TIME", "US_SSN", "CREDIT_CARD", "PHONE_NUMBER", "EMAIL_ADDRESS",
            "STREET_ADDRESS"} <= found
