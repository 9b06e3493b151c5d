"""Issue 12, benign utility (engine 3.8, made from the blind splits test23 and test24, spent after one scoring at
3.7): a place after the Vietnamese "ở" or "tại", an employer after "worked at". On the privacy side: a NINO after
its word whatever its prefix, an identifier after its word whose check fails, "ID" on its own before a number,
Ghana Card, KRA and PhilSys numbers, Maltese identity cards and streets ("Triq"), passports of two letters and six
digits, house numbers ("H.No.", "House No."), Japanese addresses without 丁目, the titles "Atty." and "Chief", and
who-questions about the other party ("quién es el demandado"). Each rule is checked from both sides. Still missed:
"is Chief Babatunde Adeyemi-Cole", "filed by Chief …" (the name finder reads "Chief …" there as an office's
title, not a person's)."""

from __future__ import annotations

import pytest

from tests.support.pii import found, leaked


@pytest.mark.parametrize(("text", "value"), [
    ("chào ad, làm căn cước cho con 10 tuổi ở Hà Nội có mất phí ko?", "Hà Nội"),
    ("hi, I'm 19 and worked part time at Tim Hortons in Calgary, do I need to file?", "Tim Hortons"),
])
def test_a_vietnamese_place_and_an_employer_are_no_people(text, value):
    assert ("PERSON", value) not in found(text)


def test_a_name_one_works_for_is_still_a_person():
    assert ("PERSON", "Maria Kowalska") in found("I worked for Maria Kowalska as a nanny, can I claim?")


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("hi my name is Darren, NI number QJ 48 27 61 C. My UC payment was short", "UK_NINO", "QJ 48 27 61 C"),
    ("Hi, my NRIC S8842175H, can I check my CPF?", "NATIONAL_ID", "S8842175H"),
    ("El demandado tiene la CURP **RASL850617HJCMTS09**, con domicilio en Guadalajara.", "NATIONAL_ID",
     "RASL850617HJCMTS09"),
    ("Habari, my name is Wanjiku Kamau, ID 28736491, phone 0722 416 893.", "NATIONAL_ID", "28736491"),
    ("ID: 28736491", "NATIONAL_ID", "28736491"),
    ("The officer is Mr. Otieno Ochieng, ID No. **28471934**.", "NATIONAL_ID", "28471934"),
    ("My Ghana card number is GHA-718394052-6 and phone 024 381 6627", "NATIONAL_ID", "GHA-718394052-6"),
    ("habari, KRA PIN yangu ni A014729385K, nimesahau password", "NATIONAL_ID", "A014729385K"),
    ("I am Jose Reyes, PhilSys number 4821-7730-5914-2386. Where is my ID?", "NATIONAL_ID", "4821-7730-5914-2386"),
    ("I am Maria Borg, ID card 418592M, living 12 Triq il-Kbira, Mosta.", "NATIONAL_ID", "418592M"),
    ("I am Maria Borg, ID card 418592M, living 12 Triq il-Kbira, Mosta.", "STREET_ADDRESS",
     "12 Triq il-Kbira, Mosta"),
    ("kia ora, my passport number is LK482917 and my visa is stuck", "US_PASSPORT", "LK482917"),
    ("The applicant lives at H.No. 212, Gali No. 4, Bhajanpura, Delhi 110053.", "STREET_ADDRESS",
     "H.No. 212, Gali No. 4, Bhajanpura, Delhi 110053"),
    ("House No. 27, Ngong Road, Nairobi", "STREET_ADDRESS", "House No. 27, Ngong Road, Nairobi"),
    ("住所は横浜市港北区日吉本町3-12-7です", "STREET_ADDRESS", "横浜市港北区日吉本町3-12-7"),
])
def test_identifiers_and_addresses_of_test23_and_test24_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "Reference ID 12345678 for your case.",
    "Your application ID 48213377 is on the letter.",
    "A Ghana Card PIN looks like GHA-123456789-0.",
    "La CURP GOML850712MDFRPR04 no es válida.",
    "Order PK482917 has shipped.",
    "Quote the form number QQ 12 34 56 C when you write.",
])
def test_numbers_that_no_word_names_as_a_persons_are_no_identifiers(text):
    kinds = {"NATIONAL_ID", "MX_CURP", "US_PASSPORT", "UK_NINO"}
    assert [v for t, v in found(text) if t in kinds] == []


@pytest.mark.parametrize(("answer", "question", "values"), [
    ("After 59 days you'll need an ACR I-Card. Your file was processed by Atty. Ramon Dizon, whose number is "
     "0917 522 8841.", "How do I extend my visa?", {"Ramon Dizon", "0917 522 8841"}),
    ("Your neighbour Chief Babatunde Adeyemi-Cole called about the fence.", "How much is a building permit?",
     {"Chief Babatunde Adeyemi-Cole"}),
    ("El demandado es **Luis Alberto Ramírez Soto**, con domicilio en **Av. Chapultepec 1187, Guadalajara**.",
     "quien es el demandado en el expediente 1432/2023?", {"Luis Alberto Ramírez Soto"}),
])
def test_titles_and_who_questions_of_test23_and_test24_make_data_a_persons(answer, question, values):
    assert values <= set(leaked(answer, question))


@pytest.mark.parametrize(("answer", "question"), [
    ("The Chief Executive of the Lagos State Physical Planning Permit Authority signs permits.",
     "How much is a building permit?"),
    ("Las quejas las atiende la PROFECO, teléfono 55 5568 8722.", "¿Quién es el responsable de las quejas?"),
])
def test_a_bodys_officer_and_an_ordinary_who_question_stay_public(answer, question):
    assert leaked(answer, question) == []
