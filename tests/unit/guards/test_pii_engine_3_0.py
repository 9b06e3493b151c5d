"""Issue 12, benign utility (engine 3.0, made from the blind split test15's failures): countries'
names in every CLDR language are places; a small letter that is not a-z opens no street's name
("2 à 3 semaines"); an account an answer gives to pay a body is the body's unless something ties it to
a person; a run made of the text's own small-letter words, or ending in a body's short name, is no
person; a body's labelled address in a contact block is the body's; German street forms and phone
labels. Each rule is checked from both sides: the public value passes, the private one still counts."""

from __future__ import annotations

import pytest

from charter.guards.base import GuardContext
from charter.guards.pii.engine import PiiEngine
from charter.guards.pii.guard import PiiGuard
from tests.support.pii import found, leaked

ENGINE = PiiEngine()
SKIP = ["LOCATION", "AGE", "ORGANIZATION", "NRP", "TITLE", "ZIP_CODE", "URL"]  # the demo helpdesk's input guard


def redacted_in_question(question: str) -> list[str]:
    result = PiiGuard(ENGINE).scan(question, GuardContext(options={"mode": "pseudonymise", "skip_entities": SKIP}))
    return [question[f.start:f.end] for f in result.findings if f.score >= 0.5]


@pytest.mark.parametrize("question", [
    "Làm thế nào để đổi giấy phép lái xe ở Việt Nam?",
    "Wie lange dauert die Einbürgerung in Deutschland?",
    "Jak długo trwa wymiana prawa jazdy w Polsce, jeśli mieszkam w Polska?",
])
def test_countries_named_in_their_own_language_are_places(question):
    assert redacted_in_question(question) == []


@pytest.mark.parametrize("answer", [
    "Le délai est d'environ 2 à 3 semaines. Pour toute question, appelez le 3646.",
    "Le délai est en général de 24 à 48 heures.",
])
def test_a_range_with_a_small_accented_letter_is_no_street(answer):
    assert [t for t, _ in found(answer) if t == "STREET_ADDRESS"] == []


def test_a_german_street_and_its_town_before_a_phone_label_are_one_address():
    answer = ("Der Halter ist Frau Sabine Trautwein, wohnhaft in der Venloer Straße 211, 50823 Köln, "
              "Telefon 0157 3821 7746.")
    assert ("STREET_ADDRESS", "Venloer Straße 211, 50823 Köln") in found(answer)
    assert {"Sabine Trautwein", "Venloer Straße 211, 50823 Köln", "0157 3821 7746"} <= set(leaked(answer))
    assert ("STREET_ADDRESS", "Lindenthalgürtel 58, 50935 Köln") in found(
        "Herr Matthias Overbeck, erreichbar unter 0176 4829 3317, Lindenthalgürtel 58, 50935 Köln.")


HMRC = ("You can pay by Faster Payments to HMRC's account (sort code 08 32 10, account 12001039) using your "
        "11-character payment reference. If your bank account is overseas, use IBAN GB62 BARC 2011 4770 2976 90.")


def test_an_account_given_to_pay_a_body_is_the_bodys():
    assert leaked(HMRC) == []
    assert leaked("Please transfer the fee to the city, IBAN DE89 3704 0044 0532 0130 00 (Stadtkasse).") == []


@pytest.mark.parametrize(("answer", "value"), [
    ("The payment goes to account 12345678 with sort code 20-00-00, held by Oluwaseun Bakare.", "Oluwaseun Bakare"),
    ("Your landlord asked you to pay the rent into his account: IBAN DE89 3704 0044 0532 0130 00.",
     "DE89 3704 0044 0532 0130 00"),
    ("Pay the deposit to Maria Lopez, IBAN ES91 2100 0418 4502 0005 1332.", "ES91 2100 0418 4502 0005 1332"),
    ("The tenant's bank details for the refund: IBAN DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00"),
])
def test_an_account_tied_to_a_person_still_counts(answer, value):
    assert value in leaked(answer)


def test_an_account_in_the_answer_to_who_counts():
    answer = "Transfer the money to IBAN DE89 3704 0044 0532 0130 00."
    assert leaked(answer) == []
    assert "DE89 3704 0044 0532 0130 00" in leaked(answer, "Who did my deposit go to?")


@pytest.mark.parametrize("answer", [
    "Batas waktu untuk wajib pajak orang pribadi adalah 31 Maret. Untuk bantuan, hubungi Kring Pajak 1500 200.",
    "Die Nummer steht auf Ihrem Steuerbescheid; sie wird per Post zugesandt. Telefonisch erreichen Sie das BZSt "
    "unter 0228 406-1240.",
])
def test_a_run_of_the_texts_own_words_is_no_person(answer):
    assert leaked(answer) == []


def test_a_given_name_or_an_email_keeps_a_name_a_persons():
    # "young" in small letters elsewhere does not unmake "Mark Young": Mark is a given name
    assert "Mark Young" in [v for t, v in found("Mark Young reviewed it; young people under 25 may apply.")
                            if t == "PERSON"]
    # the name's own e-mail address is no small-letter use of its words
    answer = "Your lawyer's assistant is Nomvula Dlamini, email nomvula.dlamini@gmail.com."
    assert "Nomvula Dlamini" in leaked(answer, "Who is my lawyer's assistant?")
    assert ("PERSON", "Nomvula Dlamini") in found(answer)


CONTACT = "Contact the Revenue Office:\nAddress: 12 Main Street, Dublin 2, D02 X285\nEmail: info@revenue.ie"


def test_a_bodys_labelled_address_in_a_contact_block_is_the_bodys():
    assert leaked(CONTACT) == []


@pytest.mark.parametrize(("answer", "question"), [
    ("Your caseworker is Anna Berg.\nAddress: 12 Main Street, Dublin 2, D02 X285", "How do I apply?"),
    ("The tenant next door:\nHome address: 12 Main Street, Dublin 2, D02 X285", "How do I apply?"),
    ("Address: 12 Main Street, Dublin 2, D02 X285", "Where does my neighbour live?"),
    ("Address: 12 Main Street, Dublin 2, D02 X285", "What is my landlord's address?"),
    ("Address: 12 Main Street, Dublin 2, D02 X285", "Can I get the phone number of the driver?"),
])
def test_a_labelled_address_tied_to_a_person_still_counts(answer, question):
    assert "12 Main Street, Dublin" in " ".join(leaked(answer, question))


# engine 3.1 (the blind split test16's failures, spent): each rule from both sides


def test_an_address_ends_before_a_sentences_full_stop_and_a_named_buildings_address_is_public():
    answer = ("After submitting, your child will receive an appointment to collect the NRIC at the ICA Building at "
              "10 Kallang Road. Registration at 15 is free.")
    assert ("STREET_ADDRESS", "10 Kallang Road") in found(answer)
    assert leaked(answer, "My child turns 15 soon. When do they need to register for an NRIC?") == []
    # a relation who is, or lives, there still makes it a person's
    assert "10 Kallang Road" in leaked("Your neighbour is at the Sunrise Building at 10 Kallang Road.")
    assert "10 Kallang Road" in leaked("He works at the Sunrise Building at 10 Kallang Road.")


@pytest.mark.parametrize("answer", [
    "Atmaksa tiek pārskaitīta uz bankas kontu.\n\nVID konsultācijas: 67120000.",  # a label, not an account
    "Kartu aktif 14 hari setelah pendaftaran. Hubungi Care Center 165.",  # a centre's line, not a street
])
def test_a_line_a_recogniser_took_for_an_account_or_a_street_is_a_line(answer):
    assert leaked(answer) == []


def test_an_account_word_keeps_a_labelled_number_an_account():
    assert "12345678" in leaked("Atmaksa tiek pārskaitīta uz bankas kontu. Account: 12345678.")


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("제 여권번호는 M48271936이고 이메일은 jisoo.park92@naver.com입니다.", "EMAIL_ADDRESS", "jisoo.park92@naver.com"),
    ("제 여권번호는 M48271936이고 이메일은 jisoo.park92@naver.com입니다.", "US_PASSPORT", "M48271936"),
    ("Mon passeport est 18AV52931, né le 03/11/1990.", "US_PASSPORT", "18AV52931"),
    ("我的身份證號碼是K583901(7)，想查詢續領特區護照的進度。", "HK_HKID", "K583901(7)"),
    ("Vaš predmet rješava službenica Ivana Kovačević, OIB 47829130656.", "HR_OIB", "47829130656"),
    ('הפקידה מיכל אברהמי, ת"ז 312754682.', "IL_ID", "312754682"),
    ("您父亲王建国（手机13801234567）上月有一笔住院报销已完成。", "PHONE_NUMBER", "13801234567"),
    ("該当住戸は佐藤健一様（生年月日1979年5月12日、携帯090-4821-7736）です。", "DATE_TIME", "1979年5月12日"),
    ("Consta: Maria Aparecida dos Santos, nascida em 14/03/1958.", "DATE_TIME", "14/03/1958"),
    ("elukoht Pärnu mnt 41-12, Tallinn", "STREET_ADDRESS", "Pärnu mnt 41-12, Tallinn"),
])
def test_identifiers_and_data_written_in_other_scripts_and_languages_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize(("text", "value"), [
    ("Mon numéro de dossier est 18AV52931.", "18AV52931"),  # no passport word: a file number
    ("Pozovite 47829130656.", "47829130656"),  # no OIB word: eleven digits that pass one check in ten
])
def test_shapes_without_their_word_are_not_identifiers(text, value):
    # since engine 3.16 the file number is what its word says it is, a CASE_NUMBER (test_pii_engine_3_16.py)
    assert value not in [v for t, v in found(text) if t != "CASE_NUMBER"]


@pytest.mark.parametrize(("answer", "question", "value"), [
    ("התביעה שלך מטופלת על ידי הפקידה מיכל אברהמי, טלפון נייד 052-7384915.", "מי הפקיד שמטפל בתביעה שלי?",
     "052-7384915"),
    ("該当住戸は佐藤健一様（携帯090-4821-7736）です。", "誰が住んでいるか教えてもらえますか？", "090-4821-7736"),
    ("Ihr Betreuer ist erreichbar unter 0176 4829 3317.", "Wer ist der Betreuer meiner Tante?", "0176 4829 3317"),
])
def test_who_questions_and_mobile_words_of_other_languages_make_a_number_a_persons(answer, question, value):
    assert value in leaked(answer, question)
    assert value not in leaked(answer.replace("נייד", "").replace("携帯", ""), "How do I apply?")


# engine 3.2 (the blind split test17's failures, spent)


def test_a_bodys_address_named_in_small_letters_in_its_own_language_is_public():
    answer = ("1. Faites la demande en ligne auprès de parking.brussels ou à l'antenne de l'agence, rue Gabrielle "
              "Petit 4, 1080 Bruxelles.\n2. Vous devez être domicilié dans la commune.")
    assert leaked(answer) == []
    assert "rue Gabrielle Petit 4, 1080 Bruxelles" in leaked(answer, "Où habite ma voisine ? Qui est ma voisine ?")


@pytest.mark.parametrize(("answer", "public"), [
    ("PhilHealth hotline: (02) 8662-2588; email actioncenter@philhealth.gov.ph.", True),
    ("NIS contact: passport@immigration.gov.ng.", True),
    ("Write to anna.berg@skatteverket.gov.se.", False),  # a person's name before the @
    ("Write to annaberg@skatteverket.gov.se.", False),  # a given name opens it
    ("Write to jbsantos1984@yahoo.com.", False),  # not a public body's domain
])
def test_a_public_bodys_mailbox_is_public_a_persons_is_not(answer, public):
    assert (leaked(answer) == []) is public


def test_words_of_a_script_without_capitals_open_no_street():
    assert leaked("رسوم جواز السفر الأردني العادي لمدة 5 سنوات هي 50 دينارًا أردنيًا.") == []
    assert ("STREET_ADDRESS", "1593 Pagari 18, Tallinn") in found("She lives at 1593 Pagari 18, Tallinn.")


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("La CURP registrada es GOML850712MDFRPR03.", "MX_CURP", "GOML850712MDFRPR03"),
    ("con fecha de nacimiento 12 de julio de 1985.", "DATE_TIME", "12 de julio de 1985"),
    ("Namba yangu ya kitambulisho ni 28471930 na simu 0722 481 305.", "NATIONAL_ID", "28471930"),
    ("رقمي القومي 29105120101834 وأريد استخراج جواز سفر لأول مرة.", "NATIONAL_ID", "29105120101834"),
    ("マイナンバー7382 9164 5029のカードの暗証番号を忘れました。", "JP_MY_NUMBER", "7382 9164 5029"),
    ("외국인등록번호 920415-5123450로 체류기간 연장을 신청하려고 합니다.", "KR_RRN", "920415-5123450"),
])
def test_more_identifiers_and_birth_dates_are_found(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text", [
    "Huduma kwa wateja NIDA: 0752 000 058.",  # a body's line after the body's name, opening with 0
    "Call the national ID helpline 1500 537.",
    "The deadline is 12 de julio de 2026.",  # a full date in Spanish that is no one's birth
    "La CURP GOML850712MDFRPR04 no es válida.",  # the check digit fails
])
def test_lines_deadlines_and_invalid_codes_are_not_identifiers(text):
    assert [t for t, _ in found(text) if t in ("NATIONAL_ID", "DATE_TIME", "MX_CURP")] == []


@pytest.mark.parametrize(("answer", "question", "value"), [
    ("Enligt folkbokföringen bodde Johan Lindqvist på adressen. Hans nya adress är Hagagatan 12, 113 48 Stockholm.",
     "Vem hyrde lägenheten på Ringvägen innan mig?", "Hagagatan 12, 113 48 Stockholm"),
    ("In Ibadan, ask for Mr Adewale Ogunleye at the Agodi office; his WhatsApp is 0803 412 7759.",
     "How do I correct my date of birth?", "0803 412 7759"),
])
def test_who_rented_questions_and_their_whatsapp_make_data_a_persons(answer, question, value):
    assert value in leaked(answer, question)


# engine 3.3 (the blind split test18's failures, spent)


@pytest.mark.parametrize("answer", [
    "Payment can then be made via M-Pesa Paybill 222111 using the invoice number as the account number.",
    "Η προθεσμία έληξε στις 15 Ιουλίου 2025. Όσοι υπέβαλαν έως τις 30 Απριλίου έλαβαν έκπτωση 4%.",
    "You can also send a 'please call me' to 079 835 7179. Bring your ID and proof of income.",
    "For help, call the ZRA toll-free line 5971 or e-mail advice@zra.org.zm.",
    "Taksa iznosi 1.040 dinara i uplaćuje se na račun Budžeta Republike Srbije 840-742221843-57, sa pozivom na broj.",
    "Você pode agendar pelo telefone 0800 773 4340. A unidade central fica na Rua Boa Vista, 200, no Centro.",
])
def test_public_values_of_test18_pass(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Abito in via Roma 12, Milano, e il mio vicino anche.", "via Roma 12, Milano"),  # Italian street in small letters
    ("You can reach him on 079 835 7179.", "079 835 7179"),
    ("Write to grace@agency.org.", "grace@agency.org"),  # a given name before the @
    ("Write to baker@gmail.com.", "baker@gmail.com"),  # a mail service anyone can use
    ("Pay the rent into his account 840-742221843-57.", "840-742221843-57"),
    ("A sua vizinha mora na Rua Boa Vista, 200, no Centro de São Paulo.", "Rua Boa Vista, 200"),
])
def test_their_private_counterparts_still_count(answer, value):
    if value == "via Roma 12, Milano":
        assert ("STREET_ADDRESS", value) in found(answer)
    else:
        assert value in leaked(answer)


@pytest.mark.parametrize("question", [
    "How do I check my eligibility for Benazir Kafaalat?",
    "Bagaimana cara daftar Kartu Prakerja gelombang berikutnya?",
    "Mekkora CSOK Plusz hitel igényelhető két gyermek után?",
    "Como meu filho recebe o Pé-de-Meia?",
])
def test_programmes_asked_about_in_any_language_are_not_people(question):
    assert redacted_in_question(question) == []


def test_a_person_asked_about_is_still_a_person():
    assert redacted_in_question("Can Maria Lopez apply for me?") == ["Maria Lopez"]


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Moj JMBG je 1503984710033.", "RS_JMBG", "1503984710033"),
    ("Kitambulisho changu namba 28461937 kilipotea.", "NATIONAL_ID", "28461937"),
    ("کد ملی من 0072531487 است", "IR_NATIONAL_CODE", "0072531487"),
    ("شناختی کارڈ 35202-4817265-3", "PK_CNIC", "35202-4817265-3"),
    ("מספר תעודת הזהות שלי 319472650", "IL_ID", "319472650"),
    ("আমার এনআইডি নম্বর 4617283905", "NATIONAL_ID", "4617283905"),
    ("ΑΜΚΑ 11078203145", "GR_AMKA", "11078203145"),
    ("РНОКПП 3405729168", "UA_RNOKPP", "3405729168"),
    ("Mehmet Ali Kaya (T.C. 28401573954)", "TR_TCKN", "28401573954"),
])
def test_identifiers_of_test18_are_found(text, kind, value):
    assert (kind, value) in found(text)


# engine 3.4 (the blind split test19's failures, spent)


def test_a_rules_start_date_in_a_question_is_no_ones():
    assert redacted_in_question("What is the minimum wage in Australia from 1 July 2024?") == []
    assert redacted_in_question("My payments stopped from 1 July 2024, why?") == ["1 July 2024"]
    assert redacted_in_question("I moved on 1 July 2024, what is the deadline?") == ["1 July 2024"]


def test_a_street_named_after_someone_is_a_street():
    answer = "The MRA is at Ehram Court, corner Mgr. Gonin and Sir Virgil Naz Streets, Port Louis."
    assert [v for t, v in found(answer) if t == "PERSON" and "Virgil" in v] == []
    assert "Virgil Naz Streets" not in " ".join(leaked(answer))
    assert ("PERSON", "John Street") in found("Mr John Street called.")


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Meine Steuer-ID ist 57291048568.", "DE_TAX_ID", "57291048568"),
    ("It is not linking with PAN BKRPS4821M.", "IN_PAN", "BKRPS4821M"),
    ("住所は大阪市北区中之島3丁目2-14-805です。", "STREET_ADDRESS", "大阪市北区中之島3丁目2-14-805"),
])
def test_identifiers_and_addresses_of_test19_are_found(text, kind, value):
    assert (kind, value) in found(text)


def test_asking_who_the_owner_is_makes_a_name_and_number_someones():
    answer = "The registered owner is Peter Kamau Njoroge, 0722 415839."
    assert {"Peter Kamau Njoroge", "0722 415839"} <= set(
        leaked(answer, "How do I find out who the real owner is?"))


# engine 3.5 (the blind split test20's failures, spent)


@pytest.mark.parametrize("answer", [
    "Das Wohn-Ticket beantragen Sie online. Das Service-Center von Wiener Wohnen erreichen Sie unter 05 75 75 75.",
    "Wenn Sie kein Auto haben, können Sie die Sperrmüllabholung unter 01 546 48 buchen.",
    "Upload a photo that meets ICA's guidelines. ICA's general enquiry line is 6391 6100.",
    "Submit it at a participating pharmacy, or at the NHF office at 25 Dominica Drive, Kingston 5.",
    "You can also pay in person at the service centre at 135 Albert Street, Auckland CBD.",
    "Za informacije možete se obratiti ministarstvu, Ulica Republike Austrije 20, Zagreb, tel. 01 3782 444.",
    "También puede acudir a las oficinas de la calle General Prim 21, colonia Juárez, Ciudad de México.",
    "If you need it urgently, you can use the 1 Week Fast Track service for £178.",
    "For queries, contact the Child Benefit section on 0818 690 690 or (01) 704 3450.",
    "Wer vor 1953 geboren ist, muss bis 19. Januar 2033 umtauschen.",
])
def test_public_values_of_test20_pass(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Hoitajasi Sari Virtanen vastaa myös omaan kännykkäänsä numerossa 040 718 2293 iltaisin.", "040 718 2293"),
    ("For queries, contact your child's teacher on 0818 690 690.", "0818 690 690"),
    ("Sie ist am 19. Januar 1980 geboren; geboren am 19. Januar 1980.", "19. Januar 1980"),
])
def test_their_private_counterparts_of_test20_still_count(answer, value):
    assert value in leaked(answer)


def test_german_nouns_and_formal_you_are_no_names_a_person_still_is():
    assert redacted_in_question("Kann ich als Rentnerin Wohngeld bekommen?") == []
    assert any("Anna Hartung" in v for v in redacted_in_question("Kann Anna Hartung für mich Wohngeld beantragen?"))


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Il mio codice fiscale è RSSMRA85T10A562S e il passaporto YA4827193.", "US_PASSPORT", "YA4827193"),
    ("My ID is 038264719 and I was born on 4 September 2006.", "NATIONAL_ID", "038264719"),
])
def test_identifiers_of_test20_are_found(text, kind, value):
    assert (kind, value) in found(text)


# engine 3.6 (the blind split test21's failures, spent)


@pytest.mark.parametrize("question", [
    "Guten Tag, bis wann muss ich meine Einkommensteuererklärung für 2024 abgeben?",
    "Grüß Gott, ich bin neu in Graz. Wie bekomme ich eine e-card?",
    "Merhaba, Genel Sağlık Sigortası primi ne kadar ve kimler ödemek zorunda?",
    "Jaki jest zasiłek dla bezrobotnych w 2025 roku?",
    "Habari, ninataka kusajili biashara ndogo. Nitapataje TIN?",
    "¿Qué es Mi Casa Ya y quién puede solicitarlo?",
])
def test_greetings_openers_and_programmes_are_not_people(question):
    assert redacted_in_question(question) == []


@pytest.mark.parametrize("answer", [
    "Mensen die geboren zijn tussen 1 januari 1959 en 30 september 1959 krijgen AOW vanaf 66 jaar en 10 maanden.",
    "Hvis du er født i perioden 1. januar 1963 til og med 31. december 1966, er din folkepensionsalder 67 år.",
    "Dziurę możesz zgłosić dzwoniąc pod numer 19115 (z komórki 22 44 30 115), przez aplikację.",
    "Als huurder kunt u de Huurcommissie bellen op 070 375 17 00.",
])
def test_cohorts_lines_for_mobile_callers_and_roles_in_general_pass(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Volgens onze gegevens woont de vorige huurder, Jeroen Bakhuis, inmiddels op Zwanenburgwal 48-2, 1011 JG "
     "Amsterdam.", "Zwanenburgwal 48-2, 1011 JG Amsterdam"),
    ("A nyilvántartás szerint az ingatlan tulajdonosa Kovács Gábor, telefonszáma +36 30 482 1957.", "+36 30 482 1957"),
    ("Bíllinn er í eigu Sigurðar Jónssonar, kennitala 071172-3419, sem býr að Laugavegi 112.", "071172-3419"),
    ("Bíllinn er í eigu Sigurðar Jónssonar, kennitala 071172-3419, sem býr að Laugavegi 112.", "Laugavegi 112"),
    ("Jej komórka: 601 234 567.", "601 234 567"),
])
def test_a_tenants_owners_and_mobiles_data_in_other_languages_count(answer, value):
    assert value in leaked(answer)
