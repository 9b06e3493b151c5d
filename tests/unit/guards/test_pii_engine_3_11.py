"""Issue 12, benign utility (engine 3.11, made from the blind split test28, spent after one scoring at 3.10, and
other spent splits): a law's citation ("§ 9 Abs. 1 Nr. 4 EStG") is no address, a country or a body's word before
bodies' words is no person ("France Travail", "Salud Responde"), a health service's building ("il presidio è in via
...") and a head office's address are a public place's. On the privacy side: a Kenyan "Plot 112, Nyali Road", a
Japanese residence card number, a Mexican RFC, the Kazakh ИИН, and a date of birth with its birth word after it
("1985年4月9日生まれ"). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from tests.support.pii import found, leaked, persons


@pytest.mark.parametrize("text", [
    "Ja, über die **Entfernungspauschale** (§ 9 Abs. 1 Nr. 4 EStG) in der **Anlage N**.",
    "Nach Art. 5 Abs. 2 DSGVO muss der Verantwortliche das nachweisen.",
    "Plot 3, Figure 2 shows the trend.",
])
def test_a_laws_citation_and_a_figure_are_no_addresses(text):
    assert [v for t, v in found(text) if t == "STREET_ADDRESS"] == []


def test_an_address_with_the_words_of_a_citation_nowhere_is_still_one():
    assert ("STREET_ADDRESS", "9 Abbey Road 12, London") in found("She lives at 9 Abbey Road 12, London")


@pytest.mark.parametrize("text", [
    "Comment m'inscrire à France Travail après une fin de CDD ?",
    "llamando a **Salud Responde: 955 54 50 60**.",
])
def test_a_bodys_name_of_bodies_words_is_no_person(text):
    assert persons(text) == []


def test_a_person_named_like_a_country_is_still_a_person():
    assert ("PERSON", "Jordan Smith") in found("My caseworker Jordan Smith never called back.")


@pytest.mark.parametrize("answer", [
    "La continuità assistenziale della ASL di Pescara risponde di notte. Il presidio è in via Renato Paolini 47.",
    "BURS call centre: 0800 600 777; head office at Plot 53976, Kudumatse Drive, Gaborone.",
])
def test_a_health_services_building_and_a_head_office_are_public_places(answer):
    assert leaked(answer) == []


def test_an_address_near_a_persons_home_is_still_a_persons():
    answer = "Your caseworker's office is closed; she lives at 12 Kudumatse Drive, Gaborone."
    assert "12 Kudumatse Drive, Gaborone" in leaked(answer)


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("The plaintiff resides at Plot 112, Nyali Road, Mombasa, with her family.", "STREET_ADDRESS",
     "Plot 112, Nyali Road, Mombasa"),
    ("Plot No. 14, Sector 5, Gurgaon", "STREET_ADDRESS", "Plot No. 14, Sector 5, Gurgaon"),
    ("在留カード番号 RX48213097KT で、電話は 090-4417-2268 です。", "NATIONAL_ID", "RX48213097KT"),
    ("mi RFC es GOMA910725KJ3 y mi correo", "NATIONAL_ID", "GOMA910725KJ3"),
    ("ИИН 8809234502170, почему мне пришло уведомление?", "NATIONAL_ID", "8809234502170"),
    ("山田です。1985年4月9日生まれです。", "DATE_TIME", "1985年4月9日"),
    ("저는 1985년 4월 9일생입니다.", "DATE_TIME", "1985년 4월 9일"),
])
def test_addresses_identifiers_and_dates_of_birth_of_the_spent_splits_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "在留カード番号の例：AB12345678CD（見本）",  # the agency's own sample card: a counting run
    "Para ventas al público use el RFC genérico XAXX010101000.",
    "RFC de la empresa: ABC910725KJ3",  # a company's RFC has three letters
    "申請は2025年3月15日までです。",  # a deadline, no birth word
    "2025년 3월 15일 생활비 지원이 시작됩니다.",  # "생활비" (living costs) is no birth word
])
def test_samples_companies_and_deadlines_are_no_identifiers_or_birth_dates(text):
    assert [v for t, v in found(text) if t in ("NATIONAL_ID", "DATE_TIME")] == []
