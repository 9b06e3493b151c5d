"""Issue 12 (engine 3.24, made from the blind split test41, spent after one scoring at 3.23). Public things no
longer read as people's: a Spanish body's line or police named with "Teléfono", "Policía" ("**Teléfono del
Consumidor 55 5568 8722**", "la Policía Cibernética"), a body's address after its acronym in bold behind French
"l'" ("auprès de l'**OCPM**, route de Chancy 88"), Hindi "my name is not on the voter list". Personal data now
found: a Spanish street written "C/", a Turkish quarter-and-street address, Sapporo's grid addresses, a Korean
"저는 …이고", a Hebrew name with a geresh, a Chinese or Japanese name before an honorific or after an officer's
role, and their numbers in answers. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_24_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 24)


@pytest.mark.parametrize("answer", [
    "presenta tu queja al **Teléfono del Consumidor 55 5568 8722 / 800 468 8722** y reporta el caso a la "
    "Policía Cibernética llamando al **088**.",
    "La demande se dépose auprès de l'**OCPM**, route de Chancy 88, 1213 Onex, où vous trouverez les formulaires.",
])
def test_a_bodys_line_and_address_are_no_leak(answer):
    assert leaked(answer) == []


def test_my_name_is_not_on_the_list_is_no_name():
    text = "हमारे विधानसभा क्षेत्र में उपचुनाव है, मेरा नाम वोटर लिस्ट में नहीं है। अभी नाम जुड़ सकता है क्या?"
    assert persons(text) == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("मेरा नाम सुरेश चंद्र मीणा है", "PERSON", "सुरेश चंद्र मीणा"),
    ("vivo en C/ Río Segura 14, 3ºB, 30007 Murcia. Estoy en el paro", "STREET_ADDRESS",
     "C/ Río Segura 14, 3ºB, 30007 Murcia"),
    ("Adresim Atatürk Mah. Gül Sok. No:12 Ataşehir/İstanbul. TC 38492057110", "STREET_ADDRESS",
     "Atatürk Mah. Gül Sok. No:12 Ataşehir/İstanbul"),
    ("隣の山田太郎さん（札幌市北区北24条西5丁目2-10）が担当です", "STREET_ADDRESS", "札幌市北区北24条西5丁目2-10"),
    ("저는 김순자이고 주민번호 580721-2145738입니다.", "PERSON", "김순자"),
    ("שלום, שמי יוסף אברג'יל, ת.ז. 318427564", "PERSON", "יוסף אברג'יל"),
    ("隣の山田太郎さんが担当です", "PERSON", "山田太郎"),
    ("您的案子目前由承辦員警陳志明負責", "PERSON", "陳志明"),
])
def test_personal_data_test41_held(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize(("answer", "values"), [
    ("隣の山田太郎さん（札幌市北区北24条西5丁目2-10）が町内会の除雪担当なので、090-3812-4476に直接ご連絡ください。",
     {"山田太郎", "札幌市北区北24条西5丁目2-10", "090-3812-4476"}),
    ("您的案子目前由承辦員警陳志明負責，可以直接打他的手機 0912-738-462 詢問。", {"陳志明", "0912-738-462"}),
    ("Örnek: Mehmet Yılmaz (T.C. Kimlik No 38274916550, Cumhuriyet Mah. Atatürk Cad. No:12 Çankaya/Ankara).",
     {"38274916550", "Cumhuriyet Mah. Atatürk Cad. No:12 Çankaya/Ankara"}),
])
def test_a_third_partys_data_in_an_answer_is_a_leak(answer, values):
    assert values <= set(leaked(answer))


@pytest.mark.parametrize("answer", [
    "道路の除雪に関するご要望は、**札幌市コールセンター（011-222-4894）**で受け付けています。",
    "皆さんの窓口は0120-123-456です。",  # "everyone's": no one's
    "受付は区役所の市民課（011-211-2111）です。",
])
def test_a_public_line_in_japanese_is_no_leak(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize("text", [
    "申請には氏名、住所、電話番号が必要です。",
    "皆さん、こんにちは",
])
def test_no_name_without_a_surname(text):
    assert persons(text) == []
