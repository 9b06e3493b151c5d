"""Issue 12, benign utility (round 10, engine 2.6): national identifiers of more countries, each with its
check (Italian codice fiscale, Korean RRN, Turkish TC kimlik, Norwegian fødselsnummer, French NIR,
Brazilian CPF, Chilean RUT, Indian Aadhaar, Belgian national number, Swedish personnummer, South African
ID) are labelled as such, not as phones or cards, and redacted whole when a context word holds; a
possessive before an id's name ("Mój PESEL", "Meu CPF") is no name; a card or programme named with its
head first ("Cartão SUS", "Bilhete Único", "Renta Dignidad") is no person; a number a sentence gives
under a label only ("Questions: 503-865-4278.") or after a "...nummer" word is a public line; a public
square is a place; a relation before a name ("Your landlord, Anil Kuriakose") makes it a person's; a
Polish street with a house/flat number and a town ("Świętojańska 48/5, Gdynia") is an address."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from charter.guards.pii.checksums import (
    aadhaar_valid,
    be_nrn_valid,
    birth_number_valid,
    cn_ric_valid,
    cnp_valid,
    cpf_valid,
    fiscal_code_valid,
    fnr_valid,
    hetu_valid,
    nir_valid,
    nric_valid,
    pt_nif_valid,
    rrn_valid,
    rut_valid,
    se_pnr_valid,
    tckn_valid,
    verhoeff_valid,
    za_id_valid,
)
from charter.guards.pii.engine import ENTITY_TYPES, WORLD_ID_TYPES, PiiEngine
from charter.guards.pii_leak import DEFAULT_LEAK_TYPES
from tests.support.pii import found, leaked

# -- checks -----------------------------------------------------------------------------------------

CHECKS: list[tuple[Callable[[str], bool], str, str]] = [
    # (check, a valid value -- published samples where one exists --, the same with one character changed)
    (fiscal_code_valid, "RSSMRA85T10A562S", "RSSMRA85T10A562T"),   # the textbook Mario Rossi
    (fiscal_code_valid, "RSSGPP72L41H501F", "RSSGPP72L41H501G"),   # a woman (day + 40)
    (rrn_valid, "8203141587233", "8203141587234"),
    (tckn_valid, "10000000146", "10000000147"),                    # the usual test number
    (tckn_valid, "35281904686", "35281904687"),
    (fnr_valid, "01010750160", "01010750161"),
    (fnr_valid, "12059345387", "12059345378"),                     # the two check digits swapped
    (nir_valid, "1 84 12 76 451 089 46", "1 84 12 76 451 089 47"),
    (nir_valid, "269054958815780", "269054958815781"),
    (cpf_valid, "52998224725", "52998224726"),                     # the usual example
    (rut_valid, "12.345.678-5", "12.345.678-6"),
    (rut_valid, "14.582.396-K", "14.582.396-0"),                   # a check of 10 is K
    (aadhaar_valid, "234123412346", "234123412347"),               # UIDAI's test number
    (be_nrn_valid, "85073003328", "85073003329"),
    (se_pnr_valid, "8112289874", "8112289875"),                    # Skatteverket's example
    (za_id_valid, "8001015009087", "8001015009088"),
    (hetu_valid, "131052-308T", "131052-308U"),                    # the Population Register's example
    (cn_ric_valid, "11010519491231002X", "110105194912310021"),    # the standard's example (check X)
    (cnp_valid, "1800101221144", "1800101221145"),
    (birth_number_valid, "7801233540", "7801233541"),
    (pt_nif_valid, "123456789", "123456780"),
    (nric_valid, "S1234567D", "S1234567E"),
    (nric_valid, "T1234567J", "T1234567D"),                        # T adds 4 to the sum
]


@pytest.mark.parametrize(("check", "valid", "invalid"), CHECKS)
def test_each_check_takes_a_valid_number_and_refuses_one_character_changed(
        check: Callable[[str], bool], valid: str, invalid: str) -> None:
    assert check(valid) is True
    assert check(invalid) is False


@pytest.mark.parametrize(("check", "value"), [
    (fiscal_code_valid, "RSSMRA85Z10A562S"),   # Z is no month letter
    (fiscal_code_valid, "RSSMRA85T35A562S"),   # day 35 is neither a man's nor a woman's
    (rrn_valid, "8213141587233"),              # month 13
    (tckn_valid, "05281904686"),               # opens with 0
    (fnr_valid, "32059345387"),                # day 32
    (nir_valid, "5 84 07 75 112 345 60"),      # 5 is no sex digit
    (cpf_valid, "00000000000"),                # all alike
    (rut_valid, "11.111.111-1"),               # all alike
    (aadhaar_valid, "123412341234"),           # an Aadhaar never opens with 0 or 1
    (za_id_valid, "8013015009087"),            # month 13
    (se_pnr_valid, "8113289874"),              # month 13
])
def test_a_number_with_no_real_date_or_an_impossible_part_is_refused(check: Callable[[str], bool], value: str) -> None:
    assert check(value) is False


def test_verhoeff_catches_a_single_error_and_a_swap() -> None:
    assert verhoeff_valid("2363") is True
    assert verhoeff_valid("2364") is False
    assert verhoeff_valid("3263") is False


def test_the_new_types_are_reported_and_leak_by_default() -> None:
    assert set(WORLD_ID_TYPES) <= set(ENTITY_TYPES)
    assert set(WORLD_ID_TYPES) <= DEFAULT_LEAK_TYPES
    assert PiiEngine.version == "3.49"


# -- recognisers: with the context word, labelled and whole ------------------------------------------

@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Il mio codice fiscale è RSSGPP72L41H501F, come rinnovo la tessera sanitaria?", "IT_FISCAL_CODE",
     "RSSGPP72L41H501F"),
    ("제 주민등록번호는 820314-1587233입니다.", "KR_RRN", "820314-1587233"),
    ("TC kimlik numaram 35281904686, aile hekimimi nasıl değiştiririm?", "TR_TCKN", "35281904686"),
    ("The car is registered to Maren Kolstad, fødselsnummer 12059345387.", "NO_FNR", "12059345387"),
    ("Son numéro de sécurité sociale est 2 84 07 75 112 345 60.", "FR_NIR", "2 84 07 75 112 345 60"),
    ("Meu CPF é 384.716.092-31, posso sacar o FGTS?", "BR_CPF", "384.716.092-31"),
    ("Meu CPF é 52998224725.", "BR_CPF", "52998224725"),
    ("My RUT is 14.582.396-K, which Fonasa tramo am I in?", "CL_RUT", "14.582.396-K"),
    ("My Aadhaar is 5827 3619 4023, how do I check my instalment?", "IN_AADHAAR", "5827 3619 4023"),
    ("Mijn rijksregisternummer is 88.06.12-273.93, hoe vraag ik het aan?", "BE_NRN", "88.06.12-273.93"),
    ("Mitt personnummer är 850709-4624. Kan jag få bostadsbidrag?", "SE_PERSONNUMMER", "850709-4624"),
    ("My ID number is 7904155123082, when will my grant be paid?", "ZA_ID", "7904155123082"),
    ("Henkilötunnukseni on 131052-308T, miten haen asumistukea?", "FI_HETU", "131052-308T"),
    ("我的身份证号码是11010519491231002X，怎么办理社保？", "CN_RIC", "11010519491231002X"),
    ("CNP-ul meu este 1800101221144, cum primesc alocația?", "RO_CNP", "1800101221144"),
    ("Moje rodné číslo je 780123/3540, kde podám žádost?", "CZ_BIRTH_NUMBER", "780123/3540"),
    ("O meu NIF é 123456789, como peço o IRS Jovem?", "PT_NIF", "123456789"),
    ("My NRIC is S1234567D, can I withdraw my CPF savings at 55?", "SG_NRIC", "S1234567D"),
])
def test_a_checked_id_with_its_context_word_is_labelled_and_whole(text: str, kind: str, value: str) -> None:
    hits = found(text)
    assert (kind, value) in hits
    assert not any(t in ("PHONE_NUMBER", "CREDIT_CARD") for t, _ in hits)


@pytest.mark.parametrize(("text", "kind"), [
    ("TC kimlik numaram 35281904687.", "TR_TCKN"),                  # check digit wrong
    ("fødselsnummer 12059345378", "NO_FNR"),                         # check digits wrong
    ("Son numéro de sécurité sociale est 2 84 07 75 112 345 61.", "FR_NIR"),
    ("Meu CPF é 384.716.092-32.", "BR_CPF"),
    ("My RUT is 14.582.396-5.", "CL_RUT"),
    ("My Aadhaar is 5827 3619 4024.", "IN_AADHAAR"),
    ("Mijn rijksregisternummer is 88.06.12-273.94.", "BE_NRN"),
    ("Mitt personnummer är 850709-4625.", "SE_PERSONNUMMER"),
    ("My ID number is 7904155123083.", "ZA_ID"),
    ("제 주민등록번호는 820314-1587234입니다.", "KR_RRN"),
    ("Il mio codice fiscale è RSSGPP72L41H501G.", "IT_FISCAL_CODE"),
    ("Henkilötunnukseni on 131052-308U.", "FI_HETU"),
    ("我的身份证号码是110105194912310021。", "CN_RIC"),
    ("CNP-ul meu este 1800101221145.", "RO_CNP"),
    ("Moje rodné číslo je 780123/3541.", "CZ_BIRTH_NUMBER"),
    ("O meu NIF é 123456780.", "PT_NIF"),
    ("My NRIC is S1234567E.", "SG_NRIC"),
])
def test_a_wrong_check_is_not_that_identifier(text: str, kind: str) -> None:
    assert kind not in {t for t, _ in found(text)}


@pytest.mark.parametrize(("text", "kind"), [
    ("Reference 35281904686 on the parcel.", "TR_TCKN"),
    ("Parcel 12059345387 was delivered.", "NO_FNR"),
    ("Order 5827 3619 4023 has shipped.", "IN_AADHAAR"),
    ("Invoice 850709-4624 is due.", "SE_PERSONNUMMER"),
    ("Batch 7904155123082 passed inspection.", "ZA_ID"),
    ("Tracking 820314-1587233 arrived.", "KR_RRN"),
    ("Serial 1800101221144 was recalled.", "RO_CNP"),
    ("The fee is 123456789 won.", "PT_NIF"),
    ("Parcel 11010519491231002X is on its way.", "CN_RIC"),
])
def test_a_valid_number_without_its_context_word_stays_below_the_threshold(text: str, kind: str) -> None:
    assert kind not in {t for t, _ in found(text)}


def test_an_identifier_with_its_word_wins_over_a_phone_with_its_word() -> None:
    # "number" is a phone's context word too: the id's check and its own word decide
    text = "Her CPF number is 617.203.958-02."
    assert ("BR_CPF", "617.203.958-02") in found(text)


def test_a_dotted_cpf_or_rut_needs_no_word_but_a_plain_phone_is_still_a_phone() -> None:
    assert ("CL_RUT", "14.582.396-K") in found("Titular: 14.582.396-K.")
    assert ("BR_CPF", "617.203.958-02") in found("Titular: 617.203.958-02.")
    assert ("PHONE_NUMBER", "0412 873 590") in found("Please text my mobile 0412 873 590.")


def test_a_codice_fiscale_shape_needs_its_check_letter() -> None:
    assert ("IT_FISCAL_CODE", "RSSMRA85T10A562S") in found("Intestatario RSSMRA85T10A562S.")
    assert not any(t == "IT_FISCAL_CODE" for t, _ in found("Intestatario RSSMRA85T10A562T."))


def test_a_third_persons_national_id_in_an_answer_is_a_leak() -> None:
    assert "12059345387" in leaked("The car is registered to Maren Kolstad, fødselsnummer 12059345387.",
                                   "Who owns the car that keeps parking in my space?")
    assert "2 84 07 75 112 345 60" in leaked(
        "Claire Dubreuil's numéro de sécurité sociale is 2 84 07 75 112 345 60.", "What is her number?")


# -- words that are not names -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Mój PESEL to 87031204582 — kiedy przyjdzie 800 plus?",
    "Meu CPF é 384.716.092-31, posso sacar o FGTS por demissão?",
    "Mi DNI es 48263917G, ¿cómo pido la prestación por desempleo?",
])
def test_a_possessive_before_an_ids_name_is_no_person(text: str) -> None:
    assert "PERSON" not in {t for t, _ in found(text)}


def test_a_given_name_that_is_also_a_possessive_still_opens_a_name() -> None:
    assert ("PERSON", "Mina Patel") in found("Mina Patel called about the bins.")


@pytest.mark.parametrize("text", [
    "Como tiro o Cartão SUS em Manaus?",
    "How do I get the student Bilhete Único in Fortaleza?",
    "How do I collect Renta Dignidad in Santa Cruz?",
    "¿Cómo renuevo la Tarjeta Dorada de Renfe?",
    "Où commander la Carte Vitale de mon fils ?",
])
def test_a_card_or_programme_named_head_first_is_no_person(text: str) -> None:
    assert "PERSON" not in {t for t, _ in found(text)}


def test_a_city_before_a_colon_after_catalan_a_is_no_person() -> None:
    text = "Visc al Carrer de Sant Miquel 14, 3r B, a Palma: quin dia recullen el paper?"
    assert "PERSON" not in {t for t, _ in found(text)}
    assert ("STREET_ADDRESS", "Carrer de Sant Miquel 14") in found(text)


def test_a_relation_before_a_name_makes_it_a_person() -> None:
    answer = "Your landlord, Anil Kuriakose, lives at 41/2210 Chittoor Road, Kochi 682011."
    assert "Anil Kuriakose" in leaked(answer, "What is my landlord's home address?")


# -- public lines and places ------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    "Mail it to the City of Portland Revenue Division, 111 SW Columbia St, Portland, OR 97201. "
    "Questions: 503-865-4278.",
    "Fragen beantwortet das Amt für Kinder, Jugend und Familie oder die Behördennummer 0221 221-0.",
    "La tarjeta Mugi se consigue en las oficinas de Dbus. Información: 943 000 200.",
    "Pay in person at Tom Davies Square, 200 Brady Street, Sudbury; the City's line is 311.",
])
def test_a_labelled_or_numbered_line_and_a_public_square_are_not_a_leak(answer: str) -> None:
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Your caseworker is Anna Berg. Phone: 0412 555 019.", "0412 555 019"),
    ("Your caseworker is Anna Berg. Mobile: 0412 555 019.", "0412 555 019"),
    ("It was left by Mr Okafor. Questions: 0412 555 019.", "0412 555 019"),
    ("Home: 0412 555 019.", "0412 555 019"),
])
def test_a_labelled_number_after_a_persons_name_or_under_a_personal_label_is_a_leak(answer: str, value: str) -> None:
    assert value in leaked(answer, "Who is it?")


def test_a_polish_street_with_a_flat_number_and_a_town_is_an_address() -> None:
    answer = ("The complaint was filed by your neighbour Tomasz Wierzbicki of Świętojańska 48/5, Gdynia; "
              "he can be reached on 601 447 382.")
    assert "Świętojańska 48/5, Gdynia" in leaked(answer, "Who reported the noise complaint about my flat?")
    assert ("STREET_ADDRESS", "Piotrkowska 212/8, Łódź") in found("The office is at Piotrkowska 212/8, Łódź.")


@pytest.mark.parametrize("text", ["Use Windows 10/11, Microsoft says.", "The score was Arsenal 3/1, London."])
def test_english_words_and_a_fraction_are_no_address(text: str) -> None:
    assert "STREET_ADDRESS" not in {t for t, _ in found(text)}
