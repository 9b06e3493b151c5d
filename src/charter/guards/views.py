"""What an input guard is shown of a request: the messages in the roles its charter entry lists,
each with who wrote it, and for a guard that reads conversations the seams between the turns.

Roles and trust (``GuardPolicy.roles``, default ``user``, ``tool``, ``retrieved``):

* ``system`` (and ``developer``, which arrives as ``system``): the application's own instructions,
  operator-trusted, screened only when the charter lists ``system``; the guard is told the text is
  an ``operator`` instruction. The charter's ``system_prompt`` is added later (compose stage) and is
  never screened.
* ``user``: what the caller typed, source ``user``. ``assistant`` (earlier answers the application
  sends back) is screened only when listed, as ``user`` text: the caller could have written it.
* ``tool``: a tool's result, source ``data``: it should carry no instructions (indirect injection).
* ``retrieved``: knowledge-base chunks, screened as ``data`` by the ground stage, not here.

A guard with ``reads_conversation = True`` (injection, toxicity) also reads the conversation at
its seams: for each pair of consecutive user turns, the end of the first and the start of the next
joined into one text (``role="conversation"``; both whole when they are short), so an attack split
over turns reads as one. Each seam is screened once (the verdict cache), so a new turn costs one
new seam, however long the conversation; findings are mapped back to the turns they fall in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from charter.domain import ChatMessage, Finding
from charter.domain.charter import GuardPolicy
from charter.guards.base import Guard, Source

__all__ = ["SEAM_CHARS", "SOURCE_OF_ROLE", "TURN_SEPARATOR", "View", "input_views", "place", "role_views", "seams",
           "single"]

SOURCE_OF_ROLE: dict[str, Source] = {
    "system": "operator",
    "user": "user",
    "assistant": "user",
    "tool": "data",
    "retrieved": "data",
}
#: Joins two turns at a seam: a space, so that a sentence begun in one turn and finished in the
#: next reads as one sentence.
TURN_SEPARATOR = " "
#: How much of each turn a seam holds (cut at a space): the injection model reads 48-word windows.
SEAM_CHARS = 400


@dataclass(slots=True, frozen=True)
class View:
    """One text a guard screens, made of pieces of messages. ``parts``: (message index, where the
    piece starts in ``text``, where it starts in the message, its length)."""

    text: str
    role: str
    source: Source
    parts: tuple[tuple[int, int, int, int], ...]

    @property
    def joined(self) -> bool:
        return len(self.parts) > 1


def single(index: int, text: str, role: str, source: Source) -> View:
    return View(text, role, source, ((index, 0, 0, len(text)),))


def _tail(text: str) -> int:
    """Where the last :data:`SEAM_CHARS` of ``text`` start, moved to a word start."""
    if len(text) <= SEAM_CHARS:
        return 0
    cut = len(text) - SEAM_CHARS
    space = text.find(" ", cut)
    return space + 1 if 0 <= space < len(text) - 1 else cut


def _head(text: str) -> int:
    """How much of the start of ``text`` a seam takes (up to a word end)."""
    if len(text) <= SEAM_CHARS:
        return len(text)
    space = text.rfind(" ", 0, SEAM_CHARS)
    return space if space > 0 else SEAM_CHARS


def seam(first: tuple[int, str], second: tuple[int, str]) -> View:
    """The end of one user turn and the start of the next, as one text."""
    (i, a), (j, b) = first, second
    begin, length = _tail(a), _head(b)
    left = a[begin:]
    text = left + TURN_SEPARATOR + b[:length]
    return View(text, "conversation", "user",
                ((i, 0, begin, len(left)), (j, len(left) + len(TURN_SEPARATOR), 0, length)))


def input_views(messages: list[ChatMessage], policy: GuardPolicy, guard: Guard) -> list[View]:
    """The texts ``guard`` screens on the input side, in message order, then the seams."""
    roles = policy.screened_roles
    views = role_views(messages, roles)
    if "user" in roles and getattr(guard, "reads_conversation", False):
        views += seams(messages)
    return views


def role_views(messages: list[ChatMessage], roles: tuple[str, ...]) -> list[View]:
    """The messages in ``roles`` that have text, one view each, in message order."""
    return [
        View(m.content, m.role, SOURCE_OF_ROLE.get(m.role, "user"), ((i, 0, 0, len(m.content)),))
        for i, m in enumerate(messages)
        if m.role in roles and m.content
    ]


def seams(messages: list[ChatMessage]) -> list[View]:
    """The seams between consecutive user turns (:func:`seam`)."""
    turns = [(i, m.content) for i, m in enumerate(messages) if m.role == "user" and m.content.strip()]
    return [seam(turns[k], turns[k + 1]) for k in range(len(turns) - 1)]


def place(view: View, finding: Finding) -> Iterator[tuple[int, Finding]]:
    """Where a finding in ``view.text`` lies in the messages the view is made of: (message index,
    finding with offsets into that message); one across a seam is cut into one piece per turn."""
    for index, at, begin, length in view.parts:
        end = at + length
        if finding.start > end or finding.end < at:
            continue
        lo, hi = max(finding.start, at) - at + begin, min(finding.end, end) - at + begin
        if hi > lo or finding.start == finding.end:
            yield index, Finding(finding.guard, finding.type, lo, hi, finding.score, finding.guard_version)
            if finding.start == finding.end:
                return
