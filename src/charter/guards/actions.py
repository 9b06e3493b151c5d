"""What a charter's guard action does to an exchange: block, redact, warn, review or nothing.

One guard's pass over one or more texts is a :class:`Screening`. Its findings go into the stage
verdict as type, offsets, score and guard version -- never the matched value (DP-3). The value
of ``x-charter-guard-flags`` lists every guard that warned, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charter.domain import ChatMessage, Exchange, Finding
from charter.domain.charter import GuardAction, GuardPolicy
from charter.errors import ContentFiltered
from charter.guards.base import Direction, Guard, GuardContext
from charter.guards.registry import GuardSet, run_guard
from charter.guards.vault import Vault, redact

__all__ = [
    "CHUNK_GUARDS",
    "FLAGS_HEADER",
    "Active",
    "Screening",
    "active_guards",
    "context_for",
    "flag",
    "redact_messages",
    "refuse",
    "restore_allowed",
    "screen",
    "verdict",
]

FLAGS_HEADER = "x-charter-guard-flags"
DEFAULT_RESTORE_ROLES = ("app", "developer", "admin")


@dataclass(slots=True, frozen=True)
class Active:
    name: str
    guard: Guard
    policy: GuardPolicy


@dataclass(slots=True)
class Screening:
    active: Active
    findings: list[Finding] = field(default_factory=list)  # at or above the threshold
    where: list[int] = field(default_factory=list)  # index of the text each finding is in
    score: float = 0.0
    flagged: bool = False
    ms: float = 0.0


def active_guards(ex: Exchange, direction: Direction, guards: GuardSet) -> list[Active]:
    """The charter's guards that are on and screen ``direction`` (a missing guard fails closed)."""
    out = []
    for name, policy in ex.charter.guards.items():
        if policy.action is GuardAction.off:
            continue
        guard = guards.get(name)
        if direction in guard.directions:
            out.append(Active(name, guard, policy))
    return out


#: Guards that score an answer against the retrieved chunks; they get them as ``options["chunks"]``.
CHUNK_GUARDS = frozenset({"grounding"})


def context_for(
    ex: Exchange, direction: Direction, policy: GuardPolicy, guard: str | None = None
) -> GuardContext:
    """What guard ``guard`` may know besides the text. On a knowledge-grounded exchange an output
    guard in :data:`CHUNK_GUARDS` gets exactly the retrieved chunks as ``options["chunks"]`` (none
    retrieved: an empty list, so nothing supports the answer), never the caller's own messages."""
    options = dict(policy.options)
    if direction == "output" and guard in CHUNK_GUARDS and (ex.context or ex.charter.knowledge_bases):
        options["chunks"] = [str(c.get("text", "")) for c in ex.context]
    system = ex.charter.system_prompt
    if ex.prompt_messages:
        system = "\n".join([system, *(m.content for m in ex.prompt_messages if m.role == "system")])
    authorised: list[str] = []
    if direction == "output":
        authorised = [m.content for m in ex.messages]
        authorised += [str(c.get("text", "")) for c in ex.context]
        authorised += list(ex.vault.values())
    return GuardContext(direction=direction, use_case=ex.charter.name, system_prompt=system,
                        authorised_texts=authorised, options=options, threshold=policy.threshold)


def screen(active: Active, texts: list[str], context: GuardContext) -> Screening:
    """Run one guard over several texts (fails closed)."""
    result = Screening(active)
    threshold = active.policy.threshold
    for i, text in enumerate(texts):
        if not text:
            continue
        found, ms = run_guard(active.guard, text, context)
        result.ms += ms
        kept = [f for f in found.findings if f.score >= threshold]
        result.findings.extend(kept)
        result.where.extend([i] * len(kept))
        result.score = max(result.score, found.score)
        if kept or (found.verdict == "flag" and found.score >= threshold):
            result.flagged = True
    return result


def outcome_of(s: Screening) -> str:
    if not s.flagged:
        return "pass"
    return s.active.policy.action.value  # block, redact, warn or review


def verdict(ex: Exchange, stage: str, s: Screening, **extra: Any) -> None:
    v = ex.verdict(stage, outcome_of(s), guard=s.active.name, version=s.active.guard.version,  # type: ignore[arg-type]
                   action=s.active.policy.action.value, score=round(s.score, 4), ms=round(s.ms, 3), **extra)
    v.findings = list(s.findings)
    if s.where and any(s.where):
        v.detail["text_index"] = list(s.where)


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


def redact_messages(ex: Exchange, s: Screening, indices: list[int]) -> None:
    """Replace the findings in ``ex.messages`` (``indices`` maps screened text -> message)."""
    mode = str(s.active.policy.options.get("mode", "placeholder"))
    vault = Vault(ex.vault, keep=mode == "pseudonymise")
    by_text: dict[int, list[Finding]] = {}
    for f, i in zip(s.findings, s.where, strict=True):
        by_text.setdefault(i, []).append(f)
    for i, found in by_text.items():
        msg = ex.messages[indices[i]]
        ex.messages[indices[i]] = ChatMessage(msg.role, redact(msg.content, found, mode, vault), msg.name)


def redact_text(ex: Exchange, s: Screening, text: str, floor: int = 0) -> str:
    mode = str(s.active.policy.options.get("mode", "placeholder"))
    vault = Vault(ex.vault, keep=mode == "pseudonymise")
    return redact(text, [f for f in s.findings if f.start >= floor], mode, vault)


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
