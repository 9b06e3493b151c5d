"""Which of the injection guard's needles a text holds, found in one pass.

A signature's regex runs only where the substrings it needs are present (its ``needles``:
:mod:`.rules`, :mod:`.agent`), and the framing and retraction checks open only on theirs
(:mod:`.framing`, :mod:`.retraction`): some 200 substring tests a text when each is an ``in``
(about 10 us for a 100-character question). :func:`present` finds them all in one Aho-Corasick
pass over the text (pyahocorasick, in C: about 1 us) and the checks read the set it returns: the
same needles, so the same signatures run and the same hits come out.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import ahocorasick

__all__ = ["present", "register"]

#: The needles the guard's modules registered (:func:`register`, at their import): this module imports none of
#: them, so there is no import cycle between it and the checks that use it.
_REGISTERED: set[str] = set()


def register(needles: Iterable[str]) -> None:
    """Add a module's needles (its signatures' or its gate's substrings) to the set :func:`present` looks for.
    Called at import by :mod:`.rules`, :mod:`.agent`, :mod:`.framing` and :mod:`.retraction`; an automaton
    built before a later registration is rebuilt on the next :func:`present`."""
    fresh = set(needles) - _REGISTERED
    if fresh:
        _REGISTERED.update(fresh)
        _automaton.cache_clear()


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    """Every registered needle (built on first use; read-only after, so the event loop and worker threads
    share it)."""
    automaton = ahocorasick.Automaton()
    for needle in sorted(_REGISTERED):
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    return automaton


def present(text: str) -> frozenset[str]:
    """The needles that occur in ``text`` (case as given), each once: ``{n for n in NEEDLES if n in
    text}``, from one scan."""
    if not _REGISTERED:
        return frozenset()
    return frozenset([needle for _, needle in _automaton().iter(text)])
