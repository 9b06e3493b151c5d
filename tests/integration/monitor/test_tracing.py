"""Traces over OTLP/HTTP to a real receiver on loopback: one span per exchange with a child per
stage, GenAI attributes, the trace id of the recorded interaction, and prompt text only when the
charter allows it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from sqlalchemy import select

from charter.errors import InvalidRequest
from charter.ledger.tables import ledger_entries
from charter.monitor.tracing import Tracing, interaction_id_of, start_tracing, trace_id_of
from charter.runtime import Runtime
from charter.store.schema import interactions
from tests.conftest import Platform
from tests.support.live import LiveCharter

PROMPT = "When is the filing deadline for form T1?"


class Receiver:
    """An OTLP/HTTP traces endpoint: decodes each POST /v1/traces into its spans."""

    def __init__(self) -> None:
        self.spans: list[Any] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.paths.append(self.path)
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                for rs in request.resource_spans:
                    for ss in rs.scope_spans:
                        receiver.spans.extend(ss.spans)
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def trace(self, trace_id: bytes, count: int, timeout: float = 20.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [s for s in self.spans if s.trace_id == trace_id]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{count} spans of trace {trace_id.hex()} did not arrive: {len(self.spans)} in all")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        r.server.shutdown()


@pytest.fixture
def traced(platform: Platform, receiver: Receiver) -> Iterator[LiveCharter]:
    settings = platform.rt.settings.model_copy(update={"otlp_endpoint": receiver.url})
    rt = Runtime(settings=settings, engine=platform.rt.engine, writer=platform.rt.writer,
                 extensions=platform.rt.extensions, egress=platform.rt.egress)
    server = LiveCharter(rt).start()
    try:
        yield server
    finally:
        server.stop()


def _attrs(span: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in span.attributes:
        v = kv.value
        kind = v.WhichOneof("value")
        out[kv.key] = [getattr(x, x.WhichOneof("value")) for x in v.array_value.values] if kind == "array_value" \
            else getattr(v, kind)
    return out


def _chat(traced: LiveCharter, platform: Platform) -> str:
    r = httpx.post(f"{traced.url}/v1/chat/completions", headers=platform.auth(), timeout=30,
                   json={"model": "mock", "messages": [{"role": "user", "content": PROMPT}], "max_tokens": 32})
    assert r.status_code == 200, r.text
    return str(r.headers["x-charter-interaction-id"])


STAGES = ["admit", "screen_input", "ground", "compose", "route", "generate", "screen_output", "oversee", "record"]


def test_exchange_trace_has_stage_children_genai_attributes_and_the_interaction_id(
    traced: LiveCharter, platform: Platform, receiver: Receiver
):
    interaction_id = _chat(traced, platform)
    trace_id = trace_id_of(interaction_id).to_bytes(16, "big")
    spans = receiver.trace(trace_id, 1 + len(STAGES))
    assert receiver.paths[0] == "/v1/traces"
    roots = [s for s in spans if not s.parent_span_id]
    assert len(roots) == 1
    root = roots[0]
    children = sorted((s for s in spans if s.parent_span_id), key=lambda s: s.start_time_unix_nano)
    assert [s.name for s in children] == STAGES
    assert all(s.parent_span_id == root.span_id for s in children)
    assert all(root.start_time_unix_nano <= s.start_time_unix_nano <= s.end_time_unix_nano
               <= root.end_time_unix_nano for s in children)
    attrs = _attrs(root)
    assert root.name == "chat mock"
    assert attrs["gen_ai.operation.name"] == "chat"
    assert attrs["gen_ai.provider.name"] == "openai" and attrs["gen_ai.system"] == "openai"
    assert attrs["gen_ai.request.model"] == "mock"
    assert attrs["gen_ai.response.model"] == "mock-model-7b"
    assert attrs["gen_ai.request.max_tokens"] == 32
    assert (attrs["gen_ai.usage.input_tokens"], attrs["gen_ai.usage.output_tokens"]) == (11, 7)
    assert attrs["gen_ai.response.finish_reasons"] == ["stop"]
    assert attrs["charter.use_case"] == "tax-helpdesk" and attrs["charter.charter_version"] == 1
    assert attrs["charter.status"] == "ok" and attrs["charter.interaction_id"] == interaction_id
    assert "admit:pass" in attrs["charter.verdicts"]
    generate = next(s for s in children if s.name == "generate")
    assert _attrs(generate)["gen_ai.response.model"] == "mock-model-7b"
    # trace, record and ledger entry join up
    assert interaction_id_of(trace_id.hex()) == interaction_id
    with platform.rt.engine.connect() as conn:
        assert conn.execute(select(interactions.c.id).where(interactions.c.id == interaction_id)).scalar_one()
        assert conn.execute(select(ledger_entries.c.action).where(ledger_entries.c.subject == interaction_id)
                            ).scalar_one() == "interaction.recorded"
    text = b"".join(s.SerializeToString() for s in spans)
    assert PROMPT.encode() not in text and platform.upstream.reply.encode() not in text
    assert "gen_ai.input.messages" not in attrs and "gen_ai.output.messages" not in attrs


def test_prompt_and_answer_are_traced_only_when_the_charter_allows(
    traced: LiveCharter, platform: Platform, receiver: Receiver
):
    platform.apply(
        "name: tax-helpdesk\ntenant: agency\nmodels: [mock]\nregions: [ca-central-1]\ntrace_content: true\n"
    )
    traced.rt.policy_changed()
    interaction_id = _chat(traced, platform)
    spans = receiver.trace(trace_id_of(interaction_id).to_bytes(16, "big"), 1 + len(STAGES))
    root = next(s for s in spans if not s.parent_span_id)
    attrs = _attrs(root)
    assert PROMPT in attrs["gen_ai.input.messages"]
    assert platform.upstream.reply in attrs["gen_ai.output.messages"]


def test_tracing_endpoint_off_the_outbound_allow_list_is_refused(platform: Platform):
    settings = platform.rt.settings.model_copy(update={"otlp_endpoint": "http://collector.example:4318"})
    rt = Runtime(settings=settings, engine=platform.rt.engine, writer=platform.rt.writer,
                 extensions=platform.rt.extensions, egress=platform.rt.egress)
    with pytest.raises(InvalidRequest) as refused:
        Tracing(rt, "http://collector.example:4318")
    assert refused.value.code == "destination_not_allowed"


def test_trace_id_and_interaction_id_map_both_ways():
    assert interaction_id_of(trace_id_of("int_019af0c2d3e4" + "a1b2c3d4e5f60718")) == "int_019af0c2d3e4a1b2c3d4e5f60718"
    assert f"{trace_id_of('int_019af0c2d3e4a1b2c3d4e5f60718'):032x}" == "0000019af0c2d3e4a1b2c3d4e5f60718"


def test_streamed_exchange_is_traced_with_generate_until_the_last_token(
    traced: LiveCharter, platform: Platform, receiver: Receiver
):
    body = {"model": "mock", "messages": [{"role": "user", "content": PROMPT}], "stream": True}
    with httpx.stream("POST", f"{traced.url}/v1/chat/completions", headers=platform.auth(), json=body,
                      timeout=30) as r:
        assert r.status_code == 200
        lines = [line for line in r.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    with platform.rt.engine.connect() as conn:
        interaction_id = conn.execute(
            select(interactions.c.id).where(interactions.c.stream.is_(True))).scalar_one()
    spans = receiver.trace(trace_id_of(interaction_id).to_bytes(16, "big"), 1 + len(STAGES))
    names = [s.name for s in sorted(spans, key=lambda s: s.start_time_unix_nano) if s.parent_span_id]
    assert names == STAGES
    root = next(s for s in spans if not s.parent_span_id)
    generate = next(s for s in spans if s.name == "generate")
    assert _attrs(root)["gen_ai.usage.output_tokens"] == _attrs(generate)["gen_ai.usage.output_tokens"] > 0


def test_tracing_off_builds_nothing(http, platform: Platform):
    r = http.post("/v1/chat/completions", headers=platform.auth(),
                  json={"model": "mock", "messages": [{"role": "user", "content": PROMPT}]})
    assert r.status_code == 200
    assert start_tracing(platform.rt) is None
    assert not any(isinstance(part, Tracing) for part in platform.rt.parts.values())
