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
from typing import Any

import orjson
from sqlalchemy import Connection

from charter import ledger
from charter.domain import Exchange
from charter.interactions.crypto import keyring
from charter.runtime import Runtime
from charter.store.schema import interaction_raw, interactions, new_id, utcnow

__all__ = ["build_row", "record"]

_INSERT_INTERACTION = interactions.insert()
_INSERT_RAW = interaction_raw.insert()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _input_bytes(ex: Exchange) -> bytes:
    return orjson.dumps([{"role": m.role, "content": m.content} for m in ex.messages])


def build_row(ex: Exchange, interaction_id: str) -> dict[str, Any]:
    model = ex.model
    cost = 0.0
    if model is not None:
        cost = (
            ex.usage.prompt_tokens * model.price_prompt_per_1k
            + ex.usage.completion_tokens * model.price_completion_per_1k
        ) / 1000.0
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
        "latency_ms": round(ex.elapsed_ms, 3),
        "ttft_ms": None if ex.ttft_ms is None else round(ex.ttft_ms, 3),
        "status": ex.status,
        "error_code": ex.error_code,
        "stream": ex.params.stream,
        "verdicts": [v.as_record() for v in ex.verdicts],
        "retrieved": [c.get("chunk_id") for c in ex.context] or None,
        "has_raw": False,
        "created_at": utcnow(),
    }


async def record(ex: Exchange, rt: Runtime) -> str:
    """Store the exchange; returns the interaction id once it is committed (fails closed)."""
    interaction_id = new_id("int")
    row = build_row(ex, interaction_id)
    raw_row = None
    if ex.persist_raw:
        raw = orjson.dumps(
            {
                "messages": [{"role": m.role, "content": m.content} for m in ex.messages],
                "prompt_messages": None
                if ex.prompt_messages is None
                else [{"role": m.role, "content": m.content} for m in ex.prompt_messages],
                "output": ex.output,
            }
        )
        sealed = keyring(rt).seal(raw, interaction_id.encode())
        raw_row = {"interaction_id": interaction_id, "tenant_id": row["tenant_id"], **sealed.as_dict()}
        row["has_raw"] = True
    event = ledger.interaction_event(row)
    writes = list(ex.writes)
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

    await rt.writer.awrite(write)
    return interaction_id
