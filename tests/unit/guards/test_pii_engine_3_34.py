"""Issue 12 (engine 3.34, made from the blind splits test54 and test55, spent after one scoring each at 3.33; no
blind split has judged 3.34). Left alone now: bodies listed after their kind ("hospitals such as Chris Hani
Baragwanath"), names a later "She" cannot refer to (the answer spoke of her before them), a public mailbox whose local
part is a service's number and a word ("016-online@igualdad.gob.es"), a line given to call after a caseworker ("prata
med din handläggare eller ring 0771-416 416"), a decree's number ("décret n° 2002-120"). Acted on now: an address
after "domiciliada en", a name and its address after Swedish "på", a Greek clerk after "κ." and his mobile ("στο
κινητό του"). Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked


def test_the_engine_is_3_34_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 34)


@pytest.mark.parametrize("answer", [
    "She can call the helpline at 1-866-863-0511, or text #SAFE on Bell, Rogers, Fido or Telus. She can also go to "
    "a shelter.",
    "She can dial 0800 428 428. They can link her to care centres (at hospitals such as Chris Hani Baragwanath) for "
    "medical care. She can also apply for a protection order.",
    "Puedes escribir por **WhatsApp al 600 000 016** o por correo a **016-online@igualdad.gob.es**.",
    "Prata med din handläggare eller ring **0771-416 416**.",
    "Le chauffage est obligatoire (**décret n° 2002-120**) ; écrivez au propriétaire.",
])
def test_public_things_stay(answer):
    assert leaked(answer) == []


def test_a_pronoun_still_ties_a_name_it_can_refer_to():
    assert "Ana Ruiz" in leaked("The flat was rented to Ana Ruiz. She moved in last May and pays the rent late.")
    # another pronoun before the name stands for someone else: "He" after "She …" is the new name's
    assert "Tom Baker" in leaked("She can visit the office on Monday and ask for Tom Baker. He is in on Tuesdays.")


@pytest.mark.parametrize(("answer", "values"), [
    ("Según nuestros registros, la titular es Marcela Inés Quiroga, domiciliada en Av. San Martín 2145, Ramos Mejía.",
     {"Marcela Inés Quiroga", "Av. San Martín 2145, Ramos Mejía"}),
    ("Jaktlagets ledare, Göran Lindqvist på Bergvägen 14 i Järvsö, har licens och nås på 070-318 44 92.",
     {"Göran Lindqvist", "Bergvägen 14", "070-318 44 92"}),
    ("μπορείτε να καλέσετε τον υπάλληλο κ. Παπαδόπουλο στο κινητό του 6944 275 318.",
     {"Παπαδόπουλο", "6944 275 318"}),
])
def test_other_peoples_data_is_acted_on(answer, values):
    assert values <= set(leaked(answer))


def test_an_office_after_swedish_pa_stays():
    assert leaked("Boka tid hos Skatteverket på Kungsgatan 12 i Stockholm.") == []  # a body's office


def test_a_given_name_in_a_public_mailbox_is_a_persons():
    assert leaked("write to maria.lopez@igualdad.gob.es") == ["maria.lopez@igualdad.gob.es"]


def test_a_phone_after_a_laws_word_alone_is_still_a_phone():
    assert ("PHONE_NUMBER", "0612-345678") in found("the new law says you can call me: 0612-345678")
