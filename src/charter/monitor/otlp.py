"""The OTLP/HTTP traces wire format, written directly: an ``ExportTraceServiceRequest`` protobuf
(opentelemetry-proto ``collector/trace/v1``) built from bytes, with the field numbers of
``trace/v1/trace.proto`` and ``common/v1/common.proto``.

Why not the OpenTelemetry SDK: its span objects cost about 0.6 ms of CPU per exchange here (nine
stage spans and a root, each validated, locked, queued and re-encoded), which took 37 % off the
gateway's throughput at c=64 (benchmarks/results/observability_overhead.md). Writing the protobuf
from what the exchange already holds costs a few tens of microseconds. The tests decode what is
sent with the official ``opentelemetry-proto`` classes, so the encoding is checked against them.

Only what Charter sends is written: a span's ids, name, kind, times, attributes (string, bool, int,
double and arrays of those) and status; a resource's attributes; the instrumentation scope's name.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "KIND_CLIENT",
    "KIND_INTERNAL",
    "KIND_SERVER",
    "STATUS_ERROR",
    "Attributes",
    "attributes",
    "export_request",
    "ids",
    "name_field",
    "scope_span",
]

KIND_INTERNAL, KIND_SERVER, KIND_CLIENT = 1, 2, 3
STATUS_ERROR = 2

_FIXED64 = struct.Struct("<Q")
_DOUBLE = struct.Struct("<d")


def _varint(n: int) -> bytes:
    if n < 0:
        n &= (1 << 64) - 1
    if n < 0x80:
        return bytes((n,))
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2; every field number Charter writes fits one tag byte)."""
    size = len(payload)
    if size < 0x80:
        return bytes((number << 3 | 2, size)) + payload
    return bytes((number << 3 | 2,)) + _varint(size) + payload


def _any_value(value: Any) -> bytes:
    if isinstance(value, str):
        return _field(1, value.encode())
    if isinstance(value, bool):
        return b"\x10" + (b"\x01" if value else b"\x00")
    if isinstance(value, int):
        return b"\x18" + _varint(value)
    if isinstance(value, float):
        return b"\x21" + _DOUBLE.pack(value)
    if isinstance(value, (list, tuple)):
        return _field(5, b"".join(_field(1, _any_value(v)) for v in value))
    return _field(1, str(value).encode())


def attributes(values: Mapping[str, Any]) -> bytes:
    """Attributes as repeated ``KeyValue`` (field 9 of a span); None values are left out."""
    return b"".join(_key_value(key, value) for key, value in values.items() if value is not None)


def _key_value(key: str, value: Any) -> bytes:
    return _field(9, _field(1, key.encode()) + _field(2, _any_value(value)))


class Attributes:
    """Encodes span attributes, keeping the bytes of (key, value) pairs that recur (a tenant, a
    model, a status, a verdicts summary): most of an exchange's attributes are the previous one's.
    Keys in ``fresh`` (ids, text) are encoded each time and never kept. At most ``limit`` pairs are
    kept; when full, the cache starts over."""

    def __init__(self, fresh: Iterable[str] = (), limit: int = 4096) -> None:
        self.fresh = frozenset(fresh)
        self.limit = limit
        self._cache: dict[tuple[str, Any], bytes] = {}

    def __call__(self, values: Mapping[str, Any]) -> bytes:
        parts = []
        cache = self._cache
        for key, value in values.items():
            if value is None:
                continue
            if key in self.fresh:
                parts.append(_key_value(key, value))
                continue
            pair = (key, tuple(value) if isinstance(value, list) else value)
            encoded = cache.get(pair)
            if encoded is None:
                if len(cache) >= self.limit:
                    cache.clear()
                encoded = cache[pair] = _key_value(key, value)
            parts.append(encoded)
        return b"".join(parts)


def scope_span(
    trace_id: bytes,
    span_id: bytes,
    parent_span_id: bytes,
    name_and_attributes: bytes,
    kind: int,
    start_ns: int,
    end_ns: int,
    status: tuple[int, str] | None = None,
) -> bytes:
    """One span as an entry of ``ScopeSpans.spans`` (field 2). ``name_and_attributes`` is
    :func:`name_field` + :func:`attributes` (callers keep the constant parts pre-encoded)."""
    body = b"".join(
        (
            b"\x0a\x10", trace_id,
            b"\x12\x08", span_id,
            b"\x22\x08" + parent_span_id if parent_span_id else b"",
            name_and_attributes,
            b"\x30", _varint(kind),
            b"\x39", _FIXED64.pack(start_ns),
            b"\x41", _FIXED64.pack(end_ns),
            _field(15, _field(2, status[1].encode()) + b"\x18" + _varint(status[0])) if status else b"",
        )
    )
    return _field(2, body)


def name_field(name: str) -> bytes:
    """A span's name (field 5)."""
    return _field(5, name.encode())


def export_request(resource: Mapping[str, Any], scope_name: str, spans: Iterable[bytes]) -> bytes:
    """The ``ExportTraceServiceRequest`` of one resource and scope with the spans of
    :func:`scope_span`, ready to post as ``application/x-protobuf``."""
    resource_bytes = _resource_attributes(resource)
    scope = _field(1, _field(1, scope_name.encode())) + b"".join(spans)
    resource_spans = _field(1, resource_bytes) + _field(2, scope)
    return _field(1, resource_spans)


def _resource_attributes(values: Mapping[str, Any]) -> bytes:
    # Resource.attributes is field 1 (a span's is field 9)
    return b"".join(
        _field(1, _field(1, key.encode()) + _field(2, _any_value(value))) for key, value in values.items()
    )


def ids(random: bytes, count: int) -> Sequence[bytes]:
    """``count`` span ids of 8 bytes from ``random`` (8 * count bytes, e.g. one ``os.urandom`` call)."""
    return [random[i * 8 : i * 8 + 8] for i in range(count)]
