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

Each runtime has its own :class:`Tracing` (``rt.parts["tracing"]``; no global provider): the spans
of an exchange are encoded once (:mod:`charter.monitor.otlp`, the OTLP protobuf written directly:
the SDK's span objects cost 0.6 ms of CPU an exchange) and queued; a background thread posts them in
batches with Charter's own httpx client, which connects only where ``CHARTER_OUTBOUND_ALLOW`` admits
(the endpoint is checked at start, each address at connect time). A full queue drops the newest
exchanges' spans; a failed export is logged and dropped; neither touches a request.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
from typing import Any

import httpx
import orjson

from charter.domain import Exchange, StageVerdict
from charter.monitor import otlp
from charter.runtime import Runtime

__all__ = ["Tracing", "interaction_id_of", "start_tracing", "trace_exchange", "trace_id_of", "traces_url"]

log = logging.getLogger(__name__)

_PREFIX = "int_"
_DISABLED = "tracing:off"
#: Exchanges whose spans wait for the exporter at most; one export posts at most ``_BATCH`` of them.
_MAX_QUEUE = 4096
_BATCH = 256
_RESOURCE = {"service.name": "charter", "service.namespace": "charter", "telemetry.sdk.language": "python",
             "telemetry.sdk.name": "charter"}
_SCOPE = "charter.gateway"
#: Attributes that differ for every exchange: encoded each time, never cached.
_FRESH = ("charter.interaction_id", "charter.request_id", "gen_ai.response.id", "gen_ai.conversation.id",
          "charter.review_id", "gen_ai.input.messages", "gen_ai.output.messages")


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


class Tracing:
    """The trace pipeline of one runtime: encode on record, post in batches from a thread."""

    def __init__(self, rt: Runtime, endpoint: str, *, schedule_delay_s: float = 1.0) -> None:
        self.url = traces_url(endpoint)
        rt.egress.outbound.check_url(self.url, param="CHARTER_OTLP_ENDPOINT")  # 400 destination_not_allowed
        self._client = rt.egress.outbound.httpx_client(timeout=rt.settings.otlp_timeout_s)
        self._queue: collections.deque[bytes] = collections.deque()
        self._delay = schedule_delay_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._stage_heads: dict[tuple[str, tuple[str, ...]], bytes] = {}
        self._attributes = otlp.Attributes(fresh=_FRESH)
        self.exported = 0
        self.dropped = 0
        self._failing = False
        self._thread = threading.Thread(target=self._run, name="charter-otlp-export", daemon=True)
        self._thread.start()

    # -- on the request path ---------------------------------------------------------------------
    def export(self, ex: Exchange, interaction_id: str, end_ns: int) -> None:
        """Queue the exchange's spans, timed as the pipeline ran (never raises)."""
        try:
            if len(self._queue) >= _MAX_QUEUE:
                self.dropped += 1
                return
            self._queue.append(self._encode(ex, interaction_id, end_ns))
            if len(self._queue) >= _BATCH:
                self._wake.set()
        except Exception:  # telemetry: log and carry on
            log.exception("could not trace exchange %s", ex.request_id)

    def _encode(self, ex: Exchange, interaction_id: str, end_ns: int) -> bytes:
        root_attributes = _exchange_attributes(ex, interaction_id)
        trace_id = bytes.fromhex(f"{trace_id_of(interaction_id):032x}")
        stages = ex.stage_times
        span_ids = otlp.ids(os.urandom(8 * (len(stages) + 1)), len(stages) + 1)
        root_id = span_ids[0]
        outcomes: dict[str, list[str]] = {}
        for v in ex.verdicts:
            outcomes.setdefault(v.stage.split(".", 1)[0], []).append(v.outcome)
        status = (otlp.STATUS_ERROR, ex.error_code or "error") if ex.status == "error" else None
        model = root_attributes.get("gen_ai.request.model", "")
        spans = [
            otlp.scope_span(trace_id, root_id, b"", otlp.name_field(f"chat {model}".strip())
                            + self._attributes(root_attributes), otlp.KIND_SERVER, int(ex.received_at * 1e9),
                            end_ns, status)
        ]
        for (stage, start, end), span_id in zip(stages, span_ids[1:], strict=True):
            if stage == "generate":
                extra = {k: root_attributes[k] for k in _GEN_AI_SHARED if k in root_attributes}
                extra["charter.failed_attempts"] = len(ex.attempts) or None
                head = self._stage_head(stage, tuple(outcomes.get(stage, ()))) + self._attributes(extra)
                kind = otlp.KIND_CLIENT
            else:
                head, kind = self._stage_head(stage, tuple(outcomes.get(stage, ()))), otlp.KIND_INTERNAL
            spans.append(otlp.scope_span(trace_id, span_id, root_id, head, kind, start, end))
        return b"".join(spans)

    def _stage_head(self, stage: str, outcomes: tuple[str, ...]) -> bytes:
        """A stage span's name and its ``charter.stage`` / ``charter.outcomes`` attributes (kept)."""
        key = (stage, outcomes)
        head = self._stage_heads.get(key)
        if head is None:
            if len(self._stage_heads) >= 1024:
                self._stage_heads.clear()
            head = self._stage_heads[key] = otlp.name_field(stage) + otlp.attributes(
                {"charter.stage": stage, "charter.outcomes": list(outcomes) or None}
            )
        return head

    # -- the exporter thread -----------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self._delay)
            self._wake.clear()
            self._drain()
        self._drain()

    def _drain(self) -> None:
        while self._queue:
            batch: list[bytes] = []
            while self._queue and len(batch) < _BATCH:
                batch.append(self._queue.popleft())
            self._post(batch)

    def _post(self, batch: list[bytes]) -> None:
        body = otlp.export_request(_RESOURCE, _SCOPE, batch)
        try:
            response = self._client.post(self.url, content=body, headers={"content-type": "application/x-protobuf"})
            response.raise_for_status()
        except (httpx.HTTPError, OSError) as exc:
            if not self._failing:
                log.warning("could not export the spans of %d exchanges to %s (%s); dropping them (and later "
                            "ones, until it works again)", len(batch), self.url, exc)
            self._failing = True
            self.dropped += len(batch)
            return
        if self._failing:
            log.info("span export to %s works again", self.url)
        self._failing = False
        self.exported += len(batch)

    def close(self) -> None:
        """Send what is queued and stop the thread."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(self._client.timeout.read or 5.0)
        self._client.close()


def _exchange_attributes(ex: Exchange, interaction_id: str) -> dict[str, Any]:
    p = ex.params
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": p.model or (ex.charter.models[0] if ex.charter.models else ""),
        "gen_ai.usage.input_tokens": ex.usage.prompt_tokens,
        "gen_ai.usage.output_tokens": ex.usage.completion_tokens,
        "gen_ai.response.id": ex.request_id,
        "charter.interaction_id": interaction_id,
        "charter.request_id": ex.request_id,
        "charter.tenant": ex.principal.tenant,
        "charter.use_case": ex.charter.name,
        "charter.charter_version": ex.charter_version,
        "charter.status": ex.status,
        "charter.verdicts": [_verdict_summary(v) for v in ex.verdicts],
    }
    optional = {
        "gen_ai.request.max_tokens": p.max_tokens,
        "gen_ai.request.temperature": p.temperature,
        "gen_ai.request.top_p": p.top_p,
        "gen_ai.request.seed": p.seed,
        "gen_ai.conversation.id": ex.conversation_id,
        "charter.error_code": ex.error_code,
        "error.type": ex.error_code if ex.status == "error" else None,
        "charter.review_id": ex.held_review_id,
    }
    attributes.update({k: v for k, v in optional.items() if v is not None})
    if ex.model is not None:
        attributes["gen_ai.provider.name"] = attributes["gen_ai.system"] = ex.model.provider
        attributes["gen_ai.response.model"] = ex.model.platform_model_id
        attributes["charter.model_version"] = ex.model.version
    if ex.status in ("ok", "held") and ex.model is not None:
        attributes["gen_ai.response.finish_reasons"] = [ex.finish_reason]
    if ex.charter.trace_content:
        sent = ex.prompt_messages if ex.prompt_messages is not None else ex.messages
        attributes["gen_ai.input.messages"] = orjson.dumps(
            [{"role": m.role, "parts": [{"type": "text", "content": m.content}]} for m in sent]
        ).decode()
        if ex.output:
            attributes["gen_ai.output.messages"] = orjson.dumps(
                [{"role": "assistant", "parts": [{"type": "text", "content": ex.output}],
                  "finish_reason": ex.finish_reason}]
            ).decode()
    return attributes


def _verdict_summary(v: StageVerdict) -> str:
    """``stage:outcome`` or, for a guard, ``stage:guard:outcome`` (no findings, no text)."""
    guard = v.detail.get("guard")
    return f"{v.stage}:{guard}:{v.outcome}" if guard else f"{v.stage}:{v.outcome}"


_GEN_AI_SHARED = ("gen_ai.operation.name", "gen_ai.request.model", "gen_ai.response.model", "gen_ai.provider.name",
                  "gen_ai.system", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
                  "gen_ai.request.max_tokens", "gen_ai.request.temperature", "gen_ai.request.top_p",
                  "gen_ai.response.finish_reasons")


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
