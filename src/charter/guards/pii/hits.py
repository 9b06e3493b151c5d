"""What a recogniser returns, and the context test recognisers share."""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Hit", "context_before"]


class Hit(NamedTuple):
    type: str
    start: int
    end: int
    score: float


def context_before(text: str, start: int, words: re.Pattern[str], window: int = 48, end: int = -1,
                   after: int = 0) -> bool:
    """True when one of ``words`` occurs in the ``window`` characters before ``start`` (or ``after``
    characters after ``end``)."""
    if words.search(text, max(0, start - window), start):
        return True
    return after > 0 and end >= 0 and bool(words.search(text, end, min(len(text), end + after)))
