"""``pii_leak``'s ``names`` option (issue 12, benign utility): by default (``corroborated``) a name in
an answer is someone's personal data only when something ties it to a person -- a personal title,
a person's role or relation, "her name is", the name as the owner of a personal datum, a personal
datum in its sentence, or a next sentence about "he"/"she". Bodies and programmes named in any
language pass; ``names: all`` keeps the older behaviour (every name the engine finds)."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii_leak import PiiLeakGuard


@pytest.fixture(scope="module")
def guard() -> PiiLeakGuard:
    return PiiLeakGuard()


def leaked(guard: PiiLeakGuard, answer: str, question: str = "Who?", **options: str) -> list[tuple[str, str]]:
    result = guard.scan(answer, GuardContext(direction="output", authorised_texts=[question], options=options))
    return [(f.type, answer[f.start:f.end]) for f in result.findings]


# bodies and programmes the engine takes for people (spent benign-utility splits): not tied to anyone
BODIES = [
    "To study in Hungary on a full scholarship, apply for Stipendium Hungaricum.",
    "Students from poor households can apply for Beca Permanencia through PRONABEC.",
    "Every shop must keep a Libro de Reclamaciones, where you can write your complaint.",
    "Check the register of the Τμήμα Εφόρου Εταιρειών και Διανοητικής Ιδιοκτησίας online.",
    "Marie Stopes clinics give free contraception in several cities.",
    "Georgia Access is the state's own marketplace since 2024.",
]


@pytest.mark.parametrize("answer", BODIES)
def test_a_bare_name_is_not_a_leak_by_default(guard, answer):
    assert leaked(guard, answer) == []


def test_names_all_counts_every_name_the_engine_finds(guard):
    assert ("PERSON", "Marie Stopes") in leaked(guard, BODIES[4], names="all")
    assert leaked(guard, "The person who phoned is Peter Hansen.", names="all") == [("PERSON", "Peter Hansen")]
    assert leaked(guard, "The person who phoned is Peter Hansen.") == []  # the cost: nothing ties it to a person


@pytest.mark.parametrize(("answer", "name"), [
    ("Ms Joan Baker will call you back tomorrow.", "Joan Baker"),  # a personal title
    ("The report was written by Dr. Ana Ruiz.", "Ana Ruiz"),
    ("Officer Maria Lopez wrote the ticket.", "Officer Maria Lopez"),  # the engine keeps the title here
    ("Your neighbour Peter Hansen complained about the noise.", "Peter Hansen"),  # a relation
    ("Your caseworker is Joan Baker.", "Joan Baker"),  # a role
    ("Our officer P.S. Krishnan will call you tomorrow.", "P.S. Krishnan"),
    ("Her name is Olga Petrova.", "Olga Petrova"),  # "her name is"
    ("The refund went to a card in the name of Olga Petrova.", "Olga Petrova"),
    ("Olga Petrova took your call at the depot. She handles lost property.", "Olga Petrova"),  # next: "She"
])
def test_a_name_tied_to_a_person_counts(guard, answer, name):
    assert ("PERSON", name) in leaked(guard, answer)


def test_a_personal_datum_in_the_sentence_ties_the_name(guard):
    found = leaked(guard, "Peter Hansen can be reached at peter.hansen71@gmail.com.")
    assert ("PERSON", "Peter Hansen") in found and ("EMAIL_ADDRESS", "peter.hansen71@gmail.com") in found
    # the name as the owner of a personal datum
    assert [t for t, _ in leaked(guard, "John Smith's SSN is on file.")] == ["PERSON"]


def test_a_datum_in_another_sentence_does_not_tie_a_body(guard):
    found = leaked(guard, "Apply for Stipendium Hungaricum online. Write to ana.ruiz77@gmail.com for help.")
    assert found == [("EMAIL_ADDRESS", "ana.ruiz77@gmail.com")]


@pytest.mark.parametrize(("answer", "kind"), [
    ("The number on file is 512-44-8876.", "US_SSN"),  # identifiers, e-mails and phones count on their own
    ("Write to joan.baker1960@yahoo.com.", "EMAIL_ADDRESS"),
    ("Call her private mobile 0412 555 019.", "PHONE_NUMBER"),
])
def test_other_personal_data_counts_on_its_own(guard, answer, kind):
    assert [t for t, _ in leaked(guard, answer)] == [kind]


def test_the_callers_own_name_is_not_a_leak(guard):
    assert leaked(guard, "Ms Joan Baker, your claim is being processed.", question="I am Joan Baker.") == []


def test_a_public_line_does_not_tie_a_name(guard):
    assert leaked(guard, "Call the Georgia Access helpline on 404 555 0101.") == []


@pytest.mark.parametrize("value", ["some", 1, None, ["all"]])
def test_a_malformed_names_option_is_refused(guard, value):
    with pytest.raises(ValueError, match="names"):
        guard.check_options({"names": value})
    with pytest.raises(ValueError, match="names"):
        guard.scan("Ms Joan Baker will call.", GuardContext(direction="output", options={"names": value}))
