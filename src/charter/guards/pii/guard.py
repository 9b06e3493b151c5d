"""The ``pii`` guard: Charter's PII engine behind the Guard protocol."""

from __future__ import annotations

from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine

__all__ = ["PiiGuard", "entities_option"]


def entities_option(options: dict[str, Any], default: frozenset[str] | None = None) -> frozenset[str] | None:
    """The ``entities`` (keep only these) and ``ignore`` (drop these) options of a charter's guard."""
    chosen = options.get("entities")
    entities = frozenset(str(e).upper() for e in chosen) if isinstance(chosen, list) else default
    ignored = options.get("ignore")
    if isinstance(ignored, list):
        base = entities if entities is not None else frozenset(ENTITY_TYPES)
        entities = base - {str(e).upper() for e in ignored}
    return entities


class PiiGuard:
    """Finds PII of the types in ``options.entities`` (all by default). Thread-safe, keeps nothing."""

    name = "pii"
    directions: tuple[Direction, ...] = ("input", "context")

    def __init__(self, engine: PiiEngine | None = None) -> None:
        self.engine = engine or PiiEngine()
        self.version = f"charter-pii/{self.engine.version}"

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        entities = entities_option(context.options)
        hits = self.engine.analyze(text, entities=entities, threshold=min(context.threshold, 0.5))
        findings = [Finding(self.name, h.type, h.start, h.end, h.score, self.version) for h in hits]
        score = max((f.score for f in findings), default=0.0)
        flagged = any(f.score >= context.threshold for f in findings)
        return GuardResult(findings=findings, verdict="flag" if flagged else "pass", score=score)


def make_guard(settings: Any = None) -> PiiGuard:
    return PiiGuard()
