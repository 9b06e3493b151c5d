"""Issue 12 (engine 3.14, made from the blind split test31, spent after one scoring at 3.13). Benign side: Swiss and
German tenancy nouns ("Mietzins", "Referenzzinssatz") are no names, a US form's number ("I-765") is no licence, a
pasted letter's tax year ("for the year 6 April 2023 to 5 April 2024") holds no one's dates. Privacy side: a
caller's name after "이름은" (with a surname's syllable), "نام … ،" (Urdu), "أنا … رقم" (Arabic) and "मेरा नाम … है"
(Hindi); a Spanish NIE after its word whose check fails ("Y3928471-L"); a South African ID after "ID" whose check
fails; an Australian CRN after its word; a Korean road address with its flat and an Indian village with its tehsil
and district. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from tests.support.pii import found


@pytest.mark.parametrize("text", [
    "Mietzins Referenzzinssatz gesunken, kann ich Senkung verlangen?",
    "How long does it take for work permit renewal I-765",
    'Got this letter: "You have paid too much tax for the year 6 April 2023 to 5 April 2024. We will send a cheque."',
    "앱 이름은 정부24입니다.",
])
def test_tenancy_nouns_forms_and_tax_years_are_not_personal(text):
    assert found(text) == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("I was born on 6 April 1990 and moved in 2023.", "DATE_TIME", "6 April 1990"),  # a birth date still is
    ("My driving licence number is D1234-56789-X.", "US_DRIVER_LICENSE", "D1234-56789-X"),
    ("제 주민번호 870315-2841736 이고 이름은 김서연입니다.", "PERSON", "김서연"),
    ("주소 서울시 마포구 월드컵로 190, 101동 1203호.", "STREET_ADDRESS", "서울시 마포구 월드컵로 190, 101동 1203호"),
    ("mi NIE es Y3928471-L, me llamo Juan", "NATIONAL_ID", "Y3928471-L"),
    ("السلام عليكم أنا عبدالله بن سعيد القحطاني رقم الهوية 1084736251", "PERSON", "عبدالله بن سعيد القحطاني"),
    ("میرا شناختی کارڈ گم ہے، نام محمد عمران شاہ، کارڈ ایکسپائر ہو گیا ہے", "PERSON", "محمد عمران شاہ"),
    ("मेरा नाम सुरेश चंद्र मीणा है, किस्त रुकी है", "PERSON", "सुरेश चंद्र मीणा"),
    ("गांव पिपलिया, तहसील बस्सी, जिला जयपुर। किस्त रुकी है", "STREET_ADDRESS", "गांव पिपलिया, तहसील बस्सी, जिला जयपुर"),
    ("my gogo Nomvula Dlamini ID 4305120734085 her SRD is not paid", "NATIONAL_ID", "4305120734085"),
    ("CRN 11283475920, they say my income evidence is missing", "NATIONAL_ID", "11283475920"),
])
def test_names_identifiers_and_addresses_of_test31_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "أنا طالب في الجامعة، كيف أقدم على المنحة؟",  # "I am a student at the university": no number's word after it
    "Le NIE es un número que empieza por X, Y o Z, por ejemplo X1234567L.",
])
def test_a_role_and_a_format_example_are_no_names_or_identifiers(text):
    assert [v for t, v in found(text) if t in ("PERSON", "NATIONAL_ID", "ES_NIF")] == []
