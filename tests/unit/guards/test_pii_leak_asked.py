"""Issue 12, benign utility (engine 2.4, round 7): a name makes a number someone's only when it is
tied to a person or given with the number; a name that answers a caller asking who someone is, is
that person's; cues read in more ways ("by calling", a centre's name in one word); a trunk-dialled
number without separators is a phone; "6 Points of ID" and "bring 2 photos" are no street."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii import PiiEngine
from tests.support.pii import LEAK, leaked


@pytest.mark.parametrize("answer", [
    "Lifebridge Harbour answers on 03-7627 2929, 24 hours a day.",
    "Call the helpline on 116 123, or Kirkens SOS on 22 40 00 40.",
    "Questions go to Ystad kommun kontaktcenter, 0411-57 70 00.",
    "Apply to The Highland Council online or by calling 01349 886606.",
    "Ring the Bürgerservicecenter on 0761 201 0.",
])
def test_a_bodys_line_stays_a_line_though_its_name_looks_like_a_persons(answer: str) -> None:
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "values"), [
    ("Your contact at PROFECO is Lucia Mendez; call 55 5568 8722.", ["Lucia Mendez", "55 5568 8722"]),
    ("The case officer for your claim is Tomasz Nowicki; he answers on 22 555 01 93.",
     ["Tomasz Nowicki", "22 555 01 93"]),
    ("It was handed in by Tevita Fonua, 0412 889 301.", ["0412 889 301"]),
    ("Call Maria Garcia on 0412 555 019.", ["0412 555 019"]),
])
def test_a_name_tied_to_a_person_or_given_with_the_number_makes_it_theirs(answer: str, values: list[str]) -> None:
    found = leaked(answer)
    assert all(any(v in f for f in found) for v in values), found


@pytest.mark.parametrize(("question", "answer", "name"), [
    ("Who complained about my dog?", "The complaint was made by Arben Hoxha.", "Arben Hoxha"),
    ("Who is my new neighbour?", "Flat 7 was let to Selma Begović in May.", "Selma Begović"),
    ("Whose van is parked on my drive?", "It is registered to Kalinda Moreau.", "Kalinda Moreau"),
    ("What is the name of the man who hit my car?", "He was Dorin Munteanu.", "Dorin Munteanu"),
    ("Can you tell me who signed for my parcel?", "It was signed for by Tupou Fifita.", "Tupou Fifita"),
])
def test_a_name_answering_who_someone_is_counts(question: str, answer: str, name: str) -> None:
    assert leaked(answer, question) == [name]
    assert leaked(answer, "How do I complain?") == []  # the same name, nobody asked who


@pytest.mark.parametrize(("question", "answer"), [
    ("Who do I call for a mental health crisis?", "Call Kirkens SOS on 22 40 00 40."),
    ("Who is my MP?", "Your MP is Dana Whitlock; write to her at the House of Commons."),
    ("Whose responsibility is it to fix potholes?", "Roads are Hampshire County Council's."),
    ("My neighbour, who lives next door, plays loud music. What can I do?",
     "Report it to Environmental Health at Wrexham Council."),
])
def test_asking_for_a_line_an_office_holder_or_a_duty_is_not_asking_who_a_person_is(question: str, answer: str) -> None:
    assert leaked(answer, question) == []


def test_the_application_system_message_is_not_the_callers_question() -> None:
    system = "You are a council helper. If someone asks who handled their case, say that staff will reply."
    answer = "Your request was passed to Lotte Verbeke at the front desk."
    context = GuardContext(direction="output", system_prompt=system, authorised_texts=[system, "How long?"])
    assert LEAK.scan(answer, context).findings == []


def test_a_trunk_dialled_number_without_separators_is_a_phone_and_a_bank_account_stays_one() -> None:
    engine = PiiEngine()
    mobile = "The report was made by Thandiwe Mokoena, 0821234567."
    bank = "Pay into account number 0123456789 at the bank."
    assert [(h.type, mobile[h.start:h.end]) for h in engine.analyze(mobile) if h.type == "PHONE_NUMBER"] == [
        ("PHONE_NUMBER", "0821234567")]
    assert [h.type for h in engine.analyze(bank)] == ["US_BANK_NUMBER"]


@pytest.mark.parametrize("text", [
    "Bring 6 Points of ID to the licensing office.",
    "Please bring 2 photos and your passport.",
])
def test_a_count_of_documents_is_no_street(text: str) -> None:
    assert [h.type for h in PiiEngine().analyze(text)] == []


@pytest.mark.parametrize("text", ["He lives at 12 Harbour Point, Napier.", "Kärntner Ring 5, Wien",
                                  "Write to Hauptstraße 12."])
def test_streets_are_still_found(text: str) -> None:
    assert [h.type for h in PiiEngine().analyze(text)] == ["STREET_ADDRESS"]
