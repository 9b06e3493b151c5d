"""What a recogniser returns, and the context test recognisers share."""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Digits", "Hit", "context_before", "digits_of"]


class Hit(NamedTuple):
    type: str
    start: int
    end: int
    score: float


_ANY_DIGIT = re.compile(r"\d")


class Digits(NamedTuple):
    """A text's digits as the recognisers ask about them, counted once per text by the engine
    (:func:`digits_of`): how many match ``\\d`` (a pattern that needs *n* digits cannot match a
    text with fewer, so it is skipped on that count alone; most texts hold a few at most) and where
    the first one is (the text's length when there is none)."""

    total: int
    first: int

    def start(self, reach: int = 0) -> int:
        """Where a pattern whose every match holds a digit at most ``reach`` characters after its
        start can first match: ``pattern.finditer(text, digits.start(reach))`` finds what
        ``pattern.finditer(text)`` does (look-behinds and ``\\b`` still see the text before that
        position) without walking the part of the text before its first number, most of it in
        most texts."""
        return max(0, self.first - reach)


def digits_of(text: str) -> Digits:
    """The :class:`Digits` of ``text``."""
    first = _ANY_DIGIT.search(text)
    if first is None:
        return Digits(0, len(text))
    return Digits(len(_ANY_DIGIT.findall(text, first.start())), first.start())


def context_before(text: str, start: int, words: re.Pattern[str], window: int = 48, end: int = -1,
                   after: int = 0) -> bool:
    """True when one of ``words`` occurs in the ``window`` characters before ``start`` (or ``after``
    characters after ``end``)."""
    if words.search(text, max(0, start - window), start):
        return True
    return after > 0 and end >= 0 and bool(words.search(text, end, min(len(text), end + after)))
