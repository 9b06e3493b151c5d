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
        otlp.scope_span(trace_id, child, root, otlp.name_field("admit") + otlp.attributes({"charter.stage": "admit"}),
                        otlp.KIND_INTERNAL, 1_700_000_000_000_000_001, 1_700_000_000_000_000_002),
    ]
    request = _decode(otlp.export_request(otlp.request_envelope({"service.name": "charter"}, "charter.gateway"), spans))
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


def test_pre_encoded_parts_give_the_same_bytes_as_the_generic_encoder():
    for key in ("k", "gen_ai.usage.input_tokens", "x" * 130):
        for value in ("", "int_019af0c2d3e4a1b2c3d4e5f60718", "é" * 70, "y" * 300):
            assert otlp.string_attribute(otlp.key_field(key), value) == otlp.attributes({key: value})
        for number in (0, 7, 127, 128, 300, 2**40, -3):
            assert otlp.int_attribute(otlp.key_field(key), number) == otlp.attributes({key: number})


def test_span_from_parts_decodes_like_scope_span():
    trace_id, root, child = bytes(range(16)), 0x0102030405060708, 0x1112131415161718
    head = otlp.name_field("admit") + otlp.attributes({"charter.stage": "admit"}) + otlp.kind_field(otlp.KIND_INTERNAL)
    ids_times = otlp.CHILD_IDS_TIMES.pack(trace_id, 0x0822, root, 0x0812, child, 0x39, 5, 0x41, 2**63 + 9)
    span = otlp.span_prefix(len(head) + otlp.IDS_TIMES_SIZE["child"]) + head + otlp.TRACE_ID_TAG + ids_times
    root_head = otlp.name_field("chat") + otlp.kind_field(otlp.KIND_SERVER) + otlp.status_field((2, "boom"))
    root_span = otlp.span_prefix(len(root_head) + otlp.IDS_TIMES_SIZE["root"]) + root_head + otlp.TRACE_ID_TAG
    root_span += otlp.ROOT_IDS_TIMES.pack(trace_id, 0x0812, root, 0x39, 1, 0x41, 10)
    request = _decode(otlp.export_request(otlp.request_envelope({"service.name": "charter"}, "s"), [root_span, span]))
    first, second = request.resource_spans[0].scope_spans[0].spans
    assert (first.trace_id, first.span_id, first.parent_span_id) == (trace_id, root.to_bytes(8, "little"), b"")
    assert (first.name, first.kind, first.status.code, first.status.message) == ("chat", 2, 2, "boom")
    assert (first.start_time_unix_nano, first.end_time_unix_nano) == (1, 10)
    assert (second.trace_id, second.parent_span_id, second.span_id) == (
        trace_id, root.to_bytes(8, "little"), child.to_bytes(8, "little"))
    assert (second.name, second.kind) == ("admit", 1)
    assert (second.start_time_unix_nano, second.end_time_unix_nano) == (5, 2**63 + 9)
    assert second.attributes[0].value.string_value == "admit"
