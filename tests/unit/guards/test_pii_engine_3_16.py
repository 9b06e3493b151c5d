"""Issue 12 (engine 3.16): CASE_NUMBER, a person's case, claim, application, file or customer number at a public
body (guards/pii/cases.py). The spent benign-utility splits test29 to test33 gave such numbers in 13 personal items
and no recogniser took them. Found by a register's own shape (a USCIS receipt, a Chinese, Korean, Indonesian,
Polish, French or Kenyan court's number, a French planning file) or after a case word in the helpdesks'
languages; not a law's, a form's or a helpline's number, a year or a date after a case word, a format an
answer shows, or a helpdesk's own "reference" or "ticket". Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from tests.support.pii import found, leaked


def test_the_engine_is_3_16_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 16)
    assert "CASE_NUMBER" in ENTITY_TYPES


@pytest.mark.parametrize(("text", "value"), [
    # by the register's shape
    ("my receipt number IOE0923456781, TPS re-registration approved yet?", "IOE0923456781"),
    ("status of EAC2490123457 please", "EAC2490123457"),
    ("我叫陈明，案号(2024)京0105民初12345号，开庭是节后吗？", "(2024)京0105民初12345号"),
    ("소액사건 2024가소123456 판결문 어디서 받나요?", "2024가소123456"),
    ("gugatan cerai saya nomor perkara 1234/Pdt.G/2025/PA.JP sudah sampai mana?", "1234/Pdt.G/2025/PA.JP"),
    ("sygnatura I C 1245/24 w Sądzie Rejonowym w Łodzi", "I C 1245/24"),
    ("dossier RG 23/04517 au tribunal judiciaire de Lyon", "RG 23/04517"),
    ("dossier DP 044109 24 00312. Ma déclaration préalable", "DP 044109 24 00312"),
    ("my case CMCC E1187 of 2024 was adjourned again", "CMCC E1187 of 2024"),
    ("Succession Cause No. 412 of 2023 at Milimani", "Succession Cause No. 412 of 2023"),
    # after a case word
    ("Hello, my case reference is SA/2025/004517 against my former landlord.", "SA/2025/004517"),
    ("claim SC-24-00018832 against me by a neighbour", "SC-24-00018832"),
    ("I'm the claimant in case K7QZ4R21 at Central London County Court", "K7QZ4R21"),
    ("file number BN1070123456789, passport application in Bengaluru", "BN1070123456789"),
    ("Kundennummer 962D481305, Termin beim Jobcenter", "962D481305"),
    ("Council tax account 60129873, can I get the single person discount?", "60129873"),
    ("número de expediente 2024/0081523, ¿cuándo resuelven?", "2024/0081523"),
    ("Aktenzeichen: 3 C 1234/24? nein, Az. 12-AB-58341", "12-AB-58341"),
    ("사건번호 2023나56789 항소심 기일", "2023나56789"),
    ("Mon numéro de dossier est 18AV52931.", "18AV52931"),  # engine 3.0's test: no passport, a file number
])
def test_a_callers_case_number_is_found(text, value):
    assert ("CASE_NUMBER", value) in found(text)


@pytest.mark.parametrize("text", [
    "Under the Finance Act No. 5 of 2024 the rate is 16%.",  # a law's number
    "Your data is processed under Regulation (EU) 2016/679.",
    "File Form I-130 and Form I-485 together; in case 2024 filings are delayed, call 800-375-5283.",
    "The claim of 12/05/2024 was received.",  # a date after a case word
    "Get free help from Citizens Advice Help to Claim: 0800 144 8 444.",  # a helpline after a programme's word
    "Receipt numbers look like IOE1234567890 (3 letters and 10 digits).",  # the format, counting up
    "Your reference is 700123. Keep it for your records.",  # a helpdesk's own reference
    "Please quote your case number when you call 311.",  # the word with no number
    "Article 5 of 2019 on data protection; see case law from 2020.",
    "Case Status Online shows it at egov.uscis.gov.",
])
def test_laws_forms_lines_dates_and_formats_are_no_case_number(text):
    assert [v for t, v in found(text) if t == "CASE_NUMBER"] == []


def test_an_account_number_stays_a_bank_account():
    assert ("US_BANK_NUMBER", "12345678") in found("my bank account number 12345678 for the refund")


def test_an_answer_giving_someone_elses_case_number_leaks_it_and_the_callers_own_does_not():
    answer = "For claim SC-24-00018832 you have 20 days to file a Defence (Form 9A)."
    assert leaked(answer) == ["SC-24-00018832"]
    assert leaked(answer, question="claim SC-24-00018832 against me, is Easter Monday counted?") == []
