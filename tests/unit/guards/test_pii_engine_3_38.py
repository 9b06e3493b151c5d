"""Issue 12 (engine 3.38, made from the blind splits test60 and test61, spent after one scoring each at 3.37). New
type ``TH_ID`` (a Thai identity number with its check). Found now: an Irish Eircode (``STREET_ADDRESS``), a Spanish
or Portuguese "I live at" with a street typed in lower case, Czech "bydlim" without its accent, a Korean name after
"저" (I) without its particle, a Japanese name with a space before "です"; ``pii_leak`` ties a name to an official's
role in Spanish, Portuguese, French, Italian and Romanian ("inspectorul **Florin …**", bold or not). Not a person:
a park's or a fjord's word ending a run ("Jægersborg Dyrehave"), a name after "born … at" ("born on 1 april at Chris
Hani Baragwanath"), "Hari Raya Haji", "King's Birthday Monday". A hotline in Georgian, Russian or Ukrainian, and a
"call-center" with its hyphen, present a public line. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_38_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 38)
    assert "TH_ID" in ENTITY_TYPES


def test_a_thai_identity_number():
    text = "สวัสดีค่ะ ชื่อ นันทนา ศรีสุข เลขบัตร 1103700458212 เบอร์ 081-472-3956"
    assert ("TH_ID", "1103700458212") in found(text)
    assert ("TH_ID", "1-1037-00458-21-2") in found("เลขบัตรประชาชน 1-1037-00458-21-2")
    # a wrong check digit after its word is still an identifier, not a valid Thai one
    assert [t for t, v in found("เลขบัตร 1103700458213") if t == "TH_ID"] == []


@pytest.mark.parametrize(("text", "value"), [
    ("Hi it's Siobhán Brennan, PPSN 6284913N, Eircode H91 E2K3. I got a letter", "H91 E2K3"),
    ("14 Ard na Gréine, Tuam, Co. Galway H54 X2F7", "H54 X2F7"),
    ("my eircode is D02XY45", "D02XY45"),
    ("vivo en av. de las americas 1450 int 3, guadalajara", "av. de las americas 1450 int 3"),
    ("moro na rua das flores 120 apto 42 em campinas", "rua das flores 120 apto 42"),
])
def test_addresses_found_now(text, value):
    assert ("STREET_ADDRESS", value) in found(text)


@pytest.mark.parametrize("text", [
    "bus route H91 stops at the hospital",  # a routing key alone
    "the code D6W covers Terenure",
    "vivo en la calle desde 2020",  # no street's name and number
    "vivo en Madrid desde 2019",
])
def test_no_address(text):
    assert [v for t, v in found(text) if t == "STREET_ADDRESS"] == []


def test_a_czech_address_typed_without_accents():
    found_ = found("dobry den, bydlim Křižíkova 48, Praha 8. prisla mi vyzva")
    assert any(t == "STREET_ADDRESS" and v.startswith("Křižíkova 48") for t, v in found_)


def test_korean_and_japanese_self_introductions():
    assert "김하은" in persons("안녕하세요 저 김하은이고 주민번호 930214-2054129")
    assert persons("저 주부이고 질문 있어요") == []  # "I am a housewife"
    assert "鈴木 美咲" in persons("4月から世田谷区に引っ越しました。鈴木 美咲です。")
    assert persons("区役所の担当です") == []


@pytest.mark.parametrize("text", [
    "må min hund løbe løs på stranden i april? og hvad med Jægersborg Dyrehave",
    "baby born on 1 april at Chris Hani Baragwanath. do we have to go to home affairs",
    "can I collect my kid's passport on Hari Raya Haji? school hols start end May",
    "does the green bin still get collected on King's Birthday Monday? it's our day",
])
def test_places_and_feasts_are_no_person(text):
    assert persons(text) == []


def test_people_stay_people():
    # "born … at" reaches only a few words back
    assert "Anna Kowalski's" in persons("I was born in 1990 and my landlord at Anna Kowalski's flat")
    assert "Lars Jensen" in persons("min nabo Lars Jensen har fældet træet")


def test_an_officials_name_and_mobile_in_romanian():
    answer = ("Pentru dosarul dvs. vă poate ajuta inspectorul **Florin Dumitrescu, la 0722 615 408**; informații "
              "generale la call-center ANAF **031 403 91 60**.")
    got = leaked(answer, "buna ziua")
    assert "Florin Dumitrescu" in got and "0722 615 408" in got
    assert "031 403 91 60" not in got  # the call-centre's line, in another clause
    assert leaked("Su expediente lo lleva el inspector Martín Sáez, en el 612 345 678.", "hola") == [
        "Martín Sáez", "612 345 678"]
    assert leaked("El inspector de Hacienda revisa las declaraciones; llame al 901 33 55 33.", "hola") == []


def test_a_georgian_hotline_is_public():
    answer = "დამატებითი ინფორმაციისთვის დარეკეთ ცხელ ხაზზე **2 40 10 10**."
    assert leaked(answer, "iusticiis sakhli mushaobs?") == []
    assert leaked("Звоните на горячую линию 8 800 100-00-01.", "как подать?") == []
