"""The response cache (RR-2): a repeated question answered without calling the model, still governed.

On only for a use case whose charter has ``cache:`` (docs/charter.md). The pipeline runs
:func:`lookup` after the route stage and :func:`remember` once the exchange is recorded:

    admit → screen_input → ground → compose → route → **lookup** → (generate) → screen_output →
    oversee → record → **remember**

* **The key** is a SHA-256 over the tenant, the use case, the charter version, the prompt version,
  every model entry the route may use (id, platform model, version), the generation parameters
  (all but ``stream``) and the messages the model would get (the rendered prompt, the retrieved
  context and the conversation). Any change of one of them is another key: an answer made under an
  older charter, prompt, model or knowledge is never found again. ``Runtime.policy_changed`` also
  empties the in-memory store of the process at once.
* **semantic** mode also looks for the nearest question (the last user message, embedded with the
  charter's embedder) among the answers cached under the same key parts but the question (the
  *partition*: charter, prompt, models, parameters and the earlier messages), served when its cosine
  similarity is at least ``cache.threshold``.
* **Never cached**: a request with per-user ``metadata.variables``, with tools, or in which an input
  guard found something (PII above all); an answer an output guard flagged or changed, a cut or held
  answer, one not ``ok``. A cached answer that an output guard flags when it is served again is dropped.
* **A hit** is still screened by the output guards, checked (JSON mode), overseen (it may be held or
  sampled for review like any answer) and recorded as its own interaction, with ``cache = "hit"``
  (the column, and so its ledger entry) and a ``cache`` verdict naming the interaction whose answer
  it is. It costs nothing (``cost`` 0); its usage is that answer's.
* **Fail open on the cache, never on governance.** A store or embedder that fails makes the lookup
  a miss (``result = "error"``, counted in ``charter_cache_lookups_total``; Redis is then left
  alone for :data:`PAUSE_S` seconds) and the request goes on to the model; a failed write is logged.
  In Redis the answers are sealed with the raw-tier key ring (AES-GCM, the key as associated data).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from typing import Any

import numpy as np
import orjson

from charter.domain import CacheNote, ChatMessage, Exchange
from charter.domain.charter import ResponseCachePolicy
from charter.gateway.state import gateway_of
from charter.interactions.crypto import Sealed, keyring
from charter.knowledge.state import state as knowledge_state
from charter.providers.router import Route
from charter.runtime import Runtime

__all__ = ["CACHE_HEADER", "PAUSE_S", "lookup", "remember"]

log = logging.getLogger(__name__)

#: The response header that says what the cache did (``hit``, ``miss``, ``error``, ``bypass``).
CACHE_HEADER = "x-charter-cache"
#: After a store error, this process skips the store for this long (every lookup an ``error``).
PAUSE_S = 5.0
_FLAGGED = ("warn", "redact", "block", "review")


def _message(m: ChatMessage) -> dict[str, Any]:
    item: dict[str, Any] = {"role": m.role, "content": m.content, "name": m.name}
    for extra in ("tool_calls", "tool_call_id"):
        value = getattr(m, extra, None)
        if value is not None:
            item[extra] = value
    return item


def _digest(parts: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _base(ex: Exchange, planned: Route) -> dict[str, Any]:
    params = dataclasses.asdict(ex.params)
    params.pop("stream", None)
    params.pop("include_usage", None)
    models = sorted([e.id, e.platform_model_id, e.version] for alias in planned.chain for e in alias)
    return {
        "v": 1,
        "tenant": ex.principal.tenant_id,
        "use_case": ex.use_case_id,
        "charter_version": ex.charter_version,
        "prompt_version": ex.prompt_version_id,
        "models": models,
        "params": params,
    }


def _flagged(ex: Exchange, stage: str) -> bool:
    return any(v.stage == stage and (v.findings or v.outcome in _FLAGGED) for v in ex.verdicts)


def _bypass(ex: Exchange) -> str | None:
    """Why this request's answer may not come from, or go into, the cache (None: it may)."""
    if ex.variables:
        return "variables"
    if getattr(ex.params, "tools", None):
        return "tools"
    if ex.vault or _flagged(ex, "screen_input"):
        return "input_finding"
    return None


def _question(ex: Exchange) -> str | None:
    last = ex.messages[-1] if ex.messages else None
    return last.content if last is not None and last.role == "user" and last.content else None


def _paused(rt: Runtime) -> bool:
    return gateway_of(rt).responses.paused_until > time.monotonic()


def _pause(rt: Runtime) -> None:
    store = gateway_of(rt).responses
    if store.shared:
        store.paused_until = time.monotonic() + PAUSE_S


def _seal(rt: Runtime, key: str, value: bytes) -> bytes:
    sealed = keyring(rt).seal(value, key.encode())
    return orjson.dumps({"k": sealed.kek_version, "w": sealed.wrapped_dek.hex(), "n": sealed.nonce.hex(),
                         "c": sealed.ciphertext.hex()})


def _unseal(rt: Runtime, key: str, value: bytes) -> bytes:
    box = orjson.loads(value)
    sealed = Sealed(int(box["k"]), bytes.fromhex(box["w"]), bytes.fromhex(box["n"]), bytes.fromhex(box["c"]))
    return keyring(rt).open(sealed, key.encode())


async def _embed(ex: Exchange, rt: Runtime, policy: ResponseCachePolicy, text: str) -> np.ndarray[Any, Any]:
    embedder = await asyncio.to_thread(
        knowledge_state(rt).embedder, policy.embedder_name, dict(policy.options), tenant_id=ex.principal.tenant_id
    )
    vectors = await asyncio.to_thread(embedder.embed, [text])
    return np.asarray(vectors[0], dtype=np.float32)


async def _read(ex: Exchange, rt: Runtime, note: CacheNote, policy: ResponseCachePolicy) -> dict[str, Any] | None:
    """The cached entry for this exchange: by its exact key, else (semantic) the nearest question."""
    store = gateway_of(rt).responses
    assert note.key is not None
    raw = await store.get(note.key)
    key = note.key
    if raw is None and note.partition is not None:
        question = _question(ex)
        assert question is not None
        vector = await _embed(ex, rt, policy, question)
        note.vector = vector.tobytes()
        near = await store.nearest(note.partition, vector)
        if near is not None and near[1] >= policy.similarity:
            key = near[0]
            raw = await store.get(key)
            if raw is None:
                await store.forget(key, note.partition)
            else:
                note.similarity = round(near[1], 4)
    if raw is None:
        return None
    entry: dict[str, Any] = orjson.loads(_unseal(rt, key, raw) if store.shared else raw)
    entry["key"] = key
    return entry


def _serve(ex: Exchange, note: CacheNote, entry: dict[str, Any], planned: Route) -> bool:
    model = next((e for alias in planned.chain for e in alias if e.id == entry["model_id"]), None)
    if model is None:
        return False
    ex.model = model
    ex.output = ex.model_output = str(entry["output"])
    ex.finish_reason = str(entry["finish_reason"])
    ex.logprobs = entry.get("logprobs")
    if note.similarity is None:  # an exact hit: the same prompt, so the same prompt tokens
        ex.usage.prompt_tokens = int(entry["prompt_tokens"])
    ex.usage.completion_tokens = int(entry["completion_tokens"])
    note.result, note.source = "hit", str(entry["interaction_id"])
    note.mode = "exact" if note.similarity is None else "semantic"  # how it was found
    note.key = str(entry["key"])  # the entry served: dropped if a guard flags it now
    return True


async def lookup(ex: Exchange, rt: Runtime, planned: Route) -> bool:
    """Answer from the cache when the charter turns it on and an answer is there (True: ``ex.output``
    and ``ex.model`` are the cached answer's; go on to screen_output). Never raises."""
    policy = ex.charter.cache
    if policy is None:
        return False
    reason = _bypass(ex)
    if reason is not None:
        ex.cache = CacheNote("bypass", policy.mode)
        ex.verdict("cache", "skip", result="bypass", reason=reason)
        ex.response_headers[CACHE_HEADER] = "bypass"
        return False
    base = _base(ex, planned)
    prompt = ex.prompt_messages if ex.prompt_messages is not None else ex.messages
    note = ex.cache = CacheNote("miss", policy.mode, key=_digest({**base, "messages": [_message(m) for m in prompt]}))
    if policy.mode == "semantic" and _question(ex) is not None:
        note.partition = _digest({**base, "history": [_message(m) for m in ex.messages[:-1]]})
    hit = False
    if _paused(rt):
        note.result = "error"
    else:
        try:
            entry = await _read(ex, rt, note, policy)
            hit = entry is not None and _serve(ex, note, entry, planned)
        except Exception as exc:  # a cache is an optimisation: a read that fails is a miss (counted)
            log.warning("request %s: the response cache could not be read (%s); answered as a miss",
                        ex.request_id, type(exc).__name__)
            note.result = "error"
            _pause(rt)
    detail: dict[str, Any] = {"result": note.result, "mode": note.mode}
    if hit:
        detail["of"] = note.source
        if note.similarity is not None:
            detail["similarity"] = note.similarity
    ex.verdict("cache", "pass", **detail)
    ex.response_headers[CACHE_HEADER] = note.result
    return hit


def _storable(ex: Exchange) -> bool:
    return (
        ex.status == "ok"
        and ex.held_review_id is None
        and ex.content_filter is None
        and ex.persist_raw
        and ex.finish_reason in ("stop", "length")
        and bool(ex.output)
        and ex.output == ex.model_output
        and not ex.vault
        and not getattr(ex, "tool_calls", None)
        and not _flagged(ex, "screen_output")
        and ex.model is not None
    )


async def remember(ex: Exchange, rt: Runtime, interaction_id: str) -> None:
    """After the record: keep a missed answer that may be cached, or drop a served one an output
    guard flagged this time. Never raises (a write that fails is logged)."""
    note, policy = ex.cache, ex.charter.cache
    if note is None or policy is None or note.key is None or note.result == "bypass":
        return
    store = gateway_of(rt).responses
    try:
        if note.result == "hit":
            if not _storable(ex) and ex.held_review_id is None:
                await store.forget(note.key, note.partition)
            return
        if note.result == "error" or not _storable(ex) or _paused(rt):
            return
        assert ex.model is not None
        entry = orjson.dumps({
            "output": ex.output,
            "finish_reason": ex.finish_reason,
            "logprobs": ex.logprobs,
            "model_id": ex.model.id,
            "prompt_tokens": ex.usage.prompt_tokens,
            "completion_tokens": ex.usage.completion_tokens,
            "interaction_id": interaction_id,
        })
        value = _seal(rt, note.key, entry) if store.shared else entry
        await store.put(note.key, value, policy.ttl_s, note.partition, note.vector)
    except Exception as exc:  # the answer is recorded and on its way: the cache just does not keep it
        log.warning("request %s: the response cache could not keep the answer (%s)", ex.request_id,
                    type(exc).__name__)
        _pause(rt)
