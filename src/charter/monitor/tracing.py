"""OpenTelemetry traces of exchanges (ME-1), exported over OTLP/HTTP when ``CHARTER_OTLP_ENDPOINT`` is
set and off otherwise (air-gapped sites; docs/operations.md, Monitoring, Traces).

One trace per recorded exchange: a root span ``chat {model}`` (kind SERVER) from the moment the
request arrived to the moment its record committed, and one child span per pipeline stage that ran
(``admit``, ``screen_input``, ``ground``, ``compose``, ``route``, ``generate``, ``screen_output``,
``oversee``, ``record``), timed by the pipeline (``Exchange.stage_times``). The spans are written
when the record commits, with those times: tracing adds nothing to a stage, and nothing at all when
it is off (:func:`trace_exchange` returns at once).

Attributes follow the OpenTelemetry GenAI semantic conventions (``gen_ai.operation.name``,
``gen_ai.provider.name`` and the older ``gen_ai.system``, ``gen_ai.request.model``,
``gen_ai.response.model``, ``gen_ai.usage.*``, ``gen_ai.request.*``,
``gen_ai.response.finish_reasons``, ``error.type``) plus ``charter.*`` (use case, charter version,
status, error code, a verdicts summary, interaction and request ids). The prompt and the answer
(``gen_ai.input.messages``, ``gen_ai.output.messages``) are added only when the use case's charter
says ``trace_content: true``.

**The trace id is the interaction's.** An interaction id is ``int_`` + 28 hex digits (12 of
milliseconds, 16 random); the trace id is those 28 digits with four zeros in front
(:func:`trace_id_of`), and the interaction id is ``int_`` + the last 28 hex digits of the trace id.
The ledger entry of the interaction names it as its subject, so trace, record and ledger entry join.

Each runtime has its own :class:`Tracing` (``rt.parts["tracing"]``; no global provider). On the
request path it only queues a snapshot of the exchange (one tuple: the values its spans are made
of); a background thread encodes whole batches (:class:`SpanEncoder`: the OTLP protobuf written
directly by :mod:`charter.monitor.otlp`, the SDK's span objects cost 0.6 ms of CPU an exchange; the
constant parts of the spans of like exchanges are encoded once and kept) and posts them with
Charter's own httpx client, which connects only where ``CHARTER_OUTBOUND_ALLOW`` admits (the
endpoint is checked at start, each address at connect time). A full queue drops the newest
exchanges' spans; a failed export is logged and dropped; neither touches a request.
"""

from __future__ import annotations

import collections
import logging
import os
import random
import threading
from typing import Any, TypeAlias

import httpx
import orjson

from charter.domain import Charter, Exchange, ModelEntry, StageVerdict
from charter.monitor import otlp
from charter.runtime import Runtime

__all__ = [
    "Snapshot", "SpanEncoder", "Tracing", "interaction_id_of", "start_tracing", "trace_exchange", "trace_id_of",
    "traces_url",
]

log = logging.getLogger(__name__)

_PREFIX = "int_"
_DISABLED = "tracing:off"
#: Exchanges whose spans wait for the exporter at most; one export posts at most ``_BATCH`` of them.
_MAX_QUEUE = 4096
_BATCH = 256
_RESOURCE = {"service.name": "charter", "service.namespace": "charter", "telemetry.sdk.language": "python",
             "telemetry.sdk.name": "charter"}
_SCOPE = "charter.gateway"


def trace_id_of(interaction_id: str) -> int:
    """The 128-bit trace id of an interaction (``int_`` + 28 hex digits → ``0000`` + those digits)."""
    digits = interaction_id.removeprefix(_PREFIX)
    return int(digits[-28:], 16)


def interaction_id_of(trace_id: int | str) -> str:
    """The interaction a trace id belongs to (the inverse of :func:`trace_id_of`)."""
    value = trace_id if isinstance(trace_id, int) else int(trace_id, 16)
    return _PREFIX + f"{value:032x}"[4:]


def traces_url(endpoint: str) -> str:
    """``CHARTER_OTLP_ENDPOINT`` as the URL spans are posted to (``/v1/traces`` added when missing)."""
    base = endpoint.rstrip("/")
    return base if base.endswith("/v1/traces") else base + "/v1/traces"


#: What the request path keeps of an exchange for its spans (:meth:`Tracing.export`); the exporter
#: thread encodes them (:class:`SpanEncoder`). A plain tuple: built in one step, read by position.
Snapshot: TypeAlias = tuple[
    str, int, float, str, str,  # interaction id, end ns, received at, request id, tenant
    Charter, int,  # the charter, its version
    str, int | None, float | None, float | None, int | None,  # request model, max_tokens, temperature, top_p, seed
    int, int, str, str | None, str | None, str | None,  # tokens in, out, status, error code, review, conversation
    ModelEntry | None, str, int, list[StageVerdict],  # model, finish reason, failed attempts, verdicts
    list[tuple[str, int, int]],  # stage times
    tuple[str, str | None] | None,  # prompt and answer (gen_ai.input/output.messages) when the charter allows
]


class Tracing:
    """The trace pipeline of one runtime: a snapshot on record, encoded and posted in batches by a thread."""

    def __init__(self, rt: Runtime, endpoint: str, *, schedule_delay_s: float = 1.0) -> None:
        self.url = traces_url(endpoint)
        rt.egress.outbound.check_url(self.url, param="CHARTER_OTLP_ENDPOINT")  # 400 destination_not_allowed
        self._client = rt.egress.outbound.httpx_client(timeout=rt.settings.otlp_timeout_s)
        self._queue: collections.deque[Snapshot] = collections.deque()
        self._delay = schedule_delay_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._encoder = SpanEncoder()
        self.exported = 0
        self.dropped = 0
        self._failing = False
        self._thread = threading.Thread(target=self._run, name="charter-otlp-export", daemon=True)
        self._thread.start()

    # -- on the request path ---------------------------------------------------------------------
    def export(self, ex: Exchange, interaction_id: str, end_ns: int) -> None:
        """Queue what the exchange's spans are made of (never raises). Nothing is encoded here: the
        exporter thread encodes whole batches, with its caches warm."""
        try:
            queue = self._queue
            if len(queue) >= _MAX_QUEUE:
                self.dropped += 1
                return
            p, charter, usage = ex.params, ex.charter, ex.usage
            queue.append((
                interaction_id, end_ns, ex.received_at, ex.request_id, ex.principal.tenant, charter,
                ex.charter_version, p.model or (charter.models[0] if charter.models else ""), p.max_tokens,
                p.temperature, p.top_p, p.seed, usage.prompt_tokens, usage.completion_tokens, ex.status,
                ex.error_code, ex.held_review_id, ex.conversation_id, ex.model, ex.finish_reason, len(ex.attempts),
                ex.verdicts, ex.stage_times, _content(ex) if charter.trace_content else None,
            ))
            if len(queue) >= _BATCH:
                self._wake.set()
        except Exception:  # telemetry: log and carry on
            log.exception("could not trace exchange %s", ex.request_id)

    # -- the exporter thread -----------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self._delay)
            self._wake.clear()
            self._drain()
        self._drain()

    def _drain(self) -> None:
        queue = self._queue
        while queue:
            batch: list[Snapshot] = []
            while queue and len(batch) < _BATCH:
                batch.append(queue.popleft())
            self._post(self._encoder.request(batch), len(batch))

    def _post(self, body: bytes, count: int) -> None:
        try:
            response = self._client.post(self.url, content=body, headers={"content-type": "application/x-protobuf"})
            response.raise_for_status()
        except (httpx.HTTPError, OSError) as exc:
            if not self._failing:
                log.warning("could not export the spans of %d exchanges to %s (%s); dropping them (and later "
                            "ones, until it works again)", count, self.url, exc)
            self._failing = True
            self.dropped += count
            return
        if self._failing:
            log.info("span export to %s works again", self.url)
        self._failing = False
        self.exported += count

    def close(self) -> None:
        """Send what is queued and stop the thread."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(self._client.timeout.read or 5.0)
        self._client.close()


def _content(ex: Exchange) -> tuple[str, str | None]:
    """``gen_ai.input.messages`` and ``gen_ai.output.messages`` (only when the charter allows)."""
    sent = ex.prompt_messages if ex.prompt_messages is not None else ex.messages
    prompt = orjson.dumps([{"role": m.role, "parts": [{"type": "text", "content": m.content}]} for m in sent]).decode()
    answer = None
    if ex.output:
        parts = [{"type": "text", "content": ex.output}]
        answer = orjson.dumps([{"role": "assistant", "parts": parts, "finish_reason": ex.finish_reason}]).decode()
    return prompt, answer


class _Plan:
    """The constant bytes of the spans of every exchange with the same slow-changing attributes and
    the same stages: the root span's head, and per stage its length prefix and head (for
    ``generate``, whose length depends on the token counts, the head alone)."""

    __slots__ = ("children", "generate", "root")

    def __init__(self, root: bytes, children: list[bytes | None], generate: bytes) -> None:
        self.root = root
        self.children = children
        self.generate = generate


_K = {key: otlp.key_field(key) for key in (
    "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.response.id", "charter.request_id",
    "charter.interaction_id", "gen_ai.conversation.id", "charter.review_id", "gen_ai.input.messages",
    "gen_ai.output.messages",
)}
_CHILD_SIZE = otlp.IDS_TIMES_SIZE["child"]
_ROOT_SIZE = otlp.IDS_TIMES_SIZE["root"]


class SpanEncoder:
    """Encodes batches of exchange snapshots into one ``ExportTraceServiceRequest`` (the exporter
    thread's work). What recurs is encoded once and kept: a :class:`_Plan` per (use case, charter
    version, tenant, model, request parameters, status, verdicts, stages) — at most ``limit``, then
    it starts over; what differs per exchange (ids, times, token counts) is packed into it."""

    def __init__(self, limit: int = 1024) -> None:
        self.limit = limit
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        self._envelope = otlp.request_envelope(_RESOURCE, _SCOPE)
        self._random = random.Random(os.urandom(32))  # span ids (only this thread draws from it)

    def request(self, batch: list[Snapshot]) -> bytes:
        spans = []
        for snapshot in batch:
            try:
                spans.append(self.exchange(snapshot))
            except Exception:  # telemetry: log and carry on
                log.exception("could not encode the spans of exchange %s", snapshot[3])
        return otlp.export_request(self._envelope, spans)

    def exchange(self, s: Snapshot) -> bytes:
        """The spans of one exchange: a root and a child per stage, as entries of ``ScopeSpans.spans``."""
        (interaction_id, end_ns, received_at, request_id, tenant, charter, version, request_model, max_tokens,
         temperature, top_p, seed, input_tokens, output_tokens, status, error_code, review_id, conversation_id,
         model, finish_reason, failed_attempts, verdicts, stage_times, content) = s
        key = (
            charter.name, version, tenant, request_model, max_tokens, temperature, top_p, seed, status, error_code,
            None if model is None else (model.provider, model.platform_model_id, model.version),
            finish_reason, failed_attempts,
            tuple([(v.stage, v.detail.get("guard"), v.outcome) for v in verdicts]),
            tuple([t[0] for t in stage_times]),
        )
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= self.limit:
                self._plans.clear()
            plan = self._plans[key] = _plan(key, model)
        trace_id = bytes.fromhex(interaction_id[-28:].rjust(32, "0"))
        span_id = self._random.getrandbits
        root_id = span_id(64) | 1  # never the invalid all-zero id
        tokens = otlp.int_attribute(_K["gen_ai.usage.input_tokens"], input_tokens) + otlp.int_attribute(
            _K["gen_ai.usage.output_tokens"], output_tokens
        )
        fresh = [
            otlp.string_attribute(_K["gen_ai.response.id"], request_id),
            otlp.string_attribute(_K["charter.request_id"], request_id),
            otlp.string_attribute(_K["charter.interaction_id"], interaction_id),
            tokens,
        ]
        if conversation_id is not None:
            fresh.append(otlp.string_attribute(_K["gen_ai.conversation.id"], conversation_id))
        if review_id is not None:
            fresh.append(otlp.string_attribute(_K["charter.review_id"], review_id))
        if content is not None:
            fresh.append(otlp.string_attribute(_K["gen_ai.input.messages"], content[0]))
            if content[1] is not None:
                fresh.append(otlp.string_attribute(_K["gen_ai.output.messages"], content[1]))
        root_fresh = b"".join(fresh)
        parts = [
            otlp.span_prefix(len(plan.root) + len(root_fresh) + _ROOT_SIZE), plan.root, root_fresh,
            otlp.TRACE_ID_TAG,
            _ROOT_PACK(trace_id, 0x0812, root_id, 0x39, int(received_at * 1e9), 0x41, end_ns),
        ]
        pack = _CHILD_PACK
        for head, (_, start, end) in zip(plan.children, stage_times, strict=True):
            if head is None:  # generate: its token counts are in its head
                head = b"".join((otlp.span_prefix(len(plan.generate) + len(tokens) + _CHILD_SIZE), plan.generate,
                                 tokens, otlp.TRACE_ID_TAG))
            parts.append(head)
            parts.append(pack(trace_id, 0x0822, root_id, 0x0812, span_id(64) | 1, 0x39, start, 0x41, end))
        return b"".join(parts)


_ROOT_PACK = otlp.ROOT_IDS_TIMES.pack
_CHILD_PACK = otlp.CHILD_IDS_TIMES.pack


def _plan(key: tuple[Any, ...], model: ModelEntry | None) -> _Plan:
    """The constant parts of the spans of the exchanges of ``key`` (see :meth:`SpanEncoder.exchange`)."""
    (use_case, version, tenant, request_model, max_tokens, temperature, top_p, seed, status, error_code, _,
     finish_reason, failed_attempts, verdicts, stages) = key
    shared: dict[str, Any] = {  # on the root and the generate span
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": request_model,
        "gen_ai.request.max_tokens": max_tokens,
        "gen_ai.request.temperature": temperature,
        "gen_ai.request.top_p": top_p,
    }
    if model is not None:
        shared["gen_ai.provider.name"] = shared["gen_ai.system"] = model.provider
        shared["gen_ai.response.model"] = model.platform_model_id
        if status in ("ok", "held"):
            shared["gen_ai.response.finish_reasons"] = [finish_reason]
    root = otlp.attributes({
        **shared,
        "gen_ai.request.seed": seed,
        "charter.tenant": tenant,
        "charter.use_case": use_case,
        "charter.charter_version": version,
        "charter.model_version": model.version if model is not None else None,
        "charter.status": status,
        "charter.error_code": error_code,
        "error.type": error_code if status == "error" else None,
        "charter.verdicts": [f"{stage}:{guard}:{outcome}" if guard else f"{stage}:{outcome}"
                             for stage, guard, outcome in verdicts],
    })
    status_bytes = otlp.status_field((otlp.STATUS_ERROR, error_code or "error")) if status == "error" else b""
    root_head = b"".join((otlp.name_field(f"chat {request_model}".strip()), root, otlp.kind_field(otlp.KIND_SERVER),
                          status_bytes))
    outcomes: dict[str, list[str]] = {}
    for stage, _, outcome in verdicts:
        outcomes.setdefault(stage.split(".", 1)[0], []).append(outcome)
    children: list[bytes | None] = []
    generate = b""
    for stage in stages:
        head = otlp.name_field(stage) + otlp.attributes({"charter.stage": stage,
                                                         "charter.outcomes": outcomes.get(stage) or None})
        if stage == "generate":
            generate = head + otlp.attributes({**shared, "charter.failed_attempts": failed_attempts or None})
            generate += otlp.kind_field(otlp.KIND_CLIENT)
            children.append(None)
        else:
            head += otlp.kind_field(otlp.KIND_INTERNAL)
            children.append(otlp.span_prefix(len(head) + _CHILD_SIZE) + head + otlp.TRACE_ID_TAG)
    return _Plan(root_head, children, generate)


def start_tracing(rt: Runtime) -> Tracing | None:
    """This runtime's tracing, created on first use: None when ``CHARTER_OTLP_ENDPOINT`` is unset.
    An endpoint off the allow-list raises ``400 destination_not_allowed`` (the app's start calls
    this, so a bad setting stops the server instead of silently dropping traces)."""
    part = rt.parts.get("tracing")
    if part is None:
        endpoint = rt.settings.otlp_endpoint
        part = rt.parts["tracing"] = Tracing(rt, endpoint) if endpoint else _DISABLED
    return part if isinstance(part, Tracing) else None


def trace_exchange(rt: Runtime, ex: Exchange, interaction_id: str, end_ns: int) -> None:
    """Export the spans of a recorded exchange (nothing when tracing is off; never raises)."""
    if rt.settings.otlp_endpoint is None:
        return
    try:
        tracing = start_tracing(rt)
    except Exception:  # telemetry: a bad endpoint is refused at start; here it is logged once
        log.exception("tracing is misconfigured; no spans are exported")
        rt.parts["tracing"] = _DISABLED
        return
    if tracing is not None:
        tracing.export(ex, interaction_id, end_ns)
