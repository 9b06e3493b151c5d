"""What the record stage keeps for drift and bias detection, for use cases whose charter has
``monitor:`` (nothing otherwise).

Per interaction, in its own transaction (:func:`observation_write`): the detected language, the values
of the ``metadata`` keys the charter names as segments (no other key of the request's metadata is
kept) and whether the answer reads as a refusal to answer. No text.

Opt-in, for a sample of requests (``monitor.embeddings.sample_rate``), after the interaction is
committed (:func:`sample_embedding`): the embedding of the input as the guards left it (redacted
where a redact guard acted), as float16. An embedding is not the text, but it can be partly inverted
(embedding-inversion attacks recover much of a short input), so it is treated as personal data: kept
only for use cases that opt in, only for a sample, never for a blocked input (DP-1), deleted with its
interaction (retention, erasure) and pruned once older than the monitor's two windows
(:func:`charter.monitor.drift.run.prune_embeddings`). The raw tier is never read for drift: it stays
encrypted and auditor-only.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection

from charter.domain import Exchange
from charter.domain.charter import EmbeddingSample
from charter.knowledge.state import state as knowledge_state
from charter.monitor.drift.language import declined, detect_language
from charter.monitor.drift.tables import drift_embeddings, drift_observations
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = ["DriftState", "drift_state", "input_text", "observation_write", "sample_embedding", "segment_values"]

log = logging.getLogger(__name__)

_INSERT_OBSERVATION = drift_observations.insert()
_INSERT_EMBEDDING = drift_embeddings.insert()
_MAX_VALUE = 64
_PENDING_LIMIT = 256


@dataclass
class DriftState:
    """This process's embedding tasks in flight (cancelled when the runtime closes)."""

    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    rng: random.Random = field(default_factory=random.Random)

    def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        self.tasks.clear()


def drift_state(rt: Runtime) -> DriftState:
    return rt.part("drift", DriftState, lambda: DriftState())


def input_text(ex: Exchange) -> str:
    """What the caller asked: the user messages, as the input guards left them."""
    return "\n".join(m.content for m in ex.messages if m.role == "user")


def segment_values(metadata: dict[str, Any], segments: list[str]) -> dict[str, str]:
    """The charter-named ``metadata.<key>`` values of a request: a string, number or boolean, cut to
    64 characters; ``(none)`` when absent, ``(other)`` for any other type."""
    values: dict[str, str] = {}
    for name in segments:
        if not name.startswith("metadata."):
            continue
        value = metadata.get(name.removeprefix("metadata."))
        if value is None:
            values[name] = "(none)"
        elif isinstance(value, bool):
            values[name] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            values[name] = str(value)[:_MAX_VALUE]
        else:
            values[name] = "(other)"
    return values


def observation_write(ex: Exchange) -> Callable[[Connection, str], None] | None:
    """The write that notes this exchange for drift detection (None when the charter has no monitor)."""
    monitor = ex.charter.monitor
    if monitor is None:
        return None
    row: dict[str, Any] = {
        "tenant_id": ex.principal.tenant_id,
        "use_case_id": ex.use_case_id,
        "language": detect_language(input_text(ex)),
        "segments": segment_values(ex.metadata, monitor.segments),
        "declined": ex.status == "ok" and declined(ex.output),
        "created_at": utcnow(),
    }

    def write(conn: Connection, interaction_id: str) -> None:
        conn.execute(_INSERT_OBSERVATION, {**row, "interaction_id": interaction_id})

    return write


def sample_embedding(rt: Runtime, ex: Exchange, interaction_id: str) -> None:
    """Maybe embed this exchange's input in the background (telemetry: a failure is logged, the answer
    has gone already)."""
    monitor = ex.charter.monitor
    sample = monitor.embeddings if monitor is not None else None
    if sample is None or not ex.persist_raw:
        return
    st = drift_state(rt)
    if len(st.tasks) >= _PENDING_LIMIT or st.rng.random() >= sample.sample_rate:
        return
    text = input_text(ex)[-sample.max_chars :]
    if not text.strip():
        return
    row = {"interaction_id": interaction_id, "tenant_id": ex.principal.tenant_id, "use_case_id": ex.use_case_id}
    task = asyncio.get_running_loop().create_task(_embed_and_store(rt, sample, row, text))
    st.tasks.add(task)
    task.add_done_callback(st.tasks.discard)


async def _embed_and_store(rt: Runtime, sample: EmbeddingSample, row: dict[str, Any], text: str) -> None:
    try:
        embedder = await asyncio.to_thread(
            knowledge_state(rt).embedder, sample.embedder, dict(sample.options), tenant_id=row["tenant_id"]
        )
        vector = (await asyncio.to_thread(embedder.embed, [text]))[0]
        stored = {
            **row,
            "embedder": f"{embedder.name}:{embedder.model}"[:200],
            "dims": int(vector.shape[0]),
            "vector": np.asarray(vector, dtype="<f2").tobytes(),
            "created_at": utcnow(),
        }
        await rt.writer.awrite(lambda conn: conn.execute(_INSERT_EMBEDDING, stored))
    except asyncio.CancelledError:
        raise
    except Exception:
        log.warning("drift: could not keep the input embedding of %s", row["interaction_id"], exc_info=True)
