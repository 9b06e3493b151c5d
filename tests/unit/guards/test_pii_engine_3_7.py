"""Issue 12, benign utility (engine 3.7, made from the blind split test22's failures): a caller's first name
or year of birth given alone is left in the question by the demo helpdesk (``given_names: keep``,
``birth_years: keep``), as its age and town are; a birth word ends with its clause; a name after "my name
is" ends with its sentence; a service's second number in brackets; "av" and "fall" that are not streets;
a named building's address in bold or after a full-width label. On the privacy side: a French "M.", a
German "Frau" with "wohnhaft" and "Telefon", who-questions that ask who complained or handles a case,
BVN, an Israeli id after "ת.ז.", a passport of a letter and seven digits. Each rule is checked from both
sides: the public value passes, the private one still counts."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from charter.bootstrap import DEMO_CHARTER
from charter.guards.base import GuardContext
from charter.guards.pii.engine import PiiEngine
from charter.guards.pii.guard import PiiGuard, pii_options
from tests.support.pii import found, leaked

ENGINE = PiiEngine()
DEMO_PII: dict[str, Any] = yaml.safe_load(DEMO_CHARTER)["guards"]["pii"]["options"]


def redacted(question: str, options: dict[str, Any] | None = None) -> list[str]:
    """What the input ``pii`` guard redacts in ``question`` under ``options`` (the demo helpdesk's by default)."""
    result = PiiGuard(ENGINE).scan(question, GuardContext(options=DEMO_PII if options is None else options))
    return [question[f.start:f.end] for f in result.findings if f.score >= 0.5]


@pytest.mark.parametrize("question", [
    "hi, its Gareth. whens the deadline for my self assessment online return?",
    "bonjour c'est Sophie, quelle est la date limite pour la declaration en ligne?",
    "Hi Raj here, when does OAS start and is it automatic?",
    "salve, entro quando si presenta il 730 precompilato? grazie mille, Giorgio",
    "when can i get the age pension? i'm born 1958 and dont know if my super counts",
    "Goedemiddag, ik ben geboren in april 1959. Wanneer krijg ik AOW?",
])
def test_the_demo_leaves_a_first_name_or_a_birth_year_given_alone(question):
    assert redacted(question) == []


@pytest.mark.parametrize(("question", "value"), [
    ("Hi, my name is Rohan Mehta, salaried in Pune. Which ITR form should I use?", "Rohan Mehta"),
    ("I was born on 14/02/1990, can I renew online?", "14/02/1990"),
    ("my neighbour Kowalski keeps parking in my space, who do I call?", "Kowalski"),
    ("I'm Anna Berg, born 3 March 1961, when is my pension due?", "Anna Berg"),
])
def test_the_demo_still_redacts_full_names_surnames_and_dates_of_birth(question, value):
    assert value in redacted(question)


def test_the_engines_default_still_reports_a_first_name_and_a_birth_year():
    everything: dict[str, Any] = {}
    assert redacted("hi, its Gareth. when is the deadline?", everything) == ["Gareth"]
    assert redacted("i'm born 1958, when is my pension due?", everything) == ["1958"]
    assert redacted("hi, its Gareth. when is the deadline?", {"given_names": "report"}) == ["Gareth"]


@pytest.mark.parametrize("options", [{"given_names": "drop"}, {"birth_years": True}, {"birth_years": None}])
def test_a_malformed_keep_option_is_refused_by_name(options):
    key = next(iter(options))
    with pytest.raises(ValueError, match=key):
        pii_options(options)


@pytest.mark.parametrize("text", [
    "merhaba kira geliri beyannamesi ne zamana kadar verilir, istisna ne kadar 2024 için",
    "For an August birthday, that's 1 May to 30 November.",
])
def test_words_that_only_look_like_birth_words_make_no_date_of_birth(text):
    assert [v for t, v in found(text) if t == "DATE_TIME"] == []


@pytest.mark.parametrize(("text", "value"), [
    ("je suis ne le 12/03/1980 a Lyon", "12/03/1980"),
    ("Her birthday 1 May 1980 is on file.", "1 May 1980"),
    ("née 1962", "1962"),
])
def test_birth_words_still_make_dates_of_birth(text, value):
    assert ("DATE_TIME", value) in found(text)


def test_a_name_after_my_name_is_ends_with_its_sentence_and_a_status_is_no_name():
    assert found("Hi, my name is Gareth. I've just been made redundant.") == [("PERSON", "Gareth")]
    assert found("how many days do i need? i'm PR since 2021") == []
    assert ("PERSON", "ANNA SMITH") in found("my name is ANNA SMITH")


def test_a_services_second_number_in_brackets_is_its_line():
    answer = ("You'll need your licence plate and payment. For help, call **311** (416-392-2489 from outside "
              "Toronto).")
    assert ("PHONE_NUMBER", "416-392-2489") in found(answer)
    assert leaked(answer) == []
    assert leaked("Information on palma.cat or 010 (971 225 900 from outside Palma).") == []


def test_a_persons_number_in_brackets_still_counts():
    answer = "Your caseworker, Mr Daniel Okafor (07700 918 244), will call you."
    assert "07700 918 244" in leaked(answer)


@pytest.mark.parametrize("text", [
    "Har ni gemensam vårdnad har ni **240 dagar var**; 90 av dem är reserverade för vardera föräldern.",
    "hi when can i apply for OSAP fall 2025, and how do i get grants?",
])
def test_nordic_of_and_a_season_before_a_year_are_no_streets(text):
    assert [v for t, v in found(text) if t == "STREET_ADDRESS"] == []


@pytest.mark.parametrize(("text", "value"), [
    ("Moro na Av Paulista 1578, São Paulo.", "Av Paulista 1578, São Paulo"),
    ("She lives at 1578 av Paulista now.", "1578 av Paulista"),
    ("The office is at 12 Fall Street.", "12 Fall Street"),
])
def test_avenues_and_fall_streets_are_still_streets(text, value):
    assert ("STREET_ADDRESS", value) in found(text)


@pytest.mark.parametrize("answer", [
    "Your son can apply online using his Singpass, and then collect the IC at the ICA Building at "
    "**10 Kallang Road** (next to Lavender MRT).",
    "处理时间通常为**6周**。ICA地址：**10 Kallang Road**",
])
def test_a_named_buildings_address_in_bold_or_after_a_full_width_label_is_public(answer):
    assert leaked(answer) == []


def test_a_persons_address_after_a_pronoun_still_counts():
    assert "10 Kallang Road" in leaked("He moved to 10 Kallang Road last year.")
    assert "10 Kallang Road" in leaked("我的地址：10 Kallang Road")


@pytest.mark.parametrize(("answer", "question", "values"), [
    ("D'après votre dossier, votre ex-conjoint, M. Karim Benhadj, résidant 14 rue des Tanneurs, 59000 Lille, "
     "a repris le versement.", "pourquoi la caf me demande de rembourser?",
     {"M. Karim Benhadj", "14 rue des Tanneurs, 59000 Lille"}),
    ("Laut Vorgang stammt die Beschwerde von Frau Sabine Kröger, wohnhaft Lindenstraße 14, 22765 Hamburg, "
     "Telefon 0157 3482 1190.", "hallo, wer hat sich beschwert? will das klären",
     {"Sabine Kröger", "0157 3482 1190"}),
    ("Pani sprawę prowadzi pracownica socjalna Magdalena Wiśniewska z Filii nr 3 MOPS.",
     "dzien dobry, kto prowadzi moją sprawę o zasiłek okresowy?", {"Magdalena Wiśniewska"}),
    ("Your claim is with Daniel Okafor in the Leeds team.", "Who is handling my claim?", {"Daniel Okafor"}),
])
def test_titles_living_words_and_who_questions_of_test22_make_data_a_persons(answer, question, values):
    assert values <= set(leaked(answer, question))


@pytest.mark.parametrize(("answer", "question"), [
    ("Para cambiar de EPS, llame a la Línea del Ministerio: 601 330 5043.", "¿Cómo me cambio de EPS?"),
    ("Beschwerden nimmt das Bezirksamt Altona entgegen, Telefon 040 42811 0.", "Wer hat Anspruch auf Wohngeld?"),
    ("Your claim is handled by the Leeds team: 0800 169 0310.", "Who can help with my claim?"),
])
def test_a_services_line_and_ordinary_who_questions_stay_public(answer, question):
    assert leaked(answer, question) == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("שלום, ת.ז. 315487298, מתי אני אקבל את ההחזר?", "IL_ID", "315487298"),
    ("my NIN is 48219037651 and BVN 22184730956", "NATIONAL_ID", "22184730956"),
    ("hi po my passport no. P4829163B is expiring in june", "US_PASSPORT", "P4829163B"),
    ("My passport number is X4821937. How do I renew my visa?", "US_PASSPORT", "X4821937"),
])
def test_identifiers_of_test22_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "Form P4829163B is not a passport form.",
    "Case reference A1234567 for your visa application.",
])
def test_a_letter_and_seven_digits_without_a_passport_word_is_no_passport(text):
    assert [v for t, v in found(text) if t == "US_PASSPORT"] == []
