"""What a recogniser returns, and the context test recognisers share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["Digits", "Hit", "context_before", "digits_of", "windows"]


class Hit(NamedTuple):
    type: str
    start: int
    end: int
    score: float


_ANY_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d+")
#: ``\d`` written out k times (not ``\d{k}``): a pattern that opens with a character class, so
#: ``search`` skips from digit to digit in C.
_RUNS = {k: re.compile(r"\d" * k) for k in range(1, 20)}
#: Digits joined by at most one of ``-+ ./`` between two: a group of digits an identifier can be
#: written in ("078-05-1120", "1234 5678 9012", "384.716.092-31").
_GROUP = re.compile(r"\d(?:[-+ ./]?\d)*")
_SEPARATORS = str.maketrans("", "", "-+ ./")


class Digits(NamedTuple):
    """A text's digits as the recognisers ask about them, counted once per text by the engine
    (:func:`digits_of`): how many match ``\\d`` (a pattern that needs *n* digits cannot match a
    text with fewer, so it is skipped on that count alone; most texts hold a few at most), where
    the first one is (the text's length when there is none), the longest run of them, and the
    groups they are written in (:meth:`group`), so that an identifier's pattern starts where the
    first group or run of digits it needs is, or not at all."""

    total: int
    first: int
    #: the longest run of consecutive digits (a pattern that needs *k* in a row cannot match with fewer)
    longest: int = 0
    #: (start, digits) of each group of digits (:data:`_GROUP`), for a text with six digits or more
    groups: tuple[tuple[int, int], ...] = ()

    def start(self, reach: int = 0) -> int:
        """Where a pattern whose every match holds a digit at most ``reach`` characters after its
        start can first match: ``pattern.finditer(text, digits.start(reach))`` finds what
        ``pattern.finditer(text)`` does (look-behinds and ``\\b`` still see the text before that
        position) without walking the part of the text before its first number, most of it in
        most texts."""
        return max(0, self.first - reach)

    def run(self, text: str, k: int, reach: int = 0) -> int:
        """Where a pattern whose every match holds ``k`` digits in a row at most ``reach`` characters
        after its start can first match (the start of the first run of ``k`` digits, less
        ``reach``), or -1 where the text has no such run: ``pattern.finditer(text, digits.run(text,
        k))`` finds every match, from there."""
        if self.longest < k:
            return -1
        found = _RUNS[k].search(text, self.first)
        return -1 if found is None else max(0, found.start() - reach)


    def group(self, n: int) -> int:
        """Where a pattern that opens with a digit can first match when the digits of each match
        are ``n`` or more (``n`` >= 6), all in one group (:data:`_GROUP`: the separators it allows
        between two are at most one of ``-+ ./``): the start of the first group of ``n`` digits or
        more, or -1 where there is none."""
        for start, count in self.groups:
            if count >= n:
                return start
        return -1


def digits_of(text: str) -> Digits:
    """The :class:`Digits` of ``text``."""
    first = _ANY_DIGIT.search(text)
    if first is None:
        return Digits(0, len(text))
    runs = _DIGIT_RUN.findall(text, first.start())
    total = sum(map(len, runs))
    if total < 6:
        return Digits(total, first.start(), max(map(len, runs)))
    groups = tuple((m.start(), len(m.group().translate(_SEPARATORS))) for m in _GROUP.finditer(text, first.start()))
    return Digits(total, first.start(), max(map(len, runs)), groups)


def context_before(text: str, start: int, words: re.Pattern[str], window: int = 48, end: int = -1,
                   after: int = 0) -> bool:
    """True when one of ``words`` occurs in the ``window`` characters before ``start`` (or ``after``
    characters after ``end``)."""
    if words.search(text, max(0, start - window), start):
        return True
    return after > 0 and end >= 0 and bool(words.search(text, end, min(len(text), end + after)))


def windows(text: str, anchors: re.Pattern[str], before: int, after: int) -> Iterator[tuple[int, int]]:
    """The stretches of ``text`` from ``before`` characters before each match of ``anchors`` to ``after``
    characters after it, merged where they meet: where a pattern whose every match lies near an anchor (an
    identity or case word before its number) is searched, instead of at every position of a long text."""
    w0 = w1 = -1
    for anchor in anchors.finditer(text):
        start, end = max(0, anchor.start() - before), min(len(text), anchor.end() + after)
        if start <= w1:
            w1 = end
            continue
        if w1 >= 0:
            yield w0, w1
        w0, w1 = start, end
    if w1 >= 0:
        yield w0, w1
