"""Charter's own OTLP encoder, read back with the official opentelemetry-proto classes."""

from __future__ import annotations

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from charter.monitor import otlp


def _decode(body: bytes) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    return request


def test_spans_and_every_attribute_type_decode_with_the_official_classes():
    trace_id, root, child = bytes(range(16)), b"\x01" * 8, b"\x02" * 8
    long_text = "é" * 300  # a length over one varint byte
    attributes = {"s": "chat", "t": True, "f": False, "i": 7, "neg": -3, "big": 2**40, "d": 0.25,
                  "list": ["a", "b"], "ints": [1, 2], "long": long_text, "none": None}
    spans = [
        otlp.scope_span(trace_id, root, b"", otlp.name_field("chat mock") + otlp.attributes(attributes),
                        otlp.KIND_SERVER, 1_700_000_000_000_000_000, 1_700_000_000_500_000_000,
                        (otlp.STATUS_ERROR, "upstream_unavailable")),
        otlp.scope_span(trace_id, child, root, otlp.name_field("admit") + otlp.Attributes()({"charter.stage": "admit"}),
                        otlp.KIND_INTERNAL, 1_700_000_000_000_000_001, 1_700_000_000_000_000_002),
    ]
    request = _decode(otlp.export_request({"service.name": "charter"}, "charter.gateway", spans))
    rs = request.resource_spans[0]
    assert rs.resource.attributes[0].key == "service.name"
    assert rs.resource.attributes[0].value.string_value == "charter"
    assert rs.scope_spans[0].scope.name == "charter.gateway"
    first, second = rs.scope_spans[0].spans
    assert (first.trace_id, first.span_id, first.parent_span_id) == (trace_id, root, b"")
    assert (first.name, first.kind) == ("chat mock", 2)
    assert first.start_time_unix_nano == 1_700_000_000_000_000_000
    assert first.end_time_unix_nano == 1_700_000_000_500_000_000
    assert (first.status.code, first.status.message) == (2, "upstream_unavailable")
    decoded = {}
    for kv in first.attributes:
        v = kv.value
        kind = v.WhichOneof("value")
        decoded[kv.key] = [getattr(x, x.WhichOneof("value")) for x in v.array_value.values] \
            if kind == "array_value" else getattr(v, kind)
    assert decoded == {k: v for k, v in attributes.items() if v is not None}
    assert (second.parent_span_id, second.name, second.kind) == (root, "admit", 1)
    assert second.attributes[0].value.string_value == "admit"


def test_attribute_cache_gives_the_same_bytes_and_never_keeps_fresh_keys():
    encode = otlp.Attributes(fresh=("id",), limit=2)
    values = {"tenant": "agency", "verdicts": ["admit:pass"], "id": "int_1"}
    assert encode(values) == otlp.attributes(values)
    assert encode(values) == otlp.attributes(values)
    assert ("id", "int_1") not in encode._cache
    encode({"a": 1, "b": 2, "c": 3})
    assert len(encode._cache) <= 2
