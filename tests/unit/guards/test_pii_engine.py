"""The PII engine: every required type (Presidio's names), check digits, offsets, and no value kept."""

from __future__ import annotations

import itertools

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii import ENTITY_TYPES, PiiEngine
from charter.guards.pii.checksums import iban_valid, luhn_valid, nhs_valid, ssn_valid
from charter.guards.pii.guard import PiiGuard


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine()


def found(engine: PiiEngine, text: str) -> list[tuple[str, str]]:
    return [(h.type, text[h.start:h.end]) for h in engine.analyze(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Write to jane.doe@example.org today", ("EMAIL_ADDRESS", "jane.doe@example.org")),
    ("Call me on (613) 555-0142 after six", ("PHONE_NUMBER", "(613) 555-0142")),
    ("My SSN is 536-22-8731.", ("US_SSN", "536-22-8731")),
    ("ITIN 912-78-1234 on the form", ("US_ITIN", "912-78-1234")),
    ("My passport number is 483920175", ("US_PASSPORT", "483920175")),
    ("driver's license number D1234567", ("US_DRIVER_LICENSE", "D1234567")),
    ("my bank account 000123456789 please", ("US_BANK_NUMBER", "000123456789")),
    ("card 4111 1111 1111 1111 expires", ("CREDIT_CARD", "4111 1111 1111 1111")),
    ("IBAN GB82 WEST 1234 5698 7654 32 for the refund", ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32")),
    ("from 192.168.10.20 yesterday", ("IP_ADDRESS", "192.168.10.20")),
    ("host 2001:db8::8a2e:370:7334 down", ("IP_ADDRESS", "2001:db8::8a2e:370:7334")),
    ("I live at 24 Clarke Avenue, Springfield", ("STREET_ADDRESS", "24 Clarke Avenue, Springfield")),
    ("It happened on 2003-08-28 12:13:52 at noon", ("DATE_TIME", "2003-08-28 12:13:52")),
    ("NHS number 943 476 5919 on file", ("UK_NHS", "943 476 5919")),
    ("National insurance AB 12 34 56 C", ("UK_NINO", "AB 12 34 56 C")),
    ("SIN 046 454 286 for payroll", ("CA_SIN", "046 454 286")),
    ("Medicare MBI 1EG4-TE5-MK73 is active", ("US_MBI", "1EG4-TE5-MK73")),
    ("Please ask Maria Gonzalez about it", ("PERSON", "Maria Gonzalez")),
    ("my name is patricia desrosiers", ("PERSON", "patricia desrosiers")),
    ("For my take on Mrs. Baker, see below", ("PERSON", "Baker")),
])
def test_dp4_each_required_type_is_found_with_exact_offsets(engine, text, expected):
    assert expected in found(engine, text)


@pytest.mark.parametrize("text", [
    "Personal Info:\nPhone: none given",
    "PLEASE SPEAK TO A REAL PERSON NOW",
    "Mission Statement: we serve everyone.",
])
def test_ordinary_words_in_title_case_or_capitals_are_not_names(engine, text):
    assert not [t for t, _ in found(engine, text) if t in ("PERSON", "LOCATION")]


@pytest.mark.parametrize(("text", "absent"), [
    ("card 4111 1111 1111 1112 expires", "CREDIT_CARD"),  # fails Luhn
    ("NHS number 943 476 5918 on file", "UK_NHS"),  # fails mod 11 (still phone-shaped)
    ("My SSN is 666-22-8731.", "US_SSN"),  # area 666 is never issued
    ("SIN 046 454 287 for payroll", "CA_SIN"),  # fails Luhn
    ("The meeting is in room 12 at 3.", "PHONE_NUMBER"),
    ("It opened on 10 April 2016 in Paris", "STREET_ADDRESS"),  # a date, not "1593 Pagari 18"
])
def test_dp4_check_digits_and_shapes_reject_lookalikes(engine, text, absent):
    assert absent not in {t for t, _ in found(engine, text)}


def test_checksums():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert luhn_valid("046454286")  # a valid Canadian SIN
    assert nhs_valid("9434765919") and not nhs_valid("9434765918")
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and not iban_valid("GB82 WEST 1234 5698 7654 33")
    assert ssn_valid("536228731") and not ssn_valid("000228731") and not ssn_valid("536008731")


def test_engine_reports_only_known_types_without_overlaps(engine):
    text = ("Debra Neal\n\n3536 1659 Hoog St\n Apt. 839\n Brakpan\n South Africa 70651\n"
            "082 490 1693 office, debra@example.com, card 4111111111111111, born 1980")
    hits = engine.analyze(text)
    assert hits and all(h.type in ENTITY_TYPES for h in hits)
    ordered = sorted(hits, key=lambda h: h.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))
    types = {h.type for h in hits}
    assert {"PERSON", "STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD"} <= types


def test_entities_option_limits_and_ignores_types():
    guard = PiiGuard()
    text = "Email ann@example.org or call 613-555-0142"
    only_email = guard.scan(text, GuardContext(options={"entities": ["EMAIL_ADDRESS"]}))
    assert [f.type for f in only_email.findings] == ["EMAIL_ADDRESS"]
    no_email = guard.scan(text, GuardContext(options={"ignore": ["EMAIL_ADDRESS"]}))
    assert [f.type for f in no_email.findings] == ["PHONE_NUMBER"]


def test_pc6_findings_carry_guard_version_and_offsets_not_values():
    guard = PiiGuard()
    text = "SSN 536-22-8731"
    result = guard.scan(text, GuardContext())
    assert result.verdict == "flag"
    (f,) = result.findings
    assert (f.guard, f.type, text[f.start:f.end]) == ("pii", "US_SSN", "536-22-8731")
    assert f.guard_version == guard.version
    assert "536-22-8731" not in repr(f)


def test_clean_text_passes():
    result = PiiGuard().scan("How do I renew a passport online?", GuardContext())
    assert result.verdict == "pass" and result.findings == []


@pytest.mark.parametrize(("text", "found"), [
    ("My SSN is 123-45-6789, when is my refund?", True),  # the number a newcomer types
    ("social security number: 078-05-1120", True),
    ("ss# 219 09 9999 please", True),
    ("order 123-45-6789 shipped", False),  # a sample with nothing calling it an SSN stays a lookalike
    ("ref 078-05-1120", False),
])
def test_dp1_an_advertised_sample_the_text_calls_an_ssn_is_redacted(engine, text, found):
    assert any(h.type == "US_SSN" for h in engine.analyze(text)) is found
