"""What a charter's guard action does to an exchange: block, redact, warn, review or nothing.

One guard's pass over one or more texts (:class:`~charter.guards.views.View`) is a
:class:`Screening`; a text screened before with the same guard, options and context is answered
from the verdict cache (:mod:`charter.guards.cache`). Findings go into the stage verdict as type,
offsets into the message they are in, score and guard version -- never the matched value (DP-3).
The value of ``x-charter-guard-flags`` lists every guard that warned or cut the answer, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charter.domain import Charter, ChatMessage, Exchange, Finding, StageVerdict
from charter.domain.charter import GuardAction, GuardPolicy
from charter.errors import ContentFiltered, Unavailable
from charter.guards.base import Direction, Guard, GuardContext, GuardResult, Source
from charter.guards.cache import Digests, VerdictCache
from charter.guards.catalog import GuardSet, run_guard
from charter.guards.vault import Vault, redact
from charter.guards.views import View, place, single

__all__ = [
    "CHUNK_GUARDS",
    "FLAGS_HEADER",
    "Active",
    "Job",
    "Screening",
    "active_guards",
    "assemble",
    "context_for",
    "flag",
    "plan",
    "redact_messages",
    "refuse",
    "restore_allowed",
    "restore_masked",
    "run_jobs",
    "screen",
    "shared_context",
    "verdict",
]

FLAGS_HEADER = "x-charter-guard-flags"
DEFAULT_RESTORE_ROLES = ("app", "developer", "admin")


@dataclass(slots=True, frozen=True)
class Active:
    name: str
    guard: Guard
    policy: GuardPolicy
    cache: VerdictCache | None = None
    #: Worked out once (an Active is made once per charter and direction): the action's name, and
    #: the verdict cache to consult (None: no cache, or the guard says it is not ``cacheable``).
    action: str = field(init=False, repr=False, compare=False)
    lookup: VerdictCache | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", self.policy.action.value)
        object.__setattr__(self, "lookup", self.cache if getattr(self.guard, "cacheable", True) else None)


@dataclass(slots=True)
class Screening:
    active: Active
    findings: list[Finding] = field(default_factory=list)  # at or above the threshold
    where: list[int] = field(default_factory=list)  # index of the message (or text) each finding is in
    score: float = 0.0
    flagged: bool = False
    ms: float = 0.0
    texts: int = 0  # texts screened (cached or not)
    cached: int = 0  # of which answered from the verdict cache
    conversation: bool = False  # the joined turns flagged what no single turn did


def effective_directions(guard: Guard, policy: GuardPolicy) -> tuple[str, ...]:
    """What the charter has the guard screen: its ``directions`` list, else the guard's default."""
    if policy.directions is None:
        return tuple(getattr(guard, "default_directions", guard.directions))
    return tuple(policy.directions)


def active_guards(ex: Exchange, direction: Direction, guards: GuardSet) -> tuple[Active, ...]:
    """The charter's guards that are on and screen ``direction`` (a missing guard fails closed, and
    so does a charter that asks a guard for a direction it cannot screen); worked out once per
    charter and direction (:meth:`GuardSet.per_charter`)."""
    charter = ex.charter
    return guards.per_charter(charter, direction, lambda: _active_guards(charter, direction, guards))


def _active_guards(charter: Charter, direction: Direction, guards: GuardSet) -> tuple[Active, ...]:
    out = []
    for name, policy in charter.guards.items():
        if policy.action is GuardAction.off:
            continue
        guard = guards.get(name)
        wanted = effective_directions(guard, policy)
        unable = [d for d in wanted if d not in guard.directions]
        if unable:
            raise Unavailable(
                f"the charter asks guard {name!r} to screen {', '.join(unable)}, which it cannot (it screens "
                f"{', '.join(d for d in guard.directions if d != 'context')}); fix its `directions` in the charter",
                code="guard_unavailable",
            )
        if direction in wanted:
            out.append(Active(name, guard, policy, guards.cache))
    return tuple(out)


#: Guards that score an answer against the retrieved chunks; they get them as ``options["chunks"]``.
CHUNK_GUARDS = frozenset({"grounding"})


def context_for(
    ex: Exchange, direction: Direction, policy: GuardPolicy, guard: str | None = None,
    shared: GuardContext | None = None,
) -> GuardContext:
    """What guard ``guard`` may know besides the text. On a knowledge-grounded exchange an output
    guard in :data:`CHUNK_GUARDS` gets exactly the retrieved chunks as ``options["chunks"]`` (none
    retrieved: an empty list, so nothing supports the answer), never the caller's own messages.
    ``shared``: :func:`shared_context` of the same exchange and direction, worked out once for all
    the stage's guards (their system prompt and authorised texts are the same)."""
    options = dict(policy.options)
    if direction == "output" and guard in CHUNK_GUARDS and (ex.context or ex.charter.knowledge_bases):
        options["chunks"] = [str(c.get("text", "")) for c in ex.context]
    base = shared if shared is not None else shared_context(ex, direction)
    return GuardContext(direction=direction, use_case=base.use_case, role=base.role, source=base.source,
                        system_prompt=base.system_prompt, authorised_texts=base.authorised_texts,
                        options=options, threshold=policy.threshold)


def shared_context(ex: Exchange, direction: Direction) -> GuardContext:
    """The part of a guard's context that is the same for every guard of a stage: the system
    prompt (the charter's, and the application's system messages once composed) and, for output,
    the authorised texts (the caller's messages, the retrieved chunks, the caller's own values)."""
    system = ex.charter.system_prompt
    if ex.prompt_messages:
        system = "\n".join([system, *(m.content for m in ex.prompt_messages if m.role == "system")])
    authorised: list[str] = []
    if direction == "output":
        authorised = [m.content for m in ex.messages]
        authorised += [str(c.get("text", "")) for c in ex.context]
        authorised += list(ex.vault.values())
    source: Source = "answer" if direction == "output" else "user"
    return GuardContext(direction=direction, use_case=ex.charter.name, role=source, source=source,
                        system_prompt=system, authorised_texts=authorised)


@dataclass(slots=True)
class Job:
    """One text for one guard: its context, its cache key and, once known, its result."""

    view: View
    context: GuardContext
    key: bytes | None
    result: GuardResult | None = None
    cached: bool = False
    ms: float = 0.0


def plan(active: Active, views: list[View], context: GuardContext, digests: Digests | None = None) -> list[Job]:
    """A job per view, already answered where the verdict cache holds the text (cheap: hashing;
    ``digests`` shares the hashing with the stage's other guards)."""
    cache = active.lookup
    if cache is not None and digests is None:
        digests = Digests()
    jobs: list[Job] = []
    # (role, source) -> its context and that context's key; the first view's kind is nearly always
    # the only one (an answer; a guard's messages all from the caller)
    role, source = context.role, context.source
    context_key: bytes | None = None
    kinds: dict[tuple[str, str], tuple[GuardContext, bytes | None]] | None = None
    keyed = False
    for view in views:
        if not view.text:
            continue
        if view.role == role and view.source == source:
            ctx = context
            if not keyed:
                keyed = True
                context_key = cache.context_key(active.guard, ctx, digests) if cache is not None else None
            key_of = context_key
        else:
            if kinds is None:
                kinds = {}
            kind = kinds.get((view.role, view.source))
            if kind is None:
                ctx = GuardContext(
                    direction=context.direction, use_case=context.use_case, role=view.role, source=view.source,
                    system_prompt=context.system_prompt, authorised_texts=context.authorised_texts,
                    options=context.options, threshold=context.threshold)
                kind = kinds[(view.role, view.source)] = (
                    ctx, cache.context_key(active.guard, ctx, digests) if cache is not None else None)
            ctx, key_of = kind
        if cache is None or key_of is None or digests is None:
            jobs.append(Job(view, ctx, None))
            continue
        key = key_of + digests.text(view.text)
        found = cache.get(key)
        jobs.append(Job(view, ctx, key, found, found is not None))
    return jobs


def run_jobs(active: Active, jobs: list[Job]) -> None:
    """Scan what the cache did not answer (fails closed); thread-safe."""
    for job in jobs:
        if job.result is None:
            job.result, job.ms = run_guard(active.guard, job.view.text, job.context)
            if job.key is not None and active.cache is not None:
                active.cache.put(job.key, job.result)


def assemble(active: Active, jobs: list[Job]) -> Screening:
    """The guard's findings at or above its threshold, placed in the texts they are in."""
    out = Screening(active)
    threshold = active.policy.threshold
    seen: set[tuple[int, str, int, int]] = set()
    ms = score = 0.0
    cached = 0
    for job in jobs:
        found = job.result
        assert found is not None
        ms += job.ms
        cached += job.cached
        if found.score > score:
            score = found.score
        if not found.findings and found.verdict != "flag":  # nearly every text: nothing to place
            continue
        kept = [f for f in found.findings if f.score >= threshold]
        flagged = bool(kept) or (found.verdict == "flag" and found.score >= threshold)
        new = False
        for f in kept:
            for index, piece in place(job.view, f):
                mark = (index, piece.type, piece.start, piece.end)
                if mark not in seen:
                    seen.add(mark)
                    out.findings.append(piece)
                    out.where.append(index)
                    new = True
        if job.view.joined and flagged and (new or not out.flagged):
            out.conversation = True
        out.flagged |= flagged
    out.ms, out.score, out.texts, out.cached = ms, score, len(jobs), cached
    return out


def screen(active: Active, texts: list[str], context: GuardContext, digests: Digests | None = None) -> Screening:
    """Run one guard over several texts, on this thread (fails closed)."""
    views = [single(i, t, context.role, context.source) for i, t in enumerate(texts)]
    jobs = plan(active, views, context, digests)
    run_jobs(active, jobs)
    return assemble(active, jobs)


def outcome_of(s: Screening) -> str:
    if not s.flagged:
        return "pass"
    return s.active.action  # block, redact, warn or review


def verdict(ex: Exchange, stage: str, s: Screening, **extra: Any) -> None:
    """The guard's stage verdict (what :meth:`Exchange.verdict` would append, built in one go)."""
    a = s.active
    detail: dict[str, Any] = {"guard": a.name, "version": a.guard.version, "action": a.action,
                              "score": round(s.score, 4), "ms": round(s.ms, 3)}
    if extra:
        detail.update(extra)
    if s.where and any(s.where):
        detail["text_index"] = list(s.where)
    if s.cached:
        detail["cached"] = s.cached
    if s.conversation:
        detail["conversation"] = True
    ex.verdicts.append(StageVerdict(stage, a.action if s.flagged else "pass", detail,  # type: ignore[arg-type]
                                    list(s.findings)))


def flag(ex: Exchange, name: str) -> None:
    current = [n for n in ex.response_headers.get(FLAGS_HEADER, "").split(",") if n]
    if name not in current:
        current.append(name)
    ex.response_headers[FLAGS_HEADER] = ",".join(current)


def refuse(ex: Exchange, s: Screening, direction: Direction) -> ContentFiltered:
    """The refusal for a blocked prompt; the blocked text must not be stored (DP-1)."""
    ex.persist_raw = False
    types = sorted({f.type for f in s.findings}) or ["flagged"]
    what = "prompt" if direction == "input" else "answer"
    return ContentFiltered(
        f"the {what} was refused by the {s.active.name!r} guard ({', '.join(types)}). Remove that content "
        "and try again, or ask the use case owner about its charter.",
        code="content_filter", param="messages", extra={"guard": s.active.name, "types": types},
    )


def redact_messages(ex: Exchange, s: Screening) -> None:
    """Replace the findings in ``ex.messages`` (``s.where`` says which message each is in)."""
    mode = str(s.active.policy.options.get("mode", "placeholder"))
    vault = Vault(ex.vault, keep=mode == "pseudonymise")
    by_message: dict[int, list[Finding]] = {}
    for f, i in zip(s.findings, s.where, strict=True):
        by_message.setdefault(i, []).append(f)
    for i in sorted(by_message):
        msg = ex.messages[i]
        ex.messages[i] = ChatMessage(msg.role, redact(msg.content, by_message[i], mode, vault), msg.name)


def restore_allowed(ex: Exchange) -> bool:
    """Pseudonyms go back into the answer only for a caller whose role the charter allows."""
    if not ex.vault:
        return False
    roles: Any = DEFAULT_RESTORE_ROLES
    for policy in ex.charter.guards.values():
        option = policy.options.get("restore_roles")
        if isinstance(option, list):
            roles = option
    return ex.principal.role in roles


def restore_masked(ex: Exchange) -> bool:
    """A guard's ``restore: masked`` (the ``pii`` guard's option): identifiers go back into the answer
    masked (charter.guards.vault.display_mask)."""
    return any(policy.options.get("restore") == "masked" for policy in ex.charter.guards.values())
