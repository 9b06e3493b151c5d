"""The Guard protocol. Every guard, built-in or outside, looks like this.

A guard takes text and a context and returns a :class:`GuardResult`: findings with character offsets
into *that* text (never the matched value) and a verdict. The gateway maps the verdict to the action
the charter names for the guard (block, redact, warn, review, off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from charter.domain import Finding

__all__ = ["Guard", "GuardContext", "GuardResult", "Source"]

Direction = Literal["input", "output", "context"]
#: Who wrote the text a guard is given, and so how far it is trusted:
#: ``operator`` -- the application's system message, instructions by design (screened only when a
#: charter lists the ``system`` role); ``user`` -- what a caller typed (user turns, the conversation);
#: ``data`` -- a tool result or a retrieved chunk, which should hold no instructions at all;
#: ``answer`` -- the model's answer.
Source = Literal["operator", "user", "data", "answer"]


@dataclass(slots=True)
class GuardContext:
    """What a guard may know besides the text."""

    direction: Direction = "input"
    use_case: str | None = None
    #: What the text is: a message role (``system``, ``user``, ``assistant``, ``tool``),
    #: ``conversation`` (a seam between two user turns), ``retrieved`` (a knowledge chunk) or ``answer``.
    role: str = "user"
    source: Source = "user"
    system_prompt: str = ""
    authorised_texts: list[str] = field(default_factory=list)  # caller input + retrieved context (leak checks)
    options: dict[str, Any] = field(default_factory=dict)  # GuardPolicy.options of the charter
    threshold: float = 0.5


@dataclass(slots=True)
class GuardResult:
    findings: list[Finding]
    verdict: Literal["pass", "flag"]
    score: float = 0.0  # the guard's overall score (max finding score, classifier probability, ...)


@runtime_checkable
class Guard(Protocol):
    """Optional attributes the gateway reads with ``getattr``: ``default_directions`` (what the guard
    screens when a charter does not say; default ``directions``), ``reads_conversation`` (True: a
    multi-turn request is also screened at the seams between the caller's turns; default False),
    ``reads_context`` (which of ``system_prompt`` and ``authorised_texts`` its result depends on, for
    the verdict cache's key; default both) and ``cacheable`` (False: never answer from the verdict
    cache; default True)."""

    name: str
    version: str
    directions: tuple[Direction, ...]

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        """Inspect ``text``; must be thread-safe and must not keep the text."""
        ...
