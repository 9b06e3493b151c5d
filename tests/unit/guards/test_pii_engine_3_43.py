"""Issue 12 (engine 3.43, made from the blind splits test68 and test69, spent after one scoring each at 3.42). Found
now: a caller's name typed in small letters after "I am" or "my name is" in another language when its first word is a
given name and a comma, "and" or a datum's word ends it ("hola soy jorge martin ruiz, dni …"), a Korean name before
"고" and a datum's word ("저는 김민지고 주민번호 …"). The demo's `names: corroborated` reads Russian, Ukrainian and
Nordic introductions ("меня зовут Ольга Левина"). Not a person now: a run ending in a hospital's, a clinic's or a
housing estate's word ("A.G. Jeetoo Hospital", "Frederick Douglass Houses"). In answers, an address after "til húsa
að" (Icelandic: is housed at) or "holder til" is a public place's. Each rule is checked from both sides."""

from __future__ import annotations

import pytest
import yaml

from charter.bootstrap import DEMO_CHARTER
from charter.guards.base import GuardContext
from charter.guards.pii.engine import PiiEngine
from charter.guards.pii.guard import PiiGuard
from tests.support.pii import found, leaked, persons

DEMO = yaml.safe_load(DEMO_CHARTER)["guards"]["pii"]["options"]


def test_the_engine_is_3_43_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 43)


@pytest.mark.parametrize(("text", "name"), [
    ("hola soy jorge martin ruiz, dni 53812094Y, tlf 612 48 93 27.", "jorge martin ruiz"),
    ("je m'appelle marie dupont, j'habite à Lyon", "marie dupont"),
    ("Hei, jeg heter sindre haugland, fnr 15039173430.", "sindre haugland"),
    ("hola soy francisca moreno ruiz dni 26384917F", "francisca moreno ruiz"),
    ("안녕하세요 저는 김민지고 주민번호 950817-2014535, 연락처 010-4829-3371이에요.", "김민지"),
])
def test_names_in_small_letters_after_an_introduction(text, name):
    assert name in persons(text)


@pytest.mark.parametrize("text", [
    "hola soy maria",  # a first name alone
    "soy de madrid y quiero saber cuando",  # "I am from"
    "sono disoccupata da marzo, posso avere l'esenzione?",  # "I am unemployed"
    "soy autonomo del regimen general, que tengo que pagar",
    "안녕하세요 전입신고 언제까지 해야 하나요",  # a move-in report, no name
    "mold is back in the bathroom at Frederick Douglass Houses again",
    "Births can be declared at Dr A.G. Jeetoo Hospital in Port Louis.",
])
def test_no_name(text):
    assert persons(text) == []


def test_a_name_after_russian_my_name_is_is_corroborated():
    text = "Здравствуйте, меня зовут Ольга Левина, теудат зеут 319284758."
    context = GuardContext("input", role="user", source="user", options=DEMO)
    assert "Ольга Левина" in [text[f.start:f.end] for f in PiiGuard().scan(text, context).findings]


def test_an_estate_word_after_a_relation_stays_a_person():
    assert persons("my landlord Peter Houses never answers") == ["Peter Houses"]


def test_an_address_where_a_body_is_housed_is_a_public_place():
    answer = "Útlendingastofnun er til húsa að Dalvegi 18, 201 Kópavogi, ef spurningar vakna."
    assert any(t == "STREET_ADDRESS" and v.startswith("Dalvegi 18") for t, v in found(answer))
    assert leaked(answer) == []
    assert leaked("Hann býr að Dalvegi 18, 201 Kópavogi, segir nágranninn.") != []  # where a person lives
