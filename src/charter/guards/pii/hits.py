"""What a recogniser returns, and the context test recognisers share."""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Hit", "context_before", "digit_count"]


class Hit(NamedTuple):
    type: str
    start: int
    end: int
    score: float


_ANY_DIGIT = re.compile(r"\d")


def digit_count(text: str) -> int:
    """How many characters of ``text`` match ``\\d``. A pattern that needs *n* digits cannot match a
    text with fewer, so a recogniser may skip a pattern on that count alone (same findings, and
    most texts hold a few digits at most)."""
    return len(_ANY_DIGIT.findall(text))


def context_before(text: str, start: int, words: re.Pattern[str], window: int = 48, end: int = -1,
                   after: int = 0) -> bool:
    """True when one of ``words`` occurs in the ``window`` characters before ``start`` (or ``after``
    characters after ``end``)."""
    if words.search(text, max(0, start - window), start):
        return True
    return after > 0 and end >= 0 and bool(words.search(text, end, min(len(text), end + after)))
