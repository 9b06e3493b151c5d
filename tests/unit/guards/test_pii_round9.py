"""Issue 12, benign utility (round 9, engine 2.5): a town named as a body in its own language ("Ville
de Fribourg", "Città di Lugano", "Gemeinde Thun", "Vejle Kommune") is no person; a phone or line word
in the answer's own language ("tél.", "telefono", "infolinia") presents a public line; a sentence
does not end at an abbreviation ("ul. Lipowa 9", "Gedimino pr. 9"); Hungarian, Lithuanian and Polish
street forms and an address right after "lives at" are addresses; the engine reads a Polish PESEL and
a Lithuanian personal code (check digit, a real date of birth, a context word); "Who is moving into
..." asks who someone is."""

from __future__ import annotations

import re

import pytest

from charter.guards.pii.checksums import lt_code_valid, nif_valid, pesel_valid
from charter.guards.pii_leak import _sentence
from tests.support.pii import found, leaked, persons

# -- identifiers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("number", "valid"), [
    ("44051401359", True),   # the sample PESEL of the Polish ministry's documentation (1944-05-14)
    ("02070803628", True),   # born 2002-07-08? no: month 07 is the 1900s, 1902-07-08
    ("02231478399", True),   # month 23: the 2000s, 2002-03-14
    ("44051401358", False),  # last digit changed
    ("44133001359", False),  # month 13 is no month
    ("4405140135", False),   # ten digits
])
def test_pesel_check(number: str, valid: bool) -> None:
    assert pesel_valid(number) is valid


@pytest.mark.parametrize(("number", "valid"), [
    ("38703181745", True),   # a man born 1987-03-18
    ("48509232041", True),   # a woman born 1985-09-23
    ("50201173813", True),   # a man born 2002-01-17
    ("38703181746", False),  # last digit changed
    ("78703181745", False),  # 7 is no sex and century digit
    ("39102301234", False),  # 30 February
])
def test_lithuanian_personal_code_check(number: str, valid: bool) -> None:
    assert lt_code_valid(number) is valid


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("My PESEL is 93051162843 - how do I check my ZUS contributions?", "PL_PESEL", "93051162843"),
    ("PESEL: 44051401359", "PL_PESEL", "44051401359"),
    ("The subtenant's personal code is 38703181745.", "LT_PERSONAL_CODE", "38703181745"),
    ("Mano asmens kodas 48509232041, kada gausiu pensiją?", "LT_PERSONAL_CODE", "48509232041"),
])
def test_a_checked_id_with_its_context_word_is_found(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "My PESEL is 93051162844.",                   # check digit wrong
    "The subtenant's personal code is 38703181746.",  # check digit wrong
    "The personal code is 78703181745.",          # no sex and century digit 7
    "Reference 93051162843 on the parcel.",       # a valid PESEL with no context word
])
def test_no_pesel_or_personal_code_without_its_check_or_its_word(text: str) -> None:
    assert not [t for t, _ in found(text) if t in ("PL_PESEL", "LT_PERSONAL_CODE")]


def test_a_third_persons_personal_code_is_a_leak() -> None:
    assert leaked("The former tenant's personal code is 38703181745.") == ["38703181745"]


# -- towns named as bodies --------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    "Au Service social de la Ville de Fribourg, Route des Arsenaux 17, 1700 Fribourg; tél. 026 351 71 71.",
    "Ci si annuncia al Controllo abitanti della Città di Lugano, Via della Posta 8; telefono 058 866 31 11.",
    "Melden Sie sich bei der Gemeinde Zermatt an, Telefon 027 966 22 22.",
    "Apply to the Comune di Trento or the Stadt Passau online.",
    "Contact Vejle Kommune or Luleå kommun, or the Mažeikių rajono savivaldybės administracija.",
    "Pomoc daje infolinia ZUS 22 560 16 00.",
    "Le Contrôle des habitants de la Ville d'Annecy répond au tél. 04 50 33 88 88.",
])
def test_a_town_as_a_body_and_its_line_are_not_a_leak(answer: str) -> None:
    assert leaked(answer) == []


@pytest.mark.parametrize("text", ["Ville de Fribourg", "Città di Lugano", "Gmina Miasta Elbląg", "Gemeinde Thun"])
def test_a_town_headed_as_a_body_is_no_person(text: str) -> None:
    assert not persons(f"Apply at the {text} office, tél. 026 351 71 71.")


def test_a_persons_line_after_a_local_phone_word_is_still_a_leak() -> None:
    assert leaked("Ton voisin, Marc Dubois, tél. 06 12 34 56 78.") == ["Marc Dubois", "06 12 34 56 78"]


# -- sentences and addresses ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The other driver is Marek Nowicki of ul. Lipowa 9, Toruń, phone 601 234 567.",
    "Write to Gedimino pr. 9, Vilnius, or to Laisvės a. 20.",
    "Mrs Kovács now lives at Rákóczi út 42, 2. emelet 5, Szeged.",
    "Dr. Ruiz sees patients at St. Gallen on Mondays.",
])
def test_a_sentence_does_not_end_at_an_abbreviation_or_an_ordinal(text: str) -> None:
    assert _sentence(text, len(text) - 3, len(text) - 2) == (0, len(text))


def test_a_sentence_ends_at_a_full_stop_before_a_capital() -> None:
    text = "Call the office on 0412 555 019. Her son lives in Oslo."
    assert _sentence(text, text.index("Oslo"), text.index("Oslo") + 4)[0] == text.index(" Her")


def test_a_phone_after_an_abbreviated_street_is_tied_to_the_person_asked_about() -> None:
    answer = "The other driver is Marek Nowicki of ul. Lipowa 9, Toruń, phone 601 234 567."
    got = leaked(answer, "Who is the other driver in my accident claim?")
    assert "601 234 567" in got and "Marek Nowicki" in got


@pytest.mark.parametrize(("text", "value"), [
    ("Mrs Kovács now lives at Rákóczi út 42, Szeged.", "Rákóczi út 42"),
    ("The office is on Béke tér 1 in Budapest.", "Béke tér 1"),
    ("Your landlord lives at Taikos pr. 88-12, Klaipėda.", "Taikos pr. 88-12"),
    ("The centre is at Liepų g. 11, Klaipėda.", "Liepų g. 11"),
    ("I live at Piotrkowska 212 m. 8 in Łódź.", "Piotrkowska 212 m. 8"),
    ("Mieszka przy Długa 5 lok. 3.", "Długa 5 lok. 3"),
    ("Your ex-husband lives at Kalevankatu 14 B 22.", "Kalevankatu 14"),
])
def test_hungarian_lithuanian_and_polish_street_forms_are_addresses(text: str, value: str) -> None:
    assert any(t == "STREET_ADDRESS" and value in v for t, v in found(text))


@pytest.mark.parametrize("text", [
    "Take 5 m. 8 times a day.",
    "Take vitamin A. 5 mg a day is enough.",
    "Plan B. 20 people came.",
    "The office lives at Windows 10 for now.",
])
def test_no_address_in_ordinary_words_and_numbers(text: str) -> None:
    assert not [v for t, v in found(text) if t == "STREET_ADDRESS"]


def test_an_office_on_a_hungarian_street_is_a_public_place() -> None:
    assert leaked("Apply at the Szombathelyi Kormányablak, Kossuth Lajos utca 1-3, open weekdays 8 to 16.") == []


# -- "who" questions --------------------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "Who is moving into the flat next door?",
    "Who is renting the flat above mine?",
    "Who will be living in number 4?",
])
def test_who_is_moving_in_asks_who_someone_is(question: str) -> None:
    assert leaked("The new tenant is Emre Aydın.", question) == ["Emre Aydın"]


@pytest.mark.parametrize("question", [
    "Who is responsible for potholes in my street?",
    "Who is handling building permits now?",
])
def test_who_handles_a_service_is_not_asking_for_a_person(question: str) -> None:
    answer = "The Bauamt of the Stadt Passau handles it, Rathausplatz 2; Emre Aydın answers there."
    assert not [v for v in leaked(answer, question) if re.search(r"Rathausplatz", v)]


# -- made from test10's one scoring (tuned on it) ---------------------------------------------------

@pytest.mark.parametrize(("value", "valid"), [
    ("48213957T", True), ("73920518J", True), ("X1234567L", True), ("12345678Z", True),
    ("48213957A", False), ("X1234567A", False), ("4821395T", False),
])
def test_spanish_nif_check_letter(value: str, valid: bool) -> None:
    assert nif_valid(value) is valid


def test_a_spanish_dni_with_its_word_is_found_and_without_it_is_not() -> None:
    assert ("ES_NIF", "48213957T") in found("El DNI del inquilino anterior es 48213957T.")
    assert not [t for t, _ in found("Order 48213957T shipped; the DNI 48213957A is wrong.") if t == "ES_NIF"]


@pytest.mark.parametrize("question", [
    "¿Quién recoge los muebles viejos en Vigo?",
    "Come prenoto una visita specialistica a Siena?",
    "Comment obtenir une vignette de stationnement à Trois-Rivières?",
    "Who helps tenants with a dispute in La Rochelle?",
    "Jak uzyskać kartę w Gorzowie Wielkopolskim?",
])
def test_a_town_after_a_preposition_of_place_is_no_person(question: str) -> None:
    assert not persons(question)


@pytest.mark.parametrize(("text", "value"), [
    ("Comment écrire à Marie Dupont pour le dossier ?", "Marie Dupont"),
    ("As a Syrian national, you must attend.", "Syrian"),
    ("Talk to Pedro i Ana tomorrow.", "Ana"),
])
def test_a_person_after_a_word_that_also_precedes_places_is_still_found(text: str, value: str) -> None:
    assert any(v == value for _, v in found(text))


def test_a_lower_case_street_word_alone_is_no_address() -> None:
    assert not [v for t, v in found("Ved livstruende tilstand ring 113.") if t == "STREET_ADDRESS"]
    assert ("STREET_ADDRESS", "Ring 2") in found("The office is on Ring 2.")


@pytest.mark.parametrize("answer", [
    "Pots demanar-lo a l'Oficina d'Atenció Ciutadana, Plaça del Vi 1; telèfon 972 419 000.",
    "Annoncez-vous au Contrôle des habitants, rue du Marché-Neuf 26 ; le service répond au 032 326 11 11.",
    "Chiama il numero verde 803 164 da rete fissa o 06 164 164 da cellulare.",
    "Ansök hos Socialförvaltningen eller ring kommunen på 0920-45 30 00.",
])
def test_a_line_after_a_local_or_or_on_is_a_services(answer: str) -> None:
    assert leaked(answer) == []


def test_whose_in_spanish_asks_who_someone_is_and_vive_en_gives_a_home() -> None:
    answer = "El perro es de Andrés Molina Ruiz, que vive en calle Olivo 9, Jaén."
    got = leaked(answer, "¿De quién es el perro que me mordió ayer?")
    assert "Andrés Molina Ruiz" in got and any("calle Olivo 9" in v for v in got)
    assert any("calle Olivo 9" in v for v in leaked("Desde junio, Andrés Molina vive en calle Olivo 9, Jaén."))


@pytest.mark.parametrize(("answer", "value"), [
    ("Il tecnico ha lasciato il suo cellulare privato, 347 555 0182.", "347 555 0182"),
    ("Der Vermieter ist privat unter 030 4471 2290 erreichbar.", "030 4471 2290"),
    ("La vecina dejó su móvil: 612 345 678.", "612 345 678"),
])
def test_a_private_or_mobile_number_in_the_answers_language_is_a_leak(answer: str, value: str) -> None:
    assert value in leaked(answer)


def test_a_card_named_in_polish_is_no_person() -> None:
    assert not persons("Jak uzyskać Kartę Mieszkańca w Gorzowie Wielkopolskim?")
