"""Issue 12 (engine 3.46, made from the blind splits test74 and test75, spent after one scoring each at 3.45). New
type `DE_SVNR` (a German pension or social insurance number: area, birth date, the birth name's letter, serial,
check digit). Found now: a Korean name typed with a space before "이고", a Cantonese relative's name after
"我老豆" (my dad), a phone after "मोबाइल" and the other Indic and Thai words for a phone, a name after a Swahili
honorific ("Mama Rose Akinyi"). Not a person now: "Frau der …" (a German article after the title), Swedish "Mina
sidor" (the agency's portal), a hospital named after a doctor ("RS dr. Soetomo"). In answers a relative in French,
Spanish, Portuguese and Italian ties the name ("votre mère de naissance serait …"), and "would be" does in
English; a body's short name opening a sentence before "is at" ("PenCom is at Plot 174, …") and Papiamentu's
"ofisina" present a public place, and a service reached "from your registered mobile" (Hindi "मोबाइल से") a public
line. Each rule is checked from both sides."""

from __future__ import annotations

from charter.guards.base import GuardContext
from charter.guards.pii.checksums import de_svnr_valid
from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from charter.guards.pii.guard import PiiGuard
from tests.support.pii import found, leaked, persons

CORROBORATED = {"names": "corroborated"}


def test_the_engine_is_3_46_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 46)
    assert "DE_SVNR" in ENTITY_TYPES


def test_a_german_insurance_number_with_its_word_and_its_check():
    assert de_svnr_valid("65 150861 W 040") and de_svnr_valid("65150861w040")
    assert not de_svnr_valid("65 150861 W 041")  # the wrong check digit
    assert not de_svnr_valid("65 151361 W 040")  # no 13th month
    text = "Guten Tag, Versicherungsnummer 65 150861 W 040, ab wann kann ich in Rente gehen?"
    assert ("DE_SVNR", "65 150861 W 040") in found(text)
    assert found("Bestellnummer 65150861W041 ist unterwegs") == []  # a wrong check and no word for it


def test_a_korean_name_typed_with_a_space_before_and():
    assert "박순자" in persons("안녕하세요 저는 박순자 이고 주민번호 580423-2735149 입니다.")
    assert persons("저는 학생 이고 질문이 있어요") == []  # "I am a student": no surname's syllable


def test_a_cantonese_relatives_name_after_my_dad():
    assert "李志強" in persons("我老豆李志強，身份證K358217(5)，而家搬咗去中山住")
    assert persons("我老公工作好忙，點算") == []  # "my husband works ...": no surname, no name


def test_a_phone_after_an_indic_word_for_mobile():
    text = "मेरा नाम रामकली देवी है, उम्र 64, मोबाइल 9415738260. बुढ़ापा पेंशन का फॉर्म कैसे भरें?"
    assert ("PHONE_NUMBER", "9415738260") in found(text)
    assert [t for t, _ in found("पेंशन योजना 9415738260 के तहत") if t == "PHONE_NUMBER"] == []  # no phone word


def test_a_name_after_a_swahili_honorific():
    answer = "Or check with Mama Rose Akinyi, ID 24817539, who was registered last month."
    assert leaked(answer) == ["Rose Akinyi", "24817539"]
    assert leaked("Take Mama Ngina Drive to the county office.") == []
    assert leaked("The Linda Mama programme covers maternity care in public hospitals.") == []


def test_a_german_article_after_frau_is_no_name():
    assert persons("Als Frau der Übergangsgeneration können Sie die Rente ab 62 vorbeziehen.") == []
    assert persons("Termin bei Frau Schmidt am Montag") == ["Schmidt"]
    assert persons("Brief von Frau von der Leyen erhalten") == ["von der Leyen"]


def test_swedish_my_pages_is_no_name():
    answer = "Ni ansöker via Mina sidor eller appen, och Försäkringskassans kundservice nås på **0771-524 524**."
    assert persons(answer) == [] and leaked(answer) == []
    assert leaked("Your neighbour Mina Karimi called about it.") == ["Mina Karimi"]


def test_a_hospital_named_after_a_doctor_is_no_person():
    question = "permisi min, anak saya lahir di RS dr. Soetomo bulan lalu. ngurus akta kelahiran bayar gak?"
    findings = PiiGuard().scan(question, GuardContext(options=CORROBORATED)).findings
    assert [f.type for f in findings] == ["ORGANIZATION"]  # the hospital, which the demo leaves to the model
    assert persons("saya periksa ke dr. Soetomo kemarin") == ["Soetomo"]  # the doctor, no hospital's word


def test_a_relative_in_a_romance_language_ties_the_name_and_the_address():
    answer = ("D'après le dossier, votre mère de naissance serait **Josiane Le Gall**, qui résidait au **12 rue de "
              "Brest à Quimper**.")
    assert leaked(answer) == ["Josiane Le Gall", "12 rue de Brest"]
    assert leaked("su madre biológica es Carmen Ruiz.") == ["Carmen Ruiz"]
    assert leaked("your birth mother would be Josiane Le Gall.") == ["Josiane Le Gall"]
    assert leaked("La ministre Aurore Bergé a annoncé la réforme.") == []  # a minister: public


def test_a_bodys_short_name_before_is_at_presents_a_public_place():
    assert leaked("Start with your PFA. PenCom is at Plot 174, Adetokunbo Ademola Crescent, Wuse II, Abuja.") == []
    assert leaked("E montante ta varia. SVB su ofisina prinsipal ta na Pater Euwensweg 9, Willemstad.") == []
    assert leaked("MacArthur is at 5 Elm Road, Leeds.") == ["5 Elm Road, Leeds"]  # a surname's prefix: a person
    assert leaked("John is at 5 Elm Road, Leeds.") == ["5 Elm Road, Leeds"]


def test_a_service_reached_from_the_callers_registered_mobile_is_a_public_line():
    # the Hindi word for a mobile now reads a number as a phone; "from your registered mobile" is the caller's own
    assert leaked("- अपने पंजीकृत मोबाइल से 9966044425 पर मिस्ड कॉल दें।") == []
    assert leaked("- From your registered mobile, give a missed call to 9966044425.") == []
    assert leaked("उनका मोबाइल 9415738260 है") == ["9415738260"]  # "his mobile is": someone's
    assert leaked("her mobile 0412 555 019") == ["0412 555 019"]
