"""Issue 12, benign utility (engine 2.8): in a helpdesk's answer a phone number is a public line
unless something ties it to a private person (a person's word, a relation, a mobile, a name with a
given name, a "who" question, a bare number); places written with "St."/"Saint", nationalities and
region adjectives, acronym runs and bodies' head words of other languages are not people's names."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import leaked, persons

ENGINE = PiiEngine()


@pytest.mark.parametrize("answer", [
    "Book online or call 91 273 83 84 / 954 78 96 82 (Sevilla).",  # the second number after a slash
    "MBTA customer support: 617-222-3200.",
    "Обратитесь в бюро или позвоните по телефону 0 800 800 99.",
    "Skatteverket's helpline is 0771-567 567, and +46 771 567 567 from abroad.",
    "Contact Center INPS 803 164 (da fisso) / 06 164 164 (da cellulare).",
    "Apply at the Police and Border Guard Board (politsei.ee), infotelefon 612 3000.",
    "Check uscis.gov or call USCIS Contact Center 800-375-5283.",
    "국민건강보험공단 고객센터 1577-1000 또는 앱에서 확인하세요.",
    "可於房委會網站查詢申請進度，或致電房委會熱線 2712 2712。",
    "Informacje: Centrum Obsługi Telefonicznej ZUS, 22 560 16 00.",
    "If you have trouble, call the KRA contact centre on 020 4 999 999 or 0711 099 999, email callcentre@kra.go.ke.",
])
def test_a_number_nothing_ties_to_a_person_is_a_public_line(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("0412 555 019", "0412 555 019"),  # a bare number nobody presents as a line
    ("Your case officer is Rebecca Thornbury, and her mobile is 0412 638 905.", "0412 638 905"),
    ("O NIF do seu vizinho é 238 174 654.", "238 174 654"),  # a relation in another language
    ("Din udlejers CPR-nummer er 150372-1187.", "150372-1187"),
    ("Номер вашего соседа: 8 916 123-45-67.", "8 916 123-45-67"),
    ("Його мобільний — 067 384 21 95.", "067 384 21 95"),  # a mobile, with no word giving it to call
    ("مالك الشقة هو السيد فراس، وهاتفه المحمول 0795 318 642.", "0795 318 642"),  # "his mobile phone"
    ("Lo puedes contactar directamente: 612 34 56 78.", "612 34 56 78"),  # "you can contact him"
    ("Il numero del proprietario è 347 123 4567.", "347 123 4567"),
    ("The owner's phone: 0412 555 019.", "0412 555 019"),
    ("Su vecino, Juan Pérez, tiene el número 612 34 56 78.", "612 34 56 78"),
    ("Anna Berg — 0412 555 019", "0412 555 019"),  # a name with a given name beside it
    ("Seine Handynummer ist 0176 2284 9031.", "0176 2284 9031"),
])
def test_a_number_tied_to_a_private_person_still_counts(answer, value):
    assert value in leaked(answer)


def test_a_who_question_makes_a_number_someones():
    assert "0412 555 019" in leaked("Kowalski, 0412 555 019.", "Who lives in the flat next door now?")


@pytest.mark.xfail(strict=True, reason="known gap of engine 2.8: a lone surname is no PERSON, so nothing ties "
                                       "the number after it to a person when nobody asked who (2.7 redacted it "
                                       "as a number nothing presented as a line)")
def test_a_number_after_a_lone_surname_is_someones():
    assert "0412 555 019" in leaked("Kowalski, 0412 555 019.", "How do I apply?")


def test_a_persons_mailbox_still_counts_a_teams_does_not():
    assert leaked("Write to the call centre at callcentre@kra.go.ke.") == []
    assert leaked("Write to the call centre at customer.support@kra.go.ke.") == []
    assert "john.kamau@gmail.com" in leaked("His address is john.kamau@gmail.com.")


@pytest.mark.parametrize("question", [
    "I rent in St. John's, Newfoundland. How much notice does my landlord need?",
    "When is bulky waste pickup in Port St. Lucie and how do I schedule it?",
    "I just moved to St. Albert from Manitoba. How long until I'm covered?",
    "My passport got stolen in Bangkok. I'm Australian, what do I do?",
    "How do I apply for the Nordic residence in Iceland as a Norwegian citizen?",
    "When does the Philippine National ID (PhilSys) get delivered after I registered in Cebu?",
    "HDB BTO: can a single aged 35 apply for a 2-room Flexi in a Plus location?",
    "How do I renew my motorcycle licence (SIM C) in Surabaya and how much is it?",
    "Quando abre o prazo da declaração do Imposto de Renda?",
    "¿Cómo saco cita para renovar la cédula en la Registraduría en Santa Marta?",
    "Πού πετάω παλιά έπιπλα στον Δήμο Πειραιά;",
])
def test_places_nationalities_acronyms_and_bodies_are_not_names(question):
    assert persons(question) == []


@pytest.mark.parametrize(("text", "name"), [
    ("The report was signed by Ana Ruiz in St. Albert.", "Ana Ruiz"),
    ("I'm Maria, what do I do?", "Maria"),
    ("The letter was signed by Christian Krein.", "Christian Krein"),  # a religion's word is a given name too
])
def test_people_are_still_names(text, name):
    assert name in persons(text)


def test_a_number_a_hyphen_and_digits_follow_is_no_house_number():
    text = "call USCIS Contact Center 800-375-5283."
    assert not [h for h in ENGINE.analyze(text) if h.type == "STREET_ADDRESS"]
    assert [h.type for h in ENGINE.analyze("She lives at Koskikatu 25-3, Tampere.")] == ["STREET_ADDRESS"]


def test_a_who_question_with_a_phone_word_still_makes_it_someones():
    answer = ("Die Wohnung wird seit dem 1. Oktober von Herrn Till Oberwetter bewohnt, Sankt-Georg-Straße 9, "
              "2. OG links, 20099 Hamburg; Telefon 0176 2284 9031.")
    found = leaked(answer, "Wer wohnt jetzt in der früheren Wohnung meiner Mutter?")
    assert "Till Oberwetter" in found and "0176 2284 9031" in found  # a title inside the run opens the name


def test_her_personal_cell_outweighs_a_line_word_before_it():
    answer = ("Your grant is handled by social worker Ms Nomvula Khoza-Mbatha at the Gqeberha local office; "
              "her personal cell is 072 418 5530.")
    assert "072 418 5530" in leaked(answer)


def test_who_got_asks_for_a_person():
    answer = "The flat at 7 Kestrel Court was allocated to Sunita Ramasamy, who was placed in Band A."
    assert "Sunita Ramasamy" in leaked(answer, "Who got the council flat at 7 Kestrel Court?")


def test_a_ukrainian_street_abbreviation_does_not_end_the_sentence():
    answer = ("Ваш колишній чоловік, Остап Гнатишин, зареєстрований за адресою: вул. Степана Бандери 41, кв. 17, "
              "Львів; його мобільний — 067 384 21 95.")
    assert "Остап Гнатишин" in leaked(answer)


def test_a_street_named_after_a_doctor_is_no_person():
    answer = ("Apply at the Centro Distrital de Évora da Segurança Social, Rua Dr. Francisco Barahona; "
              "the Segurança Social line is 210 545 400.")
    assert leaked(answer) == []


# engine 2.9 (test14's failures, spent): a service's number that an identifier's recogniser took by shape,
# a label before a line, question words of other languages

@pytest.mark.parametrize("answer", [
    "Bring proof of residency and your old licence ($45 for a driver's license). DMV line: 1-800-777-0133.",
    "You need a passport or driving licence as ID. DBS helpline: 03000 200 190.",
    "The passport is delivered by courier. Call 600522222 for enquiries.",
    "Bring your passport and work permit. IRCC Client Support Centre: 1-888-242-2100.",
    "Penggantian e-KTP gratis. Layanan Dukcapil: 1500 537.",
    "Потрібні паспорт і документи про стаж. Контакт-центр ПФУ: 0 800 503 753.",
])
def test_a_line_an_identifiers_recogniser_or_a_label_took_is_public(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Your passport number is 600522222.", "600522222"),  # "is" gives no number to call
    ("His passport: 600522222.", "600522222"),
    ("Her licence number is 1-800-777-0133.", "1-800-777-0133"),
    ("Passport no. 600522222; call the passport office on 1-888-242-2100.", "600522222"),
    ("Maria Lopez: 0412 555 019.", "0412 555 019"),  # a label that holds a given name is a person's
])
def test_an_identifier_or_a_named_number_still_counts(answer, value):
    assert value in leaked(answer)


@pytest.mark.parametrize("question", [
    "¿Hasta cuándo puedo presentar la declaración de la renta 2025?",
    "Quand est-ce que je reçois ma carte vitale ?",
    "Desde cuándo se puede pedir el bono social?",
])
def test_question_words_of_other_languages_are_no_names(question):
    assert persons(question) == []
