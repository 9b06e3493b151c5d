"""Issue 12, privacy (engine 3.12, made from the blind split test29, spent after one scoring at 3.11): a caller's
own name after "im" (I'm), "اسمي", "ชื่อ", a Korean greeting or before "です" in katakana; an identifier after its
scheme's word whose check fails (DNI, PESEL, BSN: a typo is still someone's number); a Malaysian "No. 12, Jalan
…" and a Thai "บ้านเลขที่ …" address. On the benign side, German compound nouns ("Balkonkraftwerk-Anlage",
"Bafög Antrag") are no names. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from tests.support.pii import found


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("hi im Marcus Delgado SSN 512-44-8193 born 03/14/1989", "PERSON", "Marcus Delgado"),
    ("السلام عليكم، اسمي محمد عبدالله الشمري، رقم الهوية", "PERSON", "محمد عبدالله الشمري"),
    ("สวัสดีค่ะ ชื่อ สมศรี ใจดีมาก เลขบัตร 1 1037 00512 34 5", "PERSON", "สมศรี ใจดีมาก"),
    ("안녕하세요 김민준입니다 주민번호 850315-1234567 이고", "PERSON", "김민준"),
    ("在留カードの件で、グエン・ヴァン・ナムです。電話 090-3721-5584。", "PERSON", "グエン・ヴァン・ナム"),
    ("Hola soy Lucía Fernández Gómez, DNI 48291736K, vivo en Madrid", "NATIONAL_ID", "48291736K"),
    ("witam, Tomasz Wiśniewski PESEL 85061712345, mieszkam w Gdańsku", "NATIONAL_ID", "85061712345"),
    ("Beste, BSN 203874519, telefoon 06 41 27 83 90.", "NATIONAL_ID", "203874519"),
    ("tinggal di No. 12, Jalan SS2/24, Petaling Jaya sekarang", "STREET_ADDRESS",
     "No. 12, Jalan SS2/24, Petaling Jaya"),
    ("บ้านเลขที่ 99/12 หมู่ 5 ต.บางพูด อ.ปากเกร็ด จ.นนทบุรี บัตรหาย", "STREET_ADDRESS",
     "บ้านเลขที่ 99/12 หมู่ 5 ต.บางพูด อ.ปากเกร็ด จ.นนทบุรี"),
])
def test_names_identifiers_and_addresses_of_test29_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "Brauche ich eine Genehmigung für eine Balkonkraftwerk-Anlage auf der Mietwohnung in Bad Cannstatt?",
    "Bafög Antrag stellen wann spätestens damit ich ab Oktober kriege",
    "Wir wohnen im Schwarzwald und suchen einen Kitaplatz.",  # the German "im" is still "in the"
    "안녕하세요 세무서입니다.",  # "this is the tax office": no surname's syllable opens it
    "Infolinie: 950 180 180.",  # "nie" inside a word is no NIE
    "ชื่อผู้ใช้ของคุณคืออะไร",  # "username": no space after "ชื่อ"
])
def test_german_compounds_offices_and_lines_are_no_names_or_identifiers(text):
    assert [v for t, v in found(text) if t in ("PERSON", "LOCATION", "NATIONAL_ID")] == []


def test_a_double_barrelled_name_with_a_given_name_is_still_a_name():
    assert ("PERSON", "Anna-Lena Werk") in found("Anna-Lena Werk hat angerufen.")
