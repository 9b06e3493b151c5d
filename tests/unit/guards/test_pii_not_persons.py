"""Organisations, programmes, services, offices, acts and forms are not people (issue 12): a
PERSON finding needs evidence of a person (a given name, a title, a cue, a form's label), and
``pii_leak`` withholds an answer only for personal data (names, addresses, contact details,
identifiers) that the caller's request or context did not hold."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii import PiiEngine
from charter.guards.pii.guard import PiiGuard
from charter.guards.pii_leak import PiiLeakGuard


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine()


def people(engine: PiiEngine, text: str) -> list[str]:
    return [text[h.start:h.end] for h in engine.analyze(text) if h.type == "PERSON"]


def leak(answer: str, question: str) -> list[tuple[str, str]]:
    result = PiiLeakGuard().scan(answer, GuardContext(direction="output", authorised_texts=[question]))
    return [(f.type, answer[f.start:f.end]) for f in result.findings]


@pytest.mark.parametrize("text", [
    "Apply for the Homebuyer's Assistance Program before the funds run out.",  # a programme's tail
    "When is the Winter Fuel Payment paid?",
    "You can show a Blue Badge or a UK passport.",  # English words, no given name
    "Tell Us Once informs the other agencies for you.",
    "Register with Companies House and then for Corporation Tax.",  # a weak cue ("with") before a body
    "Pay by Direct Debit or at PayPoint.",  # a weak cue; a brand in camel case
    "Check the Air Quality Index before you go out.",
    "Apply through UK Visas and Immigration for an Electronic Travel Authorisation.",
    "Children under 16 often fish free.",  # an irregular plural opening a sentence
    "Pay with an IRS-approved processor; E-filed returns are faster.",  # compound adjectives
    "Enrol in the Canadian Dental Care Plan; the insurer sends the card.",
    "File with your local Finanzamt, or ask the Familienkasse.",  # agencies by their ending
    "Centrelink pays Youth Allowance to full-time students.",
    "Check the Mietspiegel for your street.",  # a foreign word after an article
])
def test_bodies_programmes_and_things_are_not_people(engine, text):
    assert people(engine, text) == []


@pytest.mark.parametrize("text, name", [
    ("Please send it to Maria Garcia before Friday.", "Maria Garcia"),
    ("Grace Hall called about the claim.", "Grace Hall"),  # English words opening with a given name
    ("Chiamaka Okonkwo visited the office on Monday.", "Chiamaka Okonkwo"),
    ("Dear Citizens Advice, I am writing about my rent.", "Citizens Advice"),  # a strong cue wins
    ("Mr. Blue Badge signed the form.", "Blue Badge"),
    ("Okonkwo said the Okafor family had moved.", "Okonkwo"),
])
def test_people_are_still_found(engine, text, name):
    assert name in people(engine, text)


def test_a_nationality_before_a_thing_is_not_a_persons_nationality(engine):
    assert [h.type for h in engine.analyze("How do I apply for a Canadian passport?")] == []
    assert [h.type for h in engine.analyze("My Canadian tax return is late.")] == []
    text = "I am a Canadian citizen living in Ghana."
    assert ("NRP", "Canadian") in [(h.type, text[h.start:h.end]) for h in engine.analyze(text)]


def test_homebuyers_assistance_program_answer_is_not_withheld():
    answer = ("The Homebuyer's Assistance Program lends up to 3.5 percent of the price; ask a HUD-approved "
              "counselling agency in Nairobi or Toronto, or call the program's helpline on 01 738 3626, or "
              "write to info@housing.example.gov.")
    assert leak(answer, "Is there help with a down payment?") == []


def test_a_name_the_caller_did_not_give_is_still_a_leak():
    answer = "Your caseworker is Maria Garcia; she will call you at 416-555-0199."
    assert leak(answer, "Who handles my claim?") == [("PERSON", "Maria Garcia"), ("PHONE_NUMBER", "416-555-0199")]


def test_a_name_the_caller_gave_is_not_a_leak():
    assert leak("Maria Garcia can renew her licence online.", "Can Maria Garcia renew online?") == []


def test_a_personal_mailbox_is_a_leak_a_role_mailbox_is_not():
    answer = "Write to enquiries@revenue.example.ie or to j.murphy@revenue.example.ie."
    assert leak(answer, "Who do I write to?") == [("EMAIL_ADDRESS", "j.murphy@revenue.example.ie")]


def test_places_and_organisations_in_an_answer_are_not_a_leak_unless_asked_for():
    # a city counts as a place of a person's only where someone lives or comes from (below)
    answer = "Apply at Sheria House if you live in Nairobi, or at Acme Holdings Ltd."
    assert leak(answer, "Where do I apply?") == []
    guard = PiiLeakGuard()
    chosen = guard.scan(answer, GuardContext(direction="output", authorised_texts=["Where?"],
                                             options={"entities": ["LOCATION", "ORGANIZATION"]}))
    assert {f.type for f in chosen.findings} == {"LOCATION", "ORGANIZATION"}


def test_the_input_guard_leaves_an_ordinary_question_intact():
    guard = PiiGuard()
    for question in ("When is the Winter Fuel Payment paid?", "What is a Blue Badge and how do I apply?",
                     "How do I apply for a Canadian passport?"):
        assert guard.scan(question, GuardContext()).findings == []


@pytest.mark.parametrize("text", [
    "Children with an Education, Health and Care plan may get free transport.",  # single English words
    "Ask Transport for London for a 60+ card; Labour and Welfare offices can help.",
    "Call HSE Live or check the HDB Flat Eligibility letter.",  # an acronym opens the name
    "Register in the Cadastro Único at the Ministério do Desenvolvimento e Assistência Social.",  # heads first
    "In California, SNAP is called CalFresh.",  # "called" does not make a person
])
def test_single_english_words_acronym_led_and_foreign_headed_names_are_not_people(engine, text):
    assert people(engine, text) == []


def test_listed_surnames_stay_people(engine):
    assert "Murphy" in people(engine, "Marrero and Murphy were precision engineers.")


def test_a_word_and_an_age_near_licence_is_not_a_licence_number(engine):
    text = "It unlocks a free TV licence for over-75s."
    assert [h.type for h in engine.analyze(text)] == []


@pytest.mark.parametrize("text", [
    "How do I find emergency shelter in Dublin?", "How do I report a pothole in Toronto?",
    "How do I apply for a school bus pass in Queensland?", "How do I apply for NSFAS funding?",
])
def test_a_place_named_alone_is_not_personal_data(engine, text):
    assert engine.analyze(text) == []


@pytest.mark.parametrize(("text", "place"), [
    ("I live in Dublin and need a GP.", "Dublin"), ("She moved to Toronto in 2020.", "Toronto"),
    ("She was born in Dublin.", "Dublin"),
])
def test_where_a_person_lives_or_comes_from_is_still_found(engine, text, place):
    assert place in [text[h.start:h.end] for h in engine.analyze(text) if h.type == "LOCATION"]


@pytest.mark.parametrize("text", [
    "Check your payments on borger.dk with MitID or BankID.",
    "Customers of Sun Life can apply through Clic Sant\u00e9.",
    "At Narita, Haneda, Chubu or Kansai airport you receive your card.",
    "File your return with Udbetaling Danmark or Kela.",
    "Ask Tenants Victoria or Jobs Victoria for advice.",
    "Apply for the Carta Europea della Disabilit\u00e0 through INPS.",
])
def test_capitals_alone_do_not_make_a_person(engine, text):
    assert people(engine, text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Your adviser is Karolina Wi\u015bniewska, on the third floor.", "Karolina Wi\u015bniewska"),
    ("The application for Nguyen Thi Lan is pending.", "Nguyen Thi Lan"),
    ("It was signed for by Olusegun Adeyemi at noon.", "Olusegun Adeyemi"),
    ("Please pass the file to J. Okafor.", "J. Okafor"),
    ("Contact person: Gallagher", "Gallagher"),
])
def test_a_person_with_a_sign_of_a_person_is_still_found(engine, text, name):
    assert name in people(engine, text)


def test_the_given_name_list_is_the_pinned_build():
    """data/world_given_names.txt is benchmarks/pii_given_names.py's output from the pinned Faker
    wheel; a hand edit or another build changes its digest."""
    import hashlib
    from importlib import resources

    data = resources.files("charter.guards.pii").joinpath("data/world_given_names.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "2e966f4b7be9c9e01cc6bf0c1aa0c7bc035d11c6ea22c7cb92865a33b2a13a70"
    assert "36627c20b575b4138f54b6c21f8703e9ab122fd487aca11319beec2aa6ca7232" in data.decode()[:600]
