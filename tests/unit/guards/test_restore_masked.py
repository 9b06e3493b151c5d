"""The ``pii`` guard's ``restore: masked``: the caller's identifiers go back into the answer masked (the last four
letters or digits shown), names, places, addresses and dates as given; a bad value is refused."""

from __future__ import annotations

import pytest

from charter.guards.jsontext import restore_json
from charter.guards.pii.guard import PiiGuard
from charter.guards.vault import Vault, display_mask, mask_own_values


@pytest.mark.parametrize(("value", "shown"), [
    ("536-22-8731", "***-**-8731"),
    ("93051162843", "*******2843"),
    ("SC-24-00018832", "**-**-****8832"),
    ("jo.tremblay@example.org", "j***@example.org"),
    ("+44 7700 900461", "+** **** **0461"),
    ("DE89 3704 0044 0532 0130 00", "**** **** **** **** **30 00"),
    ("AB12", "**12"),  # fewer than eight: the last two only
])
def test_display_mask(value, shown):
    assert display_mask(value) == shown


STORE = {"<PERSON_1>": "Maria Kowalska", "<PL_PESEL_1>": "93051162843", "<EMAIL_ADDRESS_1>": "mk@example.pl",
         "<STREET_ADDRESS_1>": "ul. Długa 17/4", "<DATE_TIME_1>": "11 May 1993"}


def test_restore_masked_masks_identifiers_and_keeps_names_addresses_and_dates():
    answer = ("Dear <PERSON_1>, PESEL <PL_PESEL_1> (born <DATE_TIME_1>), post to <STREET_ADDRESS_1>, "
              "mail <EMAIL_ADDRESS_1>.")
    assert Vault(dict(STORE)).restore(answer, masked=True) == (
        "Dear Maria Kowalska, PESEL *******2843 (born 11 May 1993), post to ul. Długa 17/4, mail m***@example.pl.")
    assert Vault(dict(STORE)).restore(answer) == (
        "Dear Maria Kowalska, PESEL 93051162843 (born 11 May 1993), post to ul. Długa 17/4, mail mk@example.pl.")


def test_the_callers_identifier_written_out_is_masked_too():
    assert mask_own_values("Your PESEL 93051162843 is on file, Maria Kowalska.", STORE) == (
        "Your PESEL *******2843 is on file, Maria Kowalska.")
    assert Vault(dict(STORE)).restore("Your PESEL 93051162843 is on file.", masked=True) == (
        "Your PESEL *******2843 is on file.")


def test_an_unknown_token_stays_and_other_numbers_are_untouched():
    assert Vault(dict(STORE)).restore("<US_SSN_9> and 1-800-772-1213", masked=True) == "<US_SSN_9> and 1-800-772-1213"


def test_restore_json_masked():
    text = '{"pesel": "<PL_PESEL_1>", "name": "<PERSON_1>"}'
    assert restore_json(text, STORE, masked=True) == '{"pesel": "*******2843", "name": "Maria Kowalska"}'
    assert restore_json(text, STORE) == '{"pesel": "93051162843", "name": "Maria Kowalska"}'


@pytest.mark.parametrize("value", ["full", "masked"])
def test_the_option_is_read(value):
    PiiGuard().check_options({"restore": value})


@pytest.mark.parametrize("value", ["partial", True, ["masked"]])
def test_a_bad_restore_value_is_refused(value):
    with pytest.raises(ValueError, match="restore"):
        PiiGuard().check_options({"restore": value})
