"""What the PII engine finds (as (type, value) pairs, and its names alone) and what ``pii_leak`` acts on in an
answer, and whether the toxicity guard cuts an answer, for the guard tests."""

from __future__ import annotations

from charter.guards.base import GuardContext
from charter.guards.pii.engine import PiiEngine
from charter.guards.pii_leak import PiiLeakGuard
from charter.guards.toxicity import ToxicityGuard

ENGINE = PiiEngine()
LEAK = PiiLeakGuard()
TOXICITY = ToxicityGuard()


def found(text: str) -> list[tuple[str, str]]:
    """Each span the engine reports in ``text``: (type, value)."""
    return [(h.type, text[h.start:h.end]) for h in ENGINE.analyze(text)]


def persons(text: str) -> list[str]:
    """The names the engine reports in ``text`` (its PERSON spans' values)."""
    return [v for t, v in found(text) if t == "PERSON"]


def leaked(answer: str, question: str = "How do I apply?") -> list[str]:
    """The values ``pii_leak`` (default options) acts on in ``answer`` to the caller's ``question``
    (the default asks about no one)."""
    result = LEAK.scan(answer, GuardContext(direction="output", authorised_texts=[question]))
    return [answer[f.start:f.end] for f in result.findings]


def toxic(answer: str) -> bool:
    """Whether the toxicity guard (default options) flags ``answer``."""
    return TOXICITY.scan(answer, GuardContext(direction="output", role="answer")).verdict == "flag"
