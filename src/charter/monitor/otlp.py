"""The OTLP/HTTP traces wire format, written directly: an ``ExportTraceServiceRequest`` protobuf
(opentelemetry-proto ``collector/trace/v1``) built from bytes, with the field numbers of
``trace/v1/trace.proto`` and ``common/v1/common.proto``.

Why not the OpenTelemetry SDK: its span objects cost about 0.6 ms of CPU per exchange here (nine
stage spans and a root, each validated, locked, queued and re-encoded), which took 37 % off the
gateway's throughput at c=64 (benchmarks/results/observability_overhead.md). Writing the protobuf
from what the exchange already holds costs a few microseconds. The tests decode what is sent with
the official ``opentelemetry-proto`` classes, so the encoding is checked against them.

Two ways to write a span, the same bytes on the wire:

* :func:`scope_span` with :func:`name_field` and :func:`attributes`: any span, any attributes
  (string, bool, int, double and arrays of those), a status;
* the parts :mod:`charter.monitor.tracing` puts together from pre-encoded constants: a span's
  length prefix (:func:`span_prefix`), its constant head (name, attributes, kind, status: encoded
  once with :func:`attributes`), the attributes that change every time (:func:`string_attribute`,
  :func:`int_attribute`, whose key is pre-encoded by :func:`key_field`), and its ids and times in one
  ``struct`` call (:data:`CHILD_IDS_TIMES`, :data:`ROOT_IDS_TIMES`). A span's fields may come in any
  order (protobuf), so the constant ones go first.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "CHILD_IDS_TIMES",
    "IDS_TIMES_SIZE",
    "KIND_CLIENT",
    "KIND_INTERNAL",
    "KIND_SERVER",
    "ROOT_IDS_TIMES",
    "STATUS_ERROR",
    "TRACE_ID_TAG",
    "attributes",
    "export_request",
    "int_attribute",
    "key_field",
    "kind_field",
    "name_field",
    "request_envelope",
    "scope_span",
    "span_prefix",
    "status_field",
    "string_attribute",
]

KIND_INTERNAL, KIND_SERVER, KIND_CLIENT = 1, 2, 3
STATUS_ERROR = 2

_FIXED64 = struct.Struct("<Q")
_DOUBLE = struct.Struct("<d")

#: The tag and length of ``Span.trace_id`` (field 1, 16 bytes): the last bytes of a span's constant
#: head, followed by the trace id, packed with :data:`CHILD_IDS_TIMES` or :data:`ROOT_IDS_TIMES`.
TRACE_ID_TAG = b"\x0a\x10"
#: A child span's trace id, ``parent_span_id`` (field 4: tag ``0x22``, length 8), ``span_id`` (field
#: 2: ``0x12``, 8) and times (fields 7 and 8, fixed64: ``0x39``, ``0x41``), as
#: ``pack(trace_id, 0x0822, parent, 0x0812, span_id, 0x39, start_ns, 0x41, end_ns)`` (ids as ints).
CHILD_IDS_TIMES = struct.Struct("<16sHQHQBQBQ")
#: A root span's trace id, span id and times: ``pack(trace_id, 0x0812, span_id, 0x39, start_ns, 0x41, end_ns)``.
ROOT_IDS_TIMES = struct.Struct("<16sHQBQBQ")
#: What a span's ids and times take after its head: :data:`TRACE_ID_TAG` and one of the structs.
IDS_TIMES_SIZE = {"child": len(TRACE_ID_TAG) + CHILD_IDS_TIMES.size, "root": len(TRACE_ID_TAG) + ROOT_IDS_TIMES.size}


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


def key_field(key: str) -> bytes:
    """A ``KeyValue.key`` (field 1), for :func:`string_attribute` and :func:`int_attribute`."""
    return _field(1, key.encode())


def string_attribute(key: bytes, value: str) -> bytes:
    """One string attribute (a span's field 9) whose key is :func:`key_field`'s; the same bytes as
    :func:`attributes` gives for ``{key: value}``."""
    v = value.encode()
    n = len(v)
    if n + len(key) < 0x7C:  # every length below fits one byte
        return b"".join((bytes((0x4A, len(key) + n + 4)), key, bytes((0x12, n + 2, 0x0A, n)), v))
    return _field(9, key + _field(2, _field(1, v)))


def int_attribute(key: bytes, value: int) -> bytes:
    """One integer attribute (a span's field 9) whose key is :func:`key_field`'s."""
    if 0 <= value < 0x80 and len(key) < 0x7C:
        return b"".join((bytes((0x4A, len(key) + 4)), key, bytes((0x12, 2, 0x18, value))))
    return _field(9, key + _field(2, b"\x18" + _varint(value)))


def span_prefix(body_size: int) -> bytes:
    """The tag and length of an entry of ``ScopeSpans.spans`` (field 2) whose body is ``body_size`` bytes."""
    return b"\x12" + _varint(body_size)


def kind_field(kind: int) -> bytes:
    """A span's kind (field 6)."""
    return b"\x30" + _varint(kind)


def status_field(status: tuple[int, str]) -> bytes:
    """A span's status (field 15): its code and message."""
    return _field(15, _field(2, status[1].encode()) + b"\x18" + _varint(status[0]))


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
    :func:`name_field` + :func:`attributes`."""
    body = b"".join(
        (
            b"\x0a\x10", trace_id,
            b"\x12\x08", span_id,
            b"\x22\x08" + parent_span_id if parent_span_id else b"",
            name_and_attributes,
            kind_field(kind),
            b"\x39", _FIXED64.pack(start_ns),
            b"\x41", _FIXED64.pack(end_ns),
            status_field(status) if status else b"",
        )
    )
    return _field(2, body)


def name_field(name: str) -> bytes:
    """A span's name (field 5)."""
    return _field(5, name.encode())


def request_envelope(resource: Mapping[str, Any], scope_name: str) -> tuple[bytes, bytes]:
    """The constant parts of an ``ExportTraceServiceRequest`` of one resource and scope: what
    :func:`export_request` puts around the spans (pass both to it, encoded once)."""
    resource_bytes = b"".join(
        # Resource.attributes is field 1 (a span's is field 9)
        _field(1, _field(1, key.encode()) + _field(2, _any_value(value))) for key, value in resource.items()
    )
    return _field(1, resource_bytes), _field(1, _field(1, scope_name.encode()))


def export_request(envelope: tuple[bytes, bytes], spans: Iterable[bytes]) -> bytes:
    """The ``ExportTraceServiceRequest`` of the resource and scope of ``envelope``
    (:func:`request_envelope`) with spans (entries of ``ScopeSpans.spans``), ready to post as
    ``application/x-protobuf``."""
    resource_field, scope_field = envelope
    return _field(1, resource_field + _field(2, scope_field + b"".join(spans)))
