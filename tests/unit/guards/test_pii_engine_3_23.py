"""Issue 12 (engine 3.23, made from the blind splits test39 and test40, each spent after one scoring at 3.22).
Personal data the engine missed: a Taiwanese identity number (`TW_ID`, its check), Taiwan's addresses (a road's
section, 號), a caller introducing themselves in Chinese ("我是林怡君" and a comma), Korean ("김지현이에요") and
Japanese (kanji before "、マイナンバー"), the Norwegian "fødselsnr"; in answers, a colleague's or caseworker's
number in Swedish and Finnish ("min kollega Maria Holm direkt på", "hänen omaan numeroonsa"); from test40, a
Korean address with a numbered side road and a flat ("월드컵북로 12길 34, 502호"), a Japanese name before "です"
after "の", a Danish allotment's tenant ("lejes i dag af Jens Mikkelsen"). Not taken: a cohort's "nascidas a
partir de" date, a body's name in markdown's bold before its address ("**Fietsdepot** ... aan de **Cornelis
Douwesweg 11**"), a school ending in "Girls" ("Wesley Girls"), a public office's address after a CJK body word.
Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.checksums import tw_id_valid
from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_23_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 23)


@pytest.mark.parametrize(("value", "valid"), [
    ("B218473655", True), ("F131104093", True), ("A123456789", True),
    ("B218473654", False), ("B318473655", False), ("I21847365", False),
])
def test_the_taiwanese_identity_numbers_check(value, valid):
    assert tw_id_valid(value) is valid


def test_a_taiwanese_caller_is_found_in_full():
    text = "我是林怡君，身分證B218473655，住台中市西屯區文心路三段241號，我家老二的育兒津貼7月沒入帳，是怎樣？"
    assert set(found(text)) >= {("PERSON", "林怡君"), ("TW_ID", "B218473655"),
                                ("STREET_ADDRESS", "台中市西屯區文心路三段241號")}


@pytest.mark.parametrize("text", [
    "My Taiwan ID is A123456789 like the sample on the form",  # the textbooks' sample counts up
    "order B218473654 was shipped",  # the check fails
])
def test_no_taiwanese_identity_number_where_none_is(text):
    assert [v for t, v in found(text) if t == "TW_ID"] == []


@pytest.mark.parametrize(("text", "value"), [
    ("我是王伟。请问医保怎么交", "王伟"),
    ("김지현이에요 주민번호 950817-2463188 인데 근로장려금 언제 들어와요?", "김지현"),
    ("박서연입니다, 문의 드립니다", "박서연"),
    ("小2の息子です。佐藤美咲、マイナンバー 4071 8265 3910、住所 横浜市港北区日吉本町3-12-8。", "佐藤美咲"),
])
def test_callers_introducing_themselves(text, value):
    assert ("PERSON", value) in found(text)


@pytest.mark.parametrize("text", [
    "我是高中生，想问奖学金怎么申请",
    "我是學生，租房補貼怎麼申請？",
    "서울이에요? 어디서 신청해요",
    "국세청입니다. 안내 말씀 드립니다",
    "공무원입니다. 연금 문의",
    "申請には氏名、住所、電話番号が必要です。",
])
def test_students_places_bodies_and_form_fields_are_no_names(text):
    assert persons(text) == []


def test_the_norwegian_short_word_for_the_birth_number():
    text = "kan jeg dele opp betalingen? fødselsnr 12058843766, Ingrid Solberg Haugen"
    assert ("NO_FNR", "12058843766") in found(text)


@pytest.mark.parametrize(("answer", "values"), [
    ("Vill du ha hjälp kan du ringa min kollega Maria Holm direkt på 070-318 42 96, hon jobbar i Solna.",
     {"Maria Holm", "070-318 42 96"}),
    ("Voit soittaa käsittelijällemme Sanna Virtaselle hänen omaan numeroonsa 050 372 8164.", {"050 372 8164"}),
])
def test_a_colleagues_number_in_swedish_and_finnish_is_a_leak(answer, values):
    assert values <= set(leaked(answer))


@pytest.mark.parametrize("answer", [
    "Ansök via Gävle kommuns Färdtjänst; handläggarna nås på tfn 026-17 80 00.",
    "攜同身份證正本親身前往**房委會客務中心**（九龍何文田佛光街33號）查詢。",
    "横浜にお住まいなら東京出入国在留管理局横浜支局（横浜市金沢区鳥浜町10-7）です。",
])
def test_a_bodys_line_and_a_public_offices_address_are_no_leak(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize("text", [
    "BECE results out, where do we check? my ward wants Wesley Girls",
    "what is the enrolment zone for Wellington East Girls?",
])
def test_a_school_ending_in_girls_is_no_name(text):
    assert persons(text) == []


def test_a_name_ending_in_an_ordinary_word_is_still_a_name():
    assert ("PERSON", "Maria Holm") in found("Maria Holm called about the girls' school place")


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("안녕하세요 주민번호 850917-2258132이고 주소는 서울 마포구 월드컵북로 12길 34, 502호예요.", "STREET_ADDRESS",
     "서울 마포구 월드컵북로 12길 34, 502호"),
    ("マイナンバー 4817 2639 4057、電話090-4821-7736の佐藤由美子です。4月から", "PERSON", "佐藤由美子"),
])
def test_test40s_missed_personal_data(text, kind, value):
    assert (kind, value) in found(text)


# a body's word, an adjective, a surname alone (no given name: no one singled out)
@pytest.mark.parametrize("text", ["区役所の担当です。", "申請は簡単です。", "田中です"])
def test_no_japanese_name_without_a_surname_and_a_given_name(text):
    assert persons(text) == []


def test_a_danish_allotments_tenant_is_a_leak():
    answer = "Have nr. 14 lejes i dag af Jens Mikkelsen, som kan kontaktes på tlf. 22 45 67 89. Kontakt bestyrelsen."
    assert {"Jens Mikkelsen", "22 45 67 89"} <= set(leaked(answer))


@pytest.mark.parametrize("answer", [
    "O programa **Creche Feliz** garante a creche gratuita às crianças nascidas a partir de **1 de setembro de 2021**.",
    "Fietsen worden naar het **Fietsdepot** gebracht aan de **Cornelis Douwesweg 11** in Amsterdam-Noord.",
])
def test_a_cohorts_date_and_a_bold_bodys_address_are_no_leak(answer):
    assert leaked(answer) == []


def test_a_date_of_birth_in_portuguese_is_still_one():
    assert "12 de março de 1987" in leaked("A requerente, nascida em 12 de março de 1987, mora em Braga.")
