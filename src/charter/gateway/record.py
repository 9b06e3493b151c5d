"""The record stage: every exchange becomes an interaction, durable before the response leaves.

One write job per exchange, committed by the single writer (group commit):
  * the redacted tier: hashes and lengths of input and output, model alias and version, charter
    version, key id, latency, tokens, status, stage verdicts (findings carry offsets, never values);
  * the raw tier, AES-GCM envelope-encrypted (left out when a guard blocked the text: DP-1);
  * the ledger entry that covers the interaction (same transaction);
  * any capability rows the stages queued in ``ex.writes``.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import orjson
from sqlalchemy import Connection

from charter import ledger
from charter.domain import ChatMessage, Exchange
from charter.errors import CharterError
from charter.gateway.tools import tool_record
from charter.interactions.crypto import keyring
from charter.monitor.budgets import meter_of
from charter.monitor.cost import exchange_cost
from charter.monitor.drift import observe as drift
from charter.monitor.metrics import observe_exchange
from charter.monitor.tracing import trace_exchange
from charter.runtime import Runtime
from charter.store.schema import interaction_raw, interactions, new_id, utcnow

__all__ = ["build_row", "record"]

_INSERT_INTERACTION = interactions.insert()
_INSERT_RAW = interaction_raw.insert()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _message(m: ChatMessage) -> dict[str, object]:
    """A message as the record keeps it: role and content, and its tool calls or the call it answers
    when it has them (so a message without them hashes as it always did)."""
    item: dict[str, object] = {"role": m.role, "content": m.content}
    if m.tool_calls:
        item["tool_calls"] = m.tool_calls
    if m.tool_call_id is not None:
        item["tool_call_id"] = m.tool_call_id
    return item


def _input_bytes(ex: Exchange) -> bytes:
    return orjson.dumps([_message(m) for m in ex.messages])


def build_row(ex: Exchange, interaction_id: str) -> dict[str, Any]:
    model = ex.model
    latency_ms = round(ex.elapsed_ms, 3)  # read once: the cost's busy time is the recorded latency
    hit = ex.cache is not None and ex.cache.result == "hit"
    # an answer from the response cache called no model: it costs nothing
    cost = 0.0 if hit else exchange_cost(model, ex.usage.prompt_tokens, ex.usage.completion_tokens, latency_ms)
    output = ex.output.encode() if ex.status == "ok" or ex.output else b""
    return {
        "id": interaction_id,
        "tenant_id": ex.principal.tenant_id,
        "use_case_id": ex.use_case_id,
        "charter_version": ex.charter_version,
        "key_id": ex.principal.key_id,
        "request_id": ex.request_id,
        "conversation_id": ex.conversation_id,
        "model_alias": model.alias if model else None,
        "platform_model_id": model.platform_model_id if model else None,
        "model_version": model.version if model else None,
        "prompt_version_id": ex.prompt_version_id,
        # A blocked input leaves no trace of its text, not even a hash that could be brute-forced (DP-1).
        "input_sha256": _sha(_input_bytes(ex)) if ex.persist_raw else "withheld",
        "input_chars": sum(len(m.content) for m in ex.messages),
        "output_sha256": _sha(output) if output else None,
        "output_chars": len(ex.output),
        "prompt_tokens": ex.usage.prompt_tokens,
        "completion_tokens": ex.usage.completion_tokens,
        "cost": round(cost, 8),
        "latency_ms": latency_ms,
        "ttft_ms": None if ex.ttft_ms is None else round(ex.ttft_ms, 3),
        "status": ex.status,
        "error_code": ex.error_code,
        "stream": ex.params.stream,
        "verdicts": _verdicts(ex),
        "retrieved": [c.get("chunk_id") for c in ex.context] or None,
        "has_raw": False,
        "subject_id": ex.subject_id,
        "officer": ex.officer,
        "training_consent": ex.training_consent,
        "cache": ex.cache.result if ex.cache is not None else None,
        "created_at": utcnow(),
    }


def _verdicts(ex: Exchange) -> list[dict[str, Any]]:
    verdicts = [v.as_record() for v in ex.verdicts]
    tools = tool_record(ex)  # hashes of tool calls and results (charter.gateway.tools)
    if tools is not None:
        verdicts.append(tools)
    return verdicts


async def record(ex: Exchange, rt: Runtime) -> str:
    """Store the exchange; returns the interaction id once it is committed (fails closed). Then it
    is counted in the metrics and traced (telemetry: neither can fail the exchange)."""
    started = time.time_ns()
    interaction_id = new_id("int")
    row = build_row(ex, interaction_id)
    raw_row = None
    if ex.persist_raw:
        content: dict[str, Any] = {
            "messages": [_message(m) for m in ex.messages],
            "prompt_messages": None if ex.prompt_messages is None else [_message(m) for m in ex.prompt_messages],
            "output": ex.output,
        }
        if ex.model_tool_calls or ex.tool_calls:
            content["tool_calls"] = ex.tool_calls  # as released (None: withheld)
            content["model_tool_calls"] = ex.model_tool_calls or ex.tool_calls  # as the model wrote them
        raw = orjson.dumps(content)
        sealed = keyring(rt).seal(raw, interaction_id.encode())
        raw_row = {"interaction_id": interaction_id, "tenant_id": row["tenant_id"], **sealed.as_dict()}
        row["has_raw"] = True
    event = ledger.interaction_event(row)
    writes = list(ex.writes)
    observed = drift.observation_write(ex)  # monitor: language, segments (none without monitor:)
    if observed is not None:
        writes.append(observed)
    actor = ex.principal.key_id

    def write(conn: Connection) -> None:
        conn.execute(_INSERT_INTERACTION, row)
        if raw_row is not None:
            conn.execute(_INSERT_RAW, raw_row)
        ledger.append(
            conn,
            tenant_id=row["tenant_id"],
            actor=actor,
            action="interaction.recorded",
            subject=interaction_id,
            event=event,
        )
        for extra in writes:
            extra(conn, interaction_id)

    try:
        await rt.writer.awrite(write)
    except CharterError as exc:  # not recorded (fails closed): still counted, as the error the client gets
        observe_exchange(rt, ex, failed=exc.code)
        raise
    budget = ex.charter.budget
    if budget is not None and row["cost"] > 0:  # never raises: the next admission refuses if it must
        await meter_of(rt).charge(row["tenant_id"], ex.use_case_id, ex.charter.name, budget, row["cost"])
    ended = time.time_ns()
    ex.stage_times.append(("record", started, ended))
    observe_exchange(rt, ex)
    trace_exchange(rt, ex, interaction_id, ended)
    drift.sample_embedding(rt, ex, interaction_id)  # opt-in, in the background, after the commit
    return interaction_id
