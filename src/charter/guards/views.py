"""What an input guard is shown of a request: the messages in the roles its charter entry lists,
each with who wrote it, and for a guard that reads conversations the caller's turns joined.

Roles and trust (``GuardPolicy.roles``, default ``user``, ``tool``, ``retrieved``):

* ``system`` (and ``developer``, which arrives as ``system``): the application's own instructions,
  operator-trusted, screened only when the charter lists ``system``; the guard is told the text is
  an ``operator`` instruction. The charter's ``system_prompt`` is added later (compose stage) and is
  never screened.
* ``user``: what the caller typed, source ``user``. ``assistant`` (earlier answers the application
  sends back) is screened only when listed, as ``user`` text: the caller could have written it.
* ``tool``: a tool's result, source ``data``: it should carry no instructions (indirect injection).
* ``retrieved``: knowledge-base chunks, screened as ``data`` by the ground stage, not here.

A guard with ``reads_conversation = True`` (injection, toxicity) also sees the user turns joined
into one text (``role="conversation"``), so an attack split over turns reads as one; its findings
are mapped back to the turns they fall in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from charter.domain import ChatMessage, Finding
from charter.domain.charter import GuardPolicy
from charter.guards.base import Guard, Source

__all__ = ["SOURCE_OF_ROLE", "TURN_SEPARATOR", "View", "input_views", "place", "single"]

SOURCE_OF_ROLE: dict[str, Source] = {
    "system": "operator",
    "user": "user",
    "assistant": "user",
    "tool": "data",
    "retrieved": "data",
}
#: Joins the caller's turns in the conversation view: a space, so that a sentence begun in one turn
#: and finished in the next reads as one sentence.
TURN_SEPARATOR = " "


@dataclass(slots=True, frozen=True)
class View:
    """One text a guard screens. ``parts``: (index into the texts it is made of, where that text
    starts in ``text``); a single message has one part at offset 0."""

    text: str
    role: str
    source: Source
    parts: tuple[tuple[int, int], ...]

    @property
    def joined(self) -> bool:
        return len(self.parts) > 1


def single(index: int, text: str, role: str, source: Source) -> View:
    return View(text, role, source, ((index, 0),))


def input_views(messages: list[ChatMessage], policy: GuardPolicy, guard: Guard) -> list[View]:
    """The texts ``guard`` screens on the input side, in message order, then the conversation."""
    roles = set(policy.screened_roles)
    views = [
        single(i, m.content, m.role, SOURCE_OF_ROLE.get(m.role, "user"))
        for i, m in enumerate(messages)
        if m.role in roles and m.content
    ]
    if "user" in roles and getattr(guard, "reads_conversation", False):
        turns = [(i, m.content) for i, m in enumerate(messages) if m.role == "user" and m.content.strip()]
        if len(turns) > 1:
            parts, pieces, at = [], [], 0
            for i, text in turns:
                parts.append((i, at))
                pieces.append(text)
                at += len(text) + len(TURN_SEPARATOR)
            views.append(View(TURN_SEPARATOR.join(pieces), "conversation", "user", tuple(parts)))
    return views


def place(view: View, finding: Finding, lengths: dict[int, int]) -> Iterator[tuple[int, Finding]]:
    """Where a finding in ``view.text`` lies in the texts the view is made of: (index, finding with
    offsets into that text); a finding across a turn boundary is cut into one piece per turn."""
    for index, offset in view.parts:
        end = offset + lengths[index]
        if finding.start > end or finding.end < offset:
            continue
        lo, hi = max(finding.start, offset) - offset, min(finding.end, end) - offset
        if hi > lo or finding.start == finding.end:
            yield index, Finding(finding.guard, finding.type, lo, hi, finding.score, finding.guard_version)
            if finding.start == finding.end:
                return
