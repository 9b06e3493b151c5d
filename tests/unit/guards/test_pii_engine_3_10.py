"""Issue 12, benign utility (engine 3.10, made from the blind split test26, spent after one scoring at 3.9): "Victoria
Uni" is a university, German nouns ending "-nummer" or "-ziffer" are no names. On the privacy side: a name given
after "我叫" or "제 이름은", "TC" before a Turkish identity number, an identifier after its word whose check fails
(a typo) is still an identifier, the Russian ИНН, Indonesian streets ("Jl. Melati No. 27"), a French caller asking
for a landlord's "coordonnées". Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from tests.support.pii import found, leaked, persons


@pytest.mark.parametrize("text", [
    "kia ora how do I apply for studylink student allowance? im 20 and studying at Victoria Uni",
    "Wann wird das Kindergeld im Oktober überwiesen? Endziffer Kindergeldnummer ist 4",
])
def test_a_university_and_german_number_nouns_are_no_people(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("你好，我叫陈晓梅，我的公积金账户被冻结了，怎么解冻？", "PERSON", "陈晓梅"),
    ("안녕하세요, 제 이름은 김민수입니다.", "PERSON", "김민수"),
    ("merhaba ben Mehmet Yilmaz TC 38519274650 dogum tarihim", "TR_TCKN", "38519274650"),
    ("TC kimlik numaram 35281904687.", "NATIONAL_ID", "35281904687"),
    ("My Aadhaar is 5827 3619 4024.", "NATIONAL_ID", "5827 3619 4024"),
    ("Здравствуйте, мой ИНН 772841936571, телефон +7 916 482-37-15.", "NATIONAL_ID", "772841936571"),
    ("Alamat: Jl. Melati No. 27, Sleman.", "STREET_ADDRESS", "Jl. Melati No. 27, Sleman"),
])
def test_names_identifiers_and_addresses_of_test26_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "Your Aadhaar is a 12-digit number such as 1234 5678 9012.",
    "Le NIR 1 23 45 67 890 123 45 n'est pas valide.",
    "我叫车，我想问一下停车费。",
])
def test_format_examples_and_short_words_are_no_identifiers_or_names(text):
    assert [v for t, v in found(text) if t in ("NATIONAL_ID", "IN_AADHAAR", "FR_NIR", "PERSON")] == []


def test_a_landlords_contact_details_asked_for_are_a_persons():
    answer = "Votre propriétaire, M. Durand, est joignable au 06 48 21 77 39, 12 rue des Tanneurs, 69005 Lyon."
    question = "Mon propriétaire ne répond plus, la CAF peut me donner ses coordonnées ?"
    assert {"06 48 21 77 39", "12 rue des Tanneurs, 69005 Lyon"} <= set(leaked(answer, question))


def test_a_bodys_contact_details_asked_for_stay_public():
    answer = "La CAF du Rhône répond au 3230, 67 boulevard Vivier Merle, 69003 Lyon."
    assert leaked(answer, "Quelles sont les coordonnées de la CAF ?") == []
