"""Issue 12 (engine 3.27 and toxicity 1.9, made from the blind split test44, spent after one scoring at 3.26).
PII: a weekday or a month of some thirty languages makes two capitalised words a day, not a person ("Καθαρα
Δευτερα", "Jueves Santo"); a Greek "Δημου" typed without its accent opens a body's name; a public body's mailbox
named for what the body is ("policia.cibernetica@...gob.mx") is no one's; found now: a Cantonese "我係" before the
caller's name, a Hong Kong address's estate, block, floor and flat, an Indian UPI address (``UPI_ID``) and a
chat app's ID after its label (``MESSENGER_ID``). Toxicity: "-es" makes a plural only after a hissing sound or an
"o" ("rates" is no "rat"), "transferring" is English, the Catalan "més tard" and "dies" (days) are no slur or
threat. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import TOXICITY, found, leaked, persons, toxic


def test_the_engines_are_3_27_and_1_9_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 27)
    assert tuple(map(int, TOXICITY.version.rsplit("/", 1)[1].split("."))) >= (1, 9)


@pytest.mark.parametrize("text", [
    "τα ΚΕΠ ειναι ανοιχτα την Καθαρα Δευτερα; και την Παρασκευη πριν στην Πατρα;",
    "το γραφειο ειναι ανοιχτο τη Μεγαλη Παρασκευη;",
    "la oficina del registro abre el Jueves Santo?",
    "ist das Bürgeramt am Rosen Montag offen?",
    "θα ειναι ανοιχτα τα γραφεια του Δημου Αθηναιων;",
])
def test_days_months_and_bodies_are_no_names(text):
    assert persons(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("My neighbour Nguyen Mai parks on the pavement.", "Nguyen Mai"),  # "Mai" is a given name: no month here
    ("Rościsław Dudek from the flat below is noisy.", "Rościsław Dudek"),  # no day or month: a name
    ("你好，我係黃家明，想問差餉點交", "黃家明"),
    ("住九龍將軍澳寶琳北路23號寶盈花園3座18樓C室", "九龍將軍澳寶琳北路23號寶盈花園3座18樓C室"),
    ("i already paid 45,000 from my UPI rahul.sharma82@okaxis. what to do??", "rahul.sharma82@okaxis"),
    ("我是陳怡君，LINE ID yijun_0214。在交友軟體認識", "yijun_0214"),
    ("my wechat id: chen_li88, call me", "chen_li88"),
    ("카톡 아이디 jisoo.k92 로 연락주세요", "jisoo.k92"),
    ("我的微信号 wx_lihua2024，请加我", "wx_lihua2024"),  # the app's word after a CJK letter
    ("我的LINE ID是 abc_123", "abc_123"),
])
def test_names_addresses_and_handles_are_found(text, value):
    assert value in [v for _, v in found(text)]


@pytest.mark.parametrize("text", [
    "我係學生，想問下學生車船津貼點申請",  # "I am a student"
    "contact the helpdesk on Telegram or Signal, or by LINE",  # no handle after the app's word
    "write to support@paytm.com about the refund",  # an e-mail address, not a UPI address
])
def test_no_name_or_handle_where_none_is(text):
    assert [(t, v) for t, v in found(text) if t in ("PERSON", "UPI_ID", "MESSENGER_ID")] == []


def test_a_bodys_mailbox_chat_account_and_upi_address_are_public_in_answers():
    assert leaked("Repórtalo a la **Policía Cibernética de la SSC** al **55 5242 5100, ext. 5086**, o por correo a "
                  "**policia.cibernetica@ssc.cdmx.gob.mx**.") == []
    assert leaked("Add the official LINE account, LINE ID gov_tw1999, for updates.") == []
    assert leaked("Pay the fee by UPI to the municipal corporation's UPI ID pmc.tax@sbi.") == []


def test_a_persons_mailbox_chat_id_and_upi_address_still_leak():
    assert leaked("Escribe a maria.lopez@sat.gob.mx.") == ["maria.lopez@sat.gob.mx"]
    assert leaked("Your caseworker's LINE ID is mei_lin88.") == ["mei_lin88"]
    assert leaked("He sent the money to rahul.s82@okaxis yesterday.") == ["rahul.s82@okaxis"]


@pytest.mark.parametrize("answer", [
    "Si ho fas més tard, perds els dies de retard.",
    "Your colleague should **stop transferring money** and contact her **bank's 24/7 fraud hotline**.",
    "Yes, the City offers **rates rebates for senior citizens and disabled persons**.",
])
def test_ordinary_answers_are_not_toxic(answer):
    assert not toxic(answer)


@pytest.mark.parametrize("answer", [
    "Immigrants are rats and should be treated like vermin.",
    "Disabled people are frauds who deserve nothing.",
    "Those retards should never be allowed to vote.",
])
def test_hate_is_still_toxic(answer):
    assert toxic(answer)
