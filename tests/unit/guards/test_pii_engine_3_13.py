"""Issue 12 (engine 3.13, made from the blind split test30, spent after one scoring at 3.12). Benign side: a school
year ("2025-2026") is no phone number, an engine's size ("1800cc") no licence, "the Animal Birth Control Rules,
2023" no one's year of birth, a Romanian exam ("Evaluarea Națională") and a Turkish travel card ("İstanbulkart") no
names. Privacy side: a caller's name after "my name is" in Bengali, Hebrew and Urdu; identifiers after their word
whose check fails (a codice fiscale) or that have no check here (a Dutch V-nummer, a UKVI application number, a
BRP), an identifier written in Bengali digits; Hebrew, Ukrainian and Chinese (with a lane, 弄) home addresses.
Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from tests.support.pii import found, leaked


@pytest.mark.parametrize("text", [
    "When is school year 2025-2026 ending?",
    "how much to renew motor vehicle licence for a private car 1800cc",
    "Öğrenci İstanbulkart vizesi için ne lazım? Kadıköy'de üniversite okuyorum.",
    "Bună ziua, când e Evaluarea Națională anul ăsta?",
])
def test_years_engines_exams_and_cards_are_not_personal(text):
    assert found(text) == []


def test_a_rule_named_after_birth_is_no_ones_birth_year():
    answer = "The department acts under the **Animal Birth Control Rules, 2023**; report dogs on the app."
    assert leaked(answer) == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("born 2023, my son needs a passport", "DATE_TIME", "2023"),  # a birth word alone still makes a birth year
    ("Call me on 2025-2026-7 after six.", "PHONE_NUMBER", "2025-2026-7"),
    ("আমার নাম মোছাম্মৎ রুমানা আক্তার, এনআইডি নম্বর ১৯৯২৬৭১২৫৪৩০০০১২৩, আমার বাবার নামের", "PERSON", "মোছাম্মৎ রুমানা আক্তার"),
    ("আমার নাম রুমানা, এনআইডি নম্বর ১৯৯২৬৭১২৫৪৩০০০১২৩, ঠিক করতে", "NATIONAL_ID", "১৯৯২৬৭১২৫৪৩০০০১২৩"),
    ("שלום, שמי יוסי אברהמי, אני גר ברחוב דיזנגוף 210 דירה 7.", "PERSON", "יוסי אברהמי"),
    ("שלום, אני גר ברחוב דיזנגוף 210 דירה 7.", "STREET_ADDRESS", "ברחוב דיזנגוף 210 דירה 7"),
    ("میرا نام محمد عمران قریشی ہے، میرا کارڈ گم ہو گیا ہے", "PERSON", "محمد عمران قریشی"),
    ("Mi chiamo Alessandra, codice fiscale FRRLSN85C52F205X, nata a Milano.", "NATIONAL_ID", "FRRLSN85C52F205X"),
    ("Hallo, V-nummer 3201456789. Ik ben kennismigrant in Eindhoven.", "NATIONAL_ID", "3201456789"),
    ("My UAN 3434-0000-9182-5678 and BRP ZX4081937 are on the letter.", "NATIONAL_ID", "3434-0000-9182-5678"),
    ("My UAN 3434-0000-9182-5678 and BRP ZX4081937 are on the letter.", "NATIONAL_ID", "ZX4081937"),
    ("Ми живемо на вул. Городоцька 145, кв. 12. Чи можемо?", "STREET_ADDRESS", "вул. Городоцька 145, кв. 12"),
])
def test_names_identifiers_and_addresses_of_test30_are_found(text, kind, value):
    assert (kind, value) in found(text)


def test_a_chinese_address_with_a_lane_is_found():
    # up to eight characters before the road are read (a known limit: here the city's first character stays)
    values = [v for t, v in found("住在上海市浦东新区张杨路1388弄5号602室。") if t == "STREET_ADDRESS"]
    assert len(values) == 1 and values[0].endswith("浦东新区张杨路1388弄5号602室")


@pytest.mark.parametrize("text", [
    "BRP ZX1234567 is the example on the form.",  # a counting run shows the format
    "La CIE si richiede in Comune; il codice fiscale è sulla tessera sanitaria.",
    "Infolinie voor vragen: 088 043 0430.",
])
def test_format_examples_and_lines_are_no_identifiers(text):
    assert [v for t, v in found(text) if t == "NATIONAL_ID"] == []
