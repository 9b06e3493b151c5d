"""The ``pii_leak`` output check: PII in an answer that the caller did not give and the retrieved
context did not hold. Values found in the caller's messages, the retrieved chunks or the exchange's
vault are the caller's own and do not count. Dates, titles, ages and groups are not counted by
default (answers are full of them), nor are public bodies and their programmes (the engine never
takes them for personal data); ``options.entities`` / ``options.skip_entities`` change the set and
``options.public_bodies`` adds names, as for ``pii``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from charter.guards.pii.guard import pii_options

__all__ = ["DEFAULT_LEAK_TYPES", "PiiLeakGuard", "make_guard"]

DEFAULT_LEAK_TYPES = frozenset(ENTITY_TYPES) - {"DATE_TIME", "TITLE", "NRP", "AGE"}
_NOT_ALNUM = re.compile(r"[\W_]+")


def _norm(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


@functools.lru_cache(maxsize=64)
def _operator_norm(text: str) -> str:
    """:func:`_norm` of the operator's own text (the application's system message, the same on every
    call), kept once per process; a caller's text is never kept."""
    return _norm(text)


def _known(context: GuardContext) -> str:
    """The authorised texts, normalised as one: ``_norm`` works character by character and drops the
    line breaks that would join them, so it is the concatenation of each text's ``_norm``."""
    prompt = context.system_prompt
    return "".join(_operator_norm(t) if len(t) > 64 and t in prompt else _norm(t) for t in context.authorised_texts)


class PiiLeakGuard:
    name = "pii_leak"
    directions: tuple[Direction, ...] = ("output",)
    reads_context: tuple[str, ...] = ("authorised_texts",)

    def __init__(self, engine: PiiEngine | None = None) -> None:
        self.engine = engine or PiiEngine()
        self.version = f"charter-pii-leak/{self.engine.version}"

    def check_options(self, options: dict[str, Any]) -> None:
        """Raise ``ValueError`` when a charter's options for this guard are malformed."""
        pii_options(options, DEFAULT_LEAK_TYPES)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        chosen = pii_options(context.options, DEFAULT_LEAK_TYPES)
        hits = self.engine.analyze(text, entities=chosen.entities, threshold=context.threshold,
                                   policy=chosen.policy)
        if not hits:
            return GuardResult(findings=[], verdict="pass")
        known = _known(context)
        findings = [
            Finding(self.name, h.type, h.start, h.end, h.score, self.version)
            for h in hits if not (value := _norm(text[h.start:h.end])) or value not in known
        ]
        score = max((f.score for f in findings), default=0.0)
        return GuardResult(findings=findings, verdict="flag" if findings else "pass", score=score)


def make_guard(settings: Any = None) -> PiiLeakGuard:
    return PiiLeakGuard()
