"""Issue 12 (engine 3.42 and the `pii` guard's `names` option, made from the blind splits test66 and test67, spent
after one scoring each at 3.41). The demo helpdesk's input guard now redacts a name with no strong cue only when
something corroborates it (`names: corroborated`): another personal datum in the question, a tie to a person as
`pii_leak` reads answers, the caller introducing it, or a person's verb after it. Not a person now: a French article
("Les objets trouvés"), a German compound naming a status ("Bürgergeld-Empfänger"), a street's type before a compass
word ("Queen St West"), a Welsh street ("Heol y Deri"). "I ring 000" is no street. Found now: a Korean or Japanese
name after a form's "name" label, a Hong Kong identity card whose check is "A", a Greek street with its town, a
Hebrew street with a geresh, a Welsh street after its number. In answers, a street address after a police station's,
a town hall's or a court's word is that place's. Each rule is checked from both sides."""

from __future__ import annotations

import pytest
import yaml

from charter.bootstrap import DEMO_CHARTER
from charter.guards.base import GuardContext
from charter.guards.pii.engine import PiiEngine
from charter.guards.pii.guard import PiiGuard
from tests.support.pii import found, leaked, persons

GUARD = PiiGuard()
DEMO = yaml.safe_load(DEMO_CHARTER)["guards"]["pii"]["options"]


def redacted(text: str, options: dict[str, object] | None = None) -> list[str]:
    """The values the `pii` guard reports in a caller's ``text`` with ``options`` (the demo helpdesk's by default)."""
    context = GuardContext("input", role="user", source="user", options=DEMO if options is None else options)
    return [text[f.start:f.end] for f in GUARD.scan(text, context).findings]


def test_the_engine_is_3_42_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 42)


def test_the_demo_helpdesk_corroborates_names():
    assert DEMO["names"] == "corroborated"


@pytest.mark.parametrize("text", [
    "do I pay to go to the clinic in Soweto? and if they refer me to Chris Hani Baragwanath how much is that?",
    "I'm 7 months pregnant, living in Kibera. will delivery be free under SHA? does Linda Mama still exist?",
    "my uncle collapsed at home in Dansoman. should I call ambulance or just take him to Korle Bu by taxi?",
    "I sell in Balogun market, no employer. how can I register my family for Ilera Eko and how much is it?",
])
def test_a_name_nothing_corroborates_stays_in_the_question(text):
    assert persons(text)  # the engine still reads a name there...
    assert redacted(text) == []  # ...that the demo leaves to the model
    assert redacted(text, {}) != []  # the guard's own default reports every name


@pytest.mark.parametrize(("text", "name"), [
    ("my neighbour John Smith keeps parking in my spot", "John Smith"),  # a relation before it
    ("Can you tell me if Darren Mitchell still works at the council?", "Darren Mitchell"),  # a person's verb
    ("Dear Sir, I am writing on behalf of Maria Lopez", "Maria Lopez"),  # introduced
    ("hi im Sarah Connor and I need help", "Sarah Connor"),
    ("Guten Tag, Thomas Becker hier, was ist los?", "Thomas Becker"),  # signed
    ("Pozdravljeni, sem Matej Kovačič, stanujem v Ljubljani.", "Matej Kovačič"),  # Slovene "I am"
    ("Rohan Mehta\nPlease check my application.", "Rohan Mehta"),  # a line of its own
    ("Please check the claim of Ana Pereira, SSN 123-45-6789.", "Ana Pereira"),  # another personal datum beside it
    ("Hi, my name is Priya Nair.", "Priya Nair"),  # a strong cue
])
def test_a_corroborated_name_is_redacted(text, name):
    assert name in redacted(text)


def test_the_names_option_is_checked():
    GUARD.check_options({"names": "all"})
    with pytest.raises(ValueError, match="names"):
        GUARD.check_options({"names": "some"})


@pytest.mark.parametrize("text", [
    "Les objets trouvés sont centralisés par la Direction de la Sûreté Publique.",
    "Ich bin Bürgergeld-Empfänger und mein Vermieter will die Kaution nicht zurückzahlen.",
    "someone smashed my car window on Queen St West overnight and took a laptop bag.",
    "Heol y Deri is closed for roadworks this week.",
])
def test_articles_compounds_and_streets_are_no_person(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Les said he would call me back", "Les"),  # an English word after it: the given name
    ("Ich bin Anna und mein Vermieter will nichts tun", "Anna"),
    ("Frau Müller-Lüdenscheidt ruft an", "Müller-Lüdenscheidt"),  # a double-barrelled name
    ("Dan wants to know when it opens", "Dan"),
])
def test_people_stay_people(text, name):
    assert name in persons(text)


def test_a_pronoun_before_ring_is_no_street():
    assert [t for t, _ in found("do I ring 000 or is there another number?") if t == "STREET_ADDRESS"] == []
    assert ("STREET_ADDRESS", "Am Ring 12") in found("ich wohne Am Ring 12")


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("이름 박준호, 주민번호 850316-1045215 입니다.", "PERSON", "박준호"),
    ("児童手当の申請です。名前 山本 彩香 です。", "PERSON", "山本 彩香"),
    ("My HKID is K638417(A). I want to divorce.", "HK_HKID", "K638417(A)"),
    ("ο ιδιοκτήτης είναι ο Γεώργιος Παπαδάκης, Αγίου Δημητρίου 184, Θεσσαλονίκη.", "STREET_ADDRESS",
     "Αγίου Δημητρίου 184, Θεσσαλονίκη"),
    ("היא גרה ברחוב ז'בוטינסקי 48 רמת גן.", "STREET_ADDRESS", "ברחוב ז'בוטינסקי 48"),
    ("my name is Gareth and I live at 27 Heol y Felin, Whitchurch", "STREET_ADDRESS", "27 Heol y Felin, Whitchurch"),
])
def test_found_now(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "이름 변경 신청은 어떻게 하나요?",  # a name change: no name
    "名前の変更はどうすればいいですか",
    "Σύμφωνα με το Άρθρο 5, Παράγραφος 2 του νόμου.",  # a law's article
    "K638417(4) is a reference",  # the wrong check
])
def test_not_found(text):
    assert [t for t, _ in found(text) if t in ("PERSON", "STREET_ADDRESS", "HK_HKID")] == []


def test_a_police_stations_address_is_a_public_place():
    answer = ("Lögreglan á höfuðborgarsvæðinu er með **óskilamunadeild** á lögreglustöðinni á **Hverfisgötu 113**, "
              "og hægt er að fylgjast með tilkynntum óskilamunum.")
    assert leaked(answer) == []
    assert leaked("Your neighbour told the police he lives at 12 Main Street.") == ["12 Main Street"]
