"""AT-2: event hashes are over RFC 8785 canonical JSON; the fast path writes the reference's bytes."""

from __future__ import annotations

import datetime as dt

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.ledger.canonical import CanonicalizationError, canonical_json
from charter.ledger.coverage import interaction_event

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_at2_canonical_json_equals_rfc8785_reference(value: object) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1.0, "a": [1e21, 1e-7, 0.1, -0.0, 123.456]}, b'{"a":[1e+21,1e-7,0.1,0,123.456],"b":1}'),
        ({"\u20ac": 1, "\r": 2, "1": 3}, b'{"\\r":2,"1":3,"\xe2\x82\xac":1}'),
        ("\u2028\x1f", b'"\xe2\x80\xa8\\u001f"'),
    ],
)
def test_at2_canonical_json_known_forms(value: object, expected: bytes) -> None:
    assert canonical_json(value) == expected


@pytest.mark.parametrize("value", [float("nan"), {"t": dt.datetime(2026, 1, 1)}, 2**60, {1: "x"}])
def test_at2_values_without_canonical_form_are_refused(value: object) -> None:
    with pytest.raises(CanonicalizationError):
        canonical_json(value)


def test_at1_interaction_event_fills_defaults_and_normalises_types() -> None:
    when = dt.datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=dt.UTC)
    event = interaction_event({"id": "int_1", "latency_ms": 5, "created_at": when, "input_chars": 3})
    assert event["latency_ms"] == 5.0 and isinstance(event["latency_ms"], float)
    assert event["created_at"] == "2026-03-01T12:00:00.000005Z"
    assert event["output_chars"] == 0 and event["stream"] is False and event["has_raw"] is False
    assert event["cost"] == 0.0 and event["verdicts"] is None
    # the store reads timestamps back aware (store.types.UTCDateTime): a naive one is a bug, refused
    with pytest.raises(ValueError, match="naive datetime"):
        interaction_event({"created_at": when.replace(tzinfo=None)})
