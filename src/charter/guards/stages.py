"""The guard stages of the governed path: ``screen_input``, ``screen_output`` and, for streamed
answers, ``screen_output_stream``.

Each guard the charter turns on runs over the text in charter order; its action applies at once
(a redaction is what the next guard, and the provider, see). On the input side a guard sees the
messages in the roles its charter entry lists (:mod:`charter.guards.views`). Texts screened before
are answered from the verdict cache; what is left runs on the event loop when short and in a worker
thread when long, so a big prompt does not stall the event loop.

Short scans due on the event loop run together at its next turn (:func:`_scan_soon`), grouped by
guard: under load one guard then scans the texts of several requests one after the other, while its
patterns, lexicons and model weights are in the CPU's caches, instead of once per request between
the HTTP, store and provider work that evicts them (guard benchmark's traffic, caches flushed
between requests as serving does: 1.1 ms of guard CPU a request one request at a time, 0.75 four
together, 0.67 eight; 0.65 with warm caches). A request has one scan due at a time and waits for
it, so what it sees is as before: each scan, its findings and its failure (fail closed) are its own.
Two requests that bring the same unscreened text in the same turn both scan it (the same result;
neither is counted as ``cached``), as when one of them runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from functools import partial
from typing import TypeVar

from charter.domain import ContentFilter, Exchange, Finding, Grounding
from charter.domain.charter import GuardPolicy
from charter.guards.actions import (
    CHUNK_GUARDS,
    Active,
    Screening,
    active_guards,
    assemble,
    context_for,
    flag,
    plan,
    redact_messages,
    refuse,
    restore_allowed,
    restore_masked,
    run_jobs,
    screen,
    shared_context,
    verdict,
)
from charter.guards.base import GuardContext
from charter.guards.cache import Digests
from charter.guards.catalog import guard_set
from charter.guards.jsontext import is_json, redact_json, restore_json
from charter.guards.vault import Vault, redact
from charter.guards.views import View, role_views, seams, single
from charter.runtime import Runtime

__all__ = ["JSON_UNREDACTABLE", "screen_input", "screen_output", "screen_output_stream", "screen_tool_arguments"]

INLINE_CHARS = 1024  # unscreened text up to this size is screened on the event loop (0.4-1.7 ms a KB)
STREAM_WINDOW = 400  # characters of earlier answer a streamed sentence is screened with
STREAM_MAX_BUFFER = 600  # a "sentence" longer than this is cut at a space
_SENTENCE_END = re.compile(r"[.!?;:](?=\s)|\n")
T = TypeVar("T")


async def _call(size: int, fn: Callable[[], T]) -> T:
    if size <= INLINE_CHARS:
        return fn()
    return await asyncio.to_thread(fn)


class _Due:
    """The scans queued on one event loop for its next turn."""

    __slots__ = ("loop", "scans")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.scans: list[tuple[str, Callable[[], None], asyncio.Future[None]]] = []

    def run(self) -> None:
        if getattr(_due, "current", None) is self:
            _due.current = None  # scans queued from here on wait for the next turn
        # one guard's scans one after the other (each request has one scan here: the order between
        # requests changes nothing a request sees)
        scans = sorted(self.scans, key=_guard_of)
        for i, (_, fn, done) in enumerate(scans):
            if done.cancelled():  # its request is gone: nobody reads the result
                continue
            try:
                fn()
            except Exception as exc:  # the scan's own failure (run_guard fails closed), for its request only
                done.set_exception(exc)
            except BaseException:  # the process is stopping: no request waits for ever
                for _, _, waiting in scans[i:]:
                    waiting.cancel()
                raise
            else:
                done.set_result(None)


def _guard_of(scan: tuple[str, Callable[[], None], asyncio.Future[None]]) -> str:
    return scan[0]


_due = threading.local()  # one event loop runs on a thread at a time


async def _scan_soon(guard: str, fn: Callable[[], None]) -> None:
    """Run ``fn`` (a scan by ``guard``) on this event loop at its next turn, with the other scans
    due by then."""
    loop = asyncio.get_running_loop()
    due: _Due | None = getattr(_due, "current", None)
    if due is None or due.loop is not loop:
        due = _due.current = _Due(loop)
        loop.call_soon(due.run)
    done: asyncio.Future[None] = loop.create_future()
    due.scans.append((guard, fn, done))
    await done


async def _screen(active: Active, views: list[View], context: GuardContext, digests: Digests) -> Screening:
    """Screen ``views`` with one guard: cache first, then the rest on the event loop with the other
    requests' scans due at its next turn or, when long, in a thread."""
    jobs = plan(active, views, context, digests)
    todo = sum(len(j.view.text) for j in jobs if j.result is None)
    if todo > INLINE_CHARS:
        await asyncio.to_thread(run_jobs, active, jobs)
    elif todo:
        await _scan_soon(active.name, partial(run_jobs, active, jobs))
    return assemble(active, jobs)


async def screen_input(ex: Exchange, rt: Runtime) -> None:
    """Screen the caller's messages before anything else sees them (DP-1, PC-6)."""
    active = active_guards(ex, "input", guard_set(rt))
    if not active:
        return
    shared, digests = shared_context(ex, "input"), Digests()
    # the views of the messages, worked out once for the guards that screen the same roles (and the
    # seams once for those that read the conversation) until a redaction changes the messages
    by_roles: dict[tuple[str, ...], list[View]] = {}
    seams_now: list[View] | None = None
    for a in active:
        roles = a.policy.screened_roles
        views = by_roles.get(roles)
        if views is None:
            views = by_roles[roles] = role_views(ex.messages, roles)
        if "user" in roles and getattr(a.guard, "reads_conversation", False):
            if seams_now is None:
                seams_now = seams(ex.messages)
            views = views + seams_now
        context = context_for(ex, "input", a.policy, a.name, shared)
        s = await _screen(a, views, context, digests)
        verdict(ex, "screen_input", s, roles=list(roles))
        if not s.flagged:
            continue
        action = a.action
        if action == "block":
            raise refuse(ex, s, "input")
        if action == "redact":
            redact_messages(ex, s)
            by_roles.clear()
            seams_now = None
        elif action == "warn":
            flag(ex, a.name)


async def screen_tool_arguments(ex: Exchange, rt: Runtime, texts: list[str]) -> list[Screening]:
    """Screen the arguments of the model's tool calls (one JSON text each) with every input guard
    whose roles include ``tool`` (the default): they leave for a tool, so they are screened as
    ``data`` like a tool's result (PII on its way out, instructions planted for a tool). Returns one
    screening per guard, ``where`` giving the call each finding is in; acting on them (withhold the
    calls, redact, flag) is the caller's (charter.gateway.tools)."""
    out = []
    shared, digests = shared_context(ex, "input"), Digests()
    for a in active_guards(ex, "input", guard_set(rt)):
        if "tool" not in a.policy.screened_roles:
            continue
        context = replace(context_for(ex, "input", a.policy, a.name, shared), role="tool_call", source="data")
        views = [single(i, text, "tool_call", "data") for i, text in enumerate(texts)]
        s = await _screen(a, views, context, digests)
        verdict(ex, "screen_tool_calls", s)
        out.append(s)
    return out


def _apply_output(ex: Exchange, a: Active, s: Screening) -> bool:
    """Act on one guard's findings in ``ex.output``; False when the answer was cut."""
    action = a.action
    if action == "block":
        ex.output = ""
        ex.finish_reason = "content_filter"
        ex.persist_raw = False
        ex.content_filter = ContentFilter(a.name, tuple(sorted({f.type for f in s.findings})))
        flag(ex, a.name)
        return False
    if action == "redact":
        mode = str(a.policy.options.get("mode", "placeholder"))
        vault = Vault(ex.vault, keep=False)
        if not _json_answer(ex):
            ex.output = redact(ex.output, s.findings, mode, vault)
        elif (redacted := redact_json(ex.output, s.findings, mode, vault)) is not None:
            ex.output = redacted
        else:  # PII in a number or a literal: no placeholder fits there and keeps the JSON (its type)
            ex.output = ""
            ex.finish_reason = "content_filter"
            ex.persist_raw = False
            ex.content_filter = ContentFilter(a.name, tuple(sorted({f.type for f in s.findings})),
                                              reason=JSON_UNREDACTABLE)
            flag(ex, a.name)
            return False
    elif action == "warn":
        flag(ex, a.name)
    return True


JSON_UNREDACTABLE = ("json_unredactable: the answer is JSON (response_format) and what the guard found is not "
                     "inside a string value, so it cannot be replaced without changing the JSON")


def _json_answer(ex: Exchange) -> bool:
    """An answer held to JSON mode that is JSON now: guards change it inside string values only
    (charter.guards.jsontext). Not JSON (the model wrote free text, or was cut at ``max_tokens``):
    redacted as text; the JSON-mode check (charter.gateway.answer) tells the client."""
    return ex.params.json_mode and not ex.tool_calls and is_json(ex.output)


def _restore(ex: Exchange, text: str) -> str:
    """Put the caller's own values back (JSON-escaped inside a JSON answer; identifiers masked where the
    charter says ``restore: masked``)."""
    masked = restore_masked(ex)
    if _json_answer(ex):
        return restore_json(text, ex.vault, masked)
    return Vault(ex.vault).restore(text, masked)


def _streamed(ex: Exchange) -> bool:
    return any(v.stage == "screen_output" and v.detail.get("streamed") for v in ex.verdicts)


GROUNDING = "grounding"


def _note_grounding(ex: Exchange, s: Screening) -> None:
    """Keep the answer's grounding score for the oversee stage (``review.grounding_below``, read by
    charter.oversight.rules.grounding_score): the guard's risk is ``1 - grounding``."""
    ex.grounding = Grounding(round(1.0 - s.score, 4), s.active.name)


async def _score_grounding_for_review(ex: Exchange, rt: Runtime) -> None:
    """``review.grounding_below`` needs the grounding score even when the charter does not turn the
    ``grounding`` guard on: on a knowledge-grounded exchange, score the answer with the registered
    guard (not installed: 503 guard_unavailable, fail closed) without acting on it."""
    if ex.charter.review.grounding_below is None or ex.grounding is not None or not ex.output:
        return
    if not (ex.context or ex.charter.knowledge_bases):
        return  # nothing was meant to ground this answer: no score, the rule does not apply
    policy = ex.charter.guards.get(GROUNDING) or GuardPolicy()
    a = Active(GROUNDING, guard_set(rt).get(GROUNDING), policy)
    context = context_for(ex, "output", policy, GROUNDING)
    s = await _call(len(ex.output), partial(screen, a, [ex.output], context))
    v = ex.verdict("screen_output", "pass", guard=GROUNDING, version=a.guard.version, action="score",
                   score=round(s.score, 4), ms=round(s.ms, 3), reason="scored for review.grounding_below")
    v.findings = list(s.findings)
    _note_grounding(ex, s)


async def screen_output(ex: Exchange, rt: Runtime) -> None:
    """Screen a whole answer: PII leak, prompt leak, toxicity, ... then put pseudonyms back for a
    caller who may see them. A grounding guard's score is kept in ``ex.grounding``
    for the review rule (computed for it alone when the rule asks and no grounding guard ran)."""
    if _streamed(ex):
        return
    active = active_guards(ex, "output", guard_set(rt))
    shared, digests = (shared_context(ex, "output"), Digests()) if active else (None, None)
    for a in active:
        assert shared is not None and digests is not None
        context = context_for(ex, "output", a.policy, a.name, shared)
        s = await _screen(a, [single(0, ex.output, "answer", "answer")], context, digests)
        verdict(ex, "screen_output", s)
        if a.name in CHUNK_GUARDS:
            _note_grounding(ex, s)
        if s.flagged and not _apply_output(ex, a, s):
            return
    await _score_grounding_for_review(ex, rt)
    if restore_allowed(ex):
        ex.output = _restore(ex, ex.output)


def _cut(buffer: str, final: bool) -> int:
    """Where the complete sentences in ``buffer`` end (0: none yet)."""
    if final:
        return len(buffer)
    last = 0
    for m in _SENTENCE_END.finditer(buffer):
        last = m.end()
    if last == 0 and len(buffer) > STREAM_MAX_BUFFER:
        last = buffer.rfind(" ", 0, STREAM_MAX_BUFFER) + 1 or STREAM_MAX_BUFFER
    if last and "<" in buffer[last - 1:] and buffer.rfind("<", 0, last) > buffer.rfind(">", 0, last):
        return 0  # do not split a pseudonym token
    return last


class _StreamScreen:
    """Screens a streamed answer sentence by sentence, keeping verdict state across sentences."""

    def __init__(self, ex: Exchange, active: tuple[Active, ...]) -> None:
        self.ex = ex
        self.active = active
        self.screened = ""  # the answer so far, after redaction, before pseudonyms are restored
        self.found: dict[str, Screening] = {a.name: Screening(a) for a in active}
        shared = shared_context(ex, "output")
        self.contexts = {a.name: context_for(ex, "output", a.policy, a.name, shared) for a in active}
        self.cut = False

    def segment(self, text: str) -> str | None:
        """The segment as released (redacted), or None when a guard cut the answer here."""
        digests = Digests()
        for a in self.active:
            tail = self.screened[-STREAM_WINDOW:]
            offset = len(self.screened) - len(tail)
            s = screen(a, [tail + text], self.contexts[a.name], digests)
            local = [f for f in s.findings if f.end > len(tail)]
            total = self.found[a.name]
            total.ms += s.ms
            total.score = max(total.score, s.score)
            total.findings.extend(Finding(f.guard, f.type, f.start + offset, f.end + offset, f.score,
                                          f.guard_version) for f in local)
            if not (local or (s.flagged and not s.findings)):
                continue
            total.flagged = True
            action = a.policy.action.value
            if action == "block":
                self.cut = True
                return None
            if action == "redact":
                shifted = [Finding(f.guard, f.type, max(0, f.start - len(tail)), f.end - len(tail), f.score,
                                   f.guard_version) for f in local]
                text = redact(text, shifted, str(a.policy.options.get("mode", "placeholder")),
                              Vault(self.ex.vault, keep=False))
        self.screened += text
        return text

    def finish(self) -> None:
        ex = self.ex
        for name, s in self.found.items():
            verdict(ex, "screen_output", s, streamed=True)
            action = s.active.policy.action.value
            if s.flagged and action == "block":
                ex.finish_reason = "content_filter"
                ex.persist_raw = False
                ex.content_filter = ContentFilter(name, tuple(sorted({f.type for f in s.findings})))
                flag(ex, name)
            elif s.flagged and action == "warn":
                flag(ex, name)


async def screen_output_stream(ex: Exchange, rt: Runtime, chunks: AsyncIterator[str]) -> AsyncIterator[str]:
    """Screen a streamed answer by sentence, or hold it until complete when a guard's options say
    ``stream: hold``. A cut answer stops and ends with ``finish_reason = "content_filter"``."""
    active = active_guards(ex, "output", guard_set(rt))
    restore, masked = restore_allowed(ex), restore_masked(ex)
    if not active and not restore:
        async for chunk in chunks:
            yield chunk
        return
    vault = Vault(ex.vault)
    # JSON mode: a sentence of JSON is not a string value; the answer is screened whole, so that a
    # redaction or a restored value stays inside its string (charter.guards.jsontext)
    if ex.params.json_mode or any(a.policy.options.get("stream") == "hold" for a in active):
        ex.output = "".join([chunk async for chunk in chunks])
        await screen_output(ex, rt)
        ex.verdict("screen_output", "pass", streamed=True, held=True)
        if ex.output:
            yield ex.output
        return
    state = _StreamScreen(ex, active)
    buffer = ""
    try:
        async for chunk in chunks:
            buffer += chunk
            cut = _cut(buffer, final=False)
            if not cut:
                continue
            released = await _call(cut, partial(state.segment, buffer[:cut]))
            buffer = buffer[cut:]
            if released is None:
                break
            if released:
                yield vault.restore(released, masked) if restore else released
        else:
            if buffer:
                released = await _call(len(buffer), partial(state.segment, buffer))
                if released:
                    yield vault.restore(released, masked) if restore else released
    finally:
        state.finish()
        closer = getattr(chunks, "aclose", None)
        if state.cut and closer is not None:
            await closer()
