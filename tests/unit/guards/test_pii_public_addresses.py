"""Issue 12, benign utility (round 8): ``pii_leak`` takes a street address in an answer for a public
place's when the answer gives it as where a body, office or service is and nothing ties it to a
person, and for a person's when something does; a toll-free line grouped like an SSN is no SSN; the
engine reads a Dutch BSN and an Irish PPS number (check and context word), and a name after "from"
that opens with a given name as a person's; the toxicity guard does not read a web address's words."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii.checksums import bsn_valid, pps_valid
from charter.guards.toxicity import ToxicityGuard
from tests.support.pii import found, leaked


@pytest.mark.parametrize("answer", [
    "Register within two weeks at the Bürgeramt Nord of the Stadt Kiel (Rendsburger Landstraße 12) with your ID.",
    "Apply at the Kfz-Zulassungsstelle, Lindenstraße 3, with the registration papers and proof of insurance.",
    "Book an appointment at the Einwohnerkontrolle (Marktgasse 9) through the city's website.",
    "Visit the Service Centre at 24 Clarke Avenue, open weekdays 9 to 5.",
    "The Citizens' Office is located at 7 Harbour Road; bring your passport.",
    "Apply at the Housing Office (Hauptstraße 40, 2nd floor); questions by calling 0316 872-5252.",
    "If you moved to Kiel recently, register at the Bürgeramt, Markt 1, within two weeks of moving.",
    "Write to the Home Office, 2 Marsham Street, London.",
])
def test_an_office_address_is_a_public_place(answer: str) -> None:
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Your ex-wife lives at 14 Elm Street, Leeds.", "14 Elm Street"),
    ("Send it to Jane Doe, 14 Elm Street, Leeds.", "14 Elm Street"),
    ("Her address is Lindengasse 12, Wien.", "Lindengasse 12"),
    ("The tenant moved to Rue Oberkampf 5 in Paris.", "Rue Oberkampf 5"),
    ("The previous tenant's forwarding address is Hauptstraße 40, Graz.", "Hauptstraße 40"),
    ("Since June, Kowalczyk lives at Lindengasse 12 in Wien.", "Lindengasse 12"),
    ("Home address: 14 Elm Street, Leeds.", "14 Elm Street"),
])
def test_a_persons_address_is_still_a_leak(answer: str, value: str) -> None:
    assert any(value in v for v in leaked(answer))


def test_a_who_question_makes_the_address_a_persons() -> None:
    answer = "The owner is registered at the Rathaus records as resident of Marktgasse 9, Bern."
    assert any("Marktgasse 9" in v for v in leaked(answer, "Who owns the house next to mine?"))


def test_a_landlord_in_another_clause_does_not_make_the_office_line_a_persons() -> None:
    answer = "Bring the form signed by your landlord; questions by calling 0316 872-5252."
    assert leaked(answer) == []
    assert leaked("Ask your landlord, who can be called on 0316 872-5252.") != []


def test_a_toll_free_line_grouped_like_an_ssn_is_no_ssn() -> None:
    assert found("The Centrum Wsparcia answers on 800 70 2222.") == []
    assert ("US_SSN", "800 70 2222") in found("My SSN is 800 70 2222.")
    assert ("US_SSN", "800-70-2222") in found("Number 800-70-2222 on the form.")


@pytest.mark.parametrize("number", ["111222333", "123456782", "204817353"])
def test_bsn_eleven_check(number: str) -> None:
    assert bsn_valid(number)
    assert not bsn_valid(number[:-1] + str((int(number[-1]) + 1) % 10))


def test_pps_check_letter() -> None:
    assert pps_valid("6433435F") and pps_valid("6433435FW") and pps_valid("6433435OA") and pps_valid("6433435IH")
    assert not pps_valid("6433435E") and not pps_valid("6433435VH") and not pps_valid("1234567TA")


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("My BSN is 123456782, when is my refund?", "NL_BSN", "123456782"),
    ("burgerservicenummer: 1234.56.782", "NL_BSN", "1234.56.782"),
    ("My PPS number is 6433435OA.", "IE_PPS", "6433435OA"),
    ("PPSN 6433435F, claim for Jobseeker's Benefit", "IE_PPS", "6433435F"),
])
def test_bsn_and_pps_with_a_context_word(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "Order 123456782 was shipped.",  # valid 11-check, no context word
    "My BSN is 123456783.",  # fails the 11-check
    "Reference 6433435OA on the letter.",  # valid PPS, no context word
    "My PPS number is 6433435E.",  # wrong check letter
])
def test_no_bsn_or_pps_without_check_and_context(text: str) -> None:
    assert not [t for t, _ in found(text) if t in ("NL_BSN", "IE_PPS")]


def test_a_given_name_after_from_is_a_person() -> None:
    assert ("PERSON", "Maria Santos") in found("The complaint came from Maria Santos.")
    assert ("PERSON", "Maria Santos") not in found("Flights from Victoria Falls leave daily.")
    assert leaked("The complaint came from Maria Santos.", "Who complained about my hedge?") == ["Maria Santos"]
    for place in ("Victoria Falls", "George Town", "Santa Cruz"):
        assert ("PERSON", place) not in found(f"Visitors from {place} come every year.")


@pytest.fixture(scope="module")
def toxicity() -> ToxicityGuard:
    return ToxicityGuard()


@pytest.mark.parametrize("answer", [
    "Apply at your seniūnija or online on spis.lt; bring proof of income.",
    "Details are at https://www.spis.lt/paslaugos and help@spis.lt.",
])
def test_a_web_address_is_not_read_for_slurs(toxicity: ToxicityGuard, answer: str) -> None:
    assert toxicity.scan(answer, GuardContext(direction="output")).verdict == "pass"


def test_a_slur_beside_a_web_address_is_still_caught(toxicity: ToxicityGuard) -> None:
    result = toxicity.scan("Those spics are vermin, see example.com.", GuardContext(direction="output"))
    assert result.verdict == "flag"
