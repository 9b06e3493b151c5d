"""Redaction and pseudonym restoring in a JSON text stay inside string values and keep it JSON."""

from __future__ import annotations

import json
import re

import pytest

from charter.domain import Finding
from charter.guards.jsontext import redact_json, restore_json, string_literals
from charter.guards.vault import Vault


def found(text: str, pattern: str, kind: str = "PERSON") -> list[Finding]:
    return [Finding("t", kind, m.start(), m.end(), 0.9) for m in re.finditer(pattern, text)]


def test_string_literals_are_found_with_escaped_quotes_inside():
    text = '{"a": "say \\"hi\\"", "b": [1, "x"]}'
    assert [text[lo:hi] for lo, hi in string_literals(text)] == ["a", 'say \\"hi\\"', "b", "x"]


def test_a_value_is_redacted_inside_its_string():
    text = '{"contact": "Write to clerk.jones@agency.example.gov today", "n": 3}'
    out = redact_json(text, found(text, r"clerk\S+gov", "EMAIL_ADDRESS"))
    assert out is not None
    assert json.loads(out) == {"contact": "Write to <EMAIL_ADDRESS_1> today", "n": 3}


def test_a_finding_with_the_quotes_is_kept_inside_the_string():
    text = '{"ref": "ref-42", "office": "Refunds"}'
    out = redact_json(text, found(text, r'"ref-\d+"', "REF"), "tag")
    assert out is not None and json.loads(out) == {"ref": "<REF>", "office": "Refunds"}


def test_a_finding_across_two_strings_is_redacted_in_each():
    text = '["Maria", "Gonzalez"]'
    out = redact_json(text, found(text, r'Maria", "Gonzalez'))
    assert out is not None and json.loads(out) == ["<PERSON_1>", "<PERSON_2>"]


def test_escapes_in_and_around_a_finding_are_handled_on_the_decoded_string():
    # the finding's raw span starts inside \u00c9 and ends inside \n: it widens to the whole escapes
    text = '{"note": "Call \\"\\u00c9lise Martin\\"\\nthen stop"}'
    lo = text.index("u00c9")
    hi = text.index("\\nthen") + 1
    out = redact_json(text, [Finding("t", "PERSON", lo, hi, 0.9)])
    assert out is not None and json.loads(out) == {"note": 'Call "<PERSON_1>then stop'}


def test_mask_keeps_separators_and_the_json():
    text = '{"ssn": "536-22-8731"}'
    out = redact_json(text, found(text, r"\d{3}-\d{2}-\d{4}", "US_SSN"), "mask")
    assert out is not None and json.loads(out) == {"ssn": "***-**-****"}


@pytest.mark.parametrize("text", ['{"case": 536228731}', '{"ok": true}'])
def test_a_finding_in_a_number_or_literal_cannot_be_redacted_in_place(text):
    assert redact_json(text, found(text, r"536228731|true", "ID")) is None


def test_pseudonyms_keep_the_value_for_restoring_and_restore_escapes_it():
    store: dict[str, str] = {}
    text = '{"name": "Jane \\"JJ\\" Doe"}'
    out = redact_json(text, found(text, r'Jane \\"JJ\\" Doe'), "pseudonymise", Vault(store, keep=True))
    assert out is not None and json.loads(out) == {"name": "<PERSON_1>"}
    assert store == {"<PERSON_1>": 'Jane "JJ" Doe'}
    answer = '{"greeting": "Hello <PERSON_1>,\\nwe got your form", "who": "<PERSON_1>", "other": "<PERSON_9>"}'
    assert json.loads(restore_json(answer, {**store, "<ADDRESS_1>": "1 Main St\nSpringfield\\North"})) == {
        "greeting": 'Hello Jane "JJ" Doe,\nwe got your form', "who": 'Jane "JJ" Doe', "other": "<PERSON_9>"}
    assert json.loads(restore_json('["<ADDRESS_1>"]', {"<ADDRESS_1>": "1 Main St\nSpringfield\\North"})) == [
        "1 Main St\nSpringfield\\North"]
