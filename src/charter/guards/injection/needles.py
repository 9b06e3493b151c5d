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

import ahocorasick

__all__ = ["present"]


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    """Every needle of the guard's signatures and gates (built once, on first use; read-only after,
    so the event loop and worker threads share it)."""
    from charter.guards.injection import agent, framing, retraction, rules  # import cycle: they import nothing of this

    needles = set(rules.ALL_NEEDLES)
    needles.update(n for group in agent.NEEDLE_GROUPS for n in group)
    needles.update(n for group in framing.GATE_GROUPS for n in group)
    needles.update(retraction.GATE)
    automaton = ahocorasick.Automaton()
    for needle in sorted(needles):
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    return automaton


def present(text: str) -> frozenset[str]:
    """The needles that occur in ``text`` (case as given), each once: ``{n for n in NEEDLES if n in
    text}``, from one scan."""
    return frozenset([needle for _, needle in _automaton().iter(text)])
