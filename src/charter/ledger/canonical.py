"""Canonical JSON (RFC 8785, JCS) for ledger events, fast.

``rfc8785.dumps`` is the reference but costs ~50 µs for an interaction-sized event. For the
values events hold (dicts with ASCII string keys, lists, strings, integers, floats, booleans, null),
orjson with sorted keys writes the same bytes as JCS except for floats, which we hand to orjson
pre-formatted the ECMAScript way (as rfc8785 does). Anything outside that fast path (non-ASCII
keys, integers beyond 2**53, other types) goes to ``rfc8785.dumps``, which either serialises it
by the RFC or refuses it. A property test pins the equality.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import orjson
import rfc8785
from rfc8785 import _impl as jcs_impl

__all__ = ["CanonicalizationError", "canonical_json"]

_SAFE_INT = 2**53 - 1
_ZERO = orjson.Fragment(b"0")


class CanonicalizationError(ValueError):
    """The value has no RFC 8785 form (a non-JSON type, NaN, an integer beyond 2**53)."""


class _Slow(Exception):
    """The fast path cannot promise RFC 8785 bytes for this value."""


def _float(f: float) -> orjson.Fragment:
    if f == 0.0:
        return _ZERO
    if 1e-4 <= abs(f) < 1e16:  # repr is positional here, with ECMAScript's shortest digits
        text = repr(f)
        return orjson.Fragment(text[:-2] if text.endswith(".0") else text)
    if f != f or abs(f) == float("inf"):
        raise _Slow
    sink = io.BytesIO()
    jcs_impl._serialize_float(f, sink)
    return orjson.Fragment(sink.getvalue())


def _prepare(value: Any) -> Any:
    if value is None or value is True or value is False or type(value) is str:
        return value
    kind = type(value)
    if kind is int:
        if -_SAFE_INT <= value <= _SAFE_INT:
            return value
        raise _Slow
    if kind is float:
        return _float(value)
    if kind is dict or isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():  # ASCII keys sort alike in UTF-8 and UTF-16
                raise _Slow
            out[str(key)] = _prepare(item)
        return out
    if kind is list or kind is tuple:
        return [_prepare(item) for item in value]
    raise _Slow


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 bytes of ``value``; :class:`CanonicalizationError` when it has none."""
    try:
        return orjson.dumps(_prepare(value), option=orjson.OPT_SORT_KEYS)
    except _Slow:
        pass
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise CanonicalizationError(f"this event has no canonical JSON form: {exc}") from exc
