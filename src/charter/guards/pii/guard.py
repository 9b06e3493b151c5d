"""The ``pii`` guard: Charter's PII engine behind the Guard protocol, and the options a charter gives
it (shared with ``pii_leak``)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.pii.engine import DEFAULT_POLICY, ENTITY_TYPES, PiiEngine, Policy
from charter.guards.pii.public import phrase_pattern
from charter.guards.vault import RESTORE_MODES

__all__ = ["PiiGuard", "PiiOptions", "entities_option", "pii_options"]

_DATES = ("personal", "all")
#: ``birth_years`` and ``given_names``: report them (the engine's default) or leave them in the text.
_REPORT_OR_KEEP = ("report", "keep")


@dataclass(frozen=True, slots=True)
class PiiOptions:
    """A charter's options for ``pii`` and ``pii_leak``, checked once and kept per distinct value."""

    entities: frozenset[str] | None
    policy: Policy


def _types(options: dict[str, Any], key: str) -> frozenset[str] | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"pii option {key!r} must be a list of entity types")
    chosen = frozenset(v.strip().upper() for v in value)
    unknown = sorted(chosen - set(ENTITY_TYPES))
    if unknown:
        raise ValueError(f"pii option {key!r}: unknown entity type(s) {', '.join(unknown)}; "
                         f"known: {', '.join(ENTITY_TYPES)}")
    return chosen


@functools.lru_cache(maxsize=256)
def _parse(key: str, default: frozenset[str] | None) -> PiiOptions:
    options: dict[str, Any] = json.loads(key)
    entities = _types(options, "entities")
    if entities is None:
        entities = default
    skipped = (_types(options, "skip_entities") or frozenset()) | (_types(options, "ignore") or frozenset())
    if skipped:
        entities = (entities if entities is not None else frozenset(ENTITY_TYPES)) - skipped
    dates = options.get("dates", "personal")
    if dates not in _DATES:
        raise ValueError(f"pii option 'dates' must be one of {', '.join(_DATES)}, not {dates!r}")
    bodies = options.get("public_bodies", [])
    if not isinstance(bodies, list) or not all(isinstance(b, str) and b.strip() for b in bodies):
        raise ValueError("pii option 'public_bodies' must be a list of names")
    kept: dict[str, bool] = {}
    for name in ("birth_years", "given_names"):
        value = options.get(name, "report")
        if value not in _REPORT_OR_KEEP:
            raise ValueError(f"pii option {name!r} must be one of {', '.join(_REPORT_OR_KEEP)}, not {value!r}")
        kept[name] = value == "keep"
    if dates == "personal" and not bodies and not any(kept.values()):
        return PiiOptions(entities, DEFAULT_POLICY)
    return PiiOptions(entities, Policy(all_dates=dates == "all", public_bodies=phrase_pattern(bodies),
                                       birth_years=not kept["birth_years"], given_names=not kept["given_names"]))


_KEYS = ("entities", "skip_entities", "ignore", "dates", "public_bodies", "birth_years", "given_names")


def pii_options(options: dict[str, Any], default: frozenset[str] | None = None) -> PiiOptions:
    """Read a charter's ``entities`` (only these types), ``skip_entities`` (all but these; ``ignore``
    is the older name), ``dates`` (``personal`` or ``all``), ``public_bodies`` (names never taken
    for personal data), ``birth_years`` and ``given_names`` (``report`` or ``keep`` a year of birth -- or a
    month and year, with no day -- or a given name that stands alone). Raises ``ValueError`` naming the
    option when one is malformed: the guard then fails closed."""
    chosen = {k: options[k] for k in _KEYS if k in options}
    # no option of these: the same key every time ("{}"), without turning anything into JSON
    key = json.dumps(chosen, sort_keys=True, default=repr) if chosen else "{}"
    return _parse(key, default)


def entities_option(options: dict[str, Any], default: frozenset[str] | None = None) -> frozenset[str] | None:
    """The entity types a charter's options select (see :func:`pii_options`)."""
    return pii_options(options, default).entities


class PiiGuard:
    """Finds PII of the types in ``options.entities`` (all by default). Thread-safe, keeps nothing."""

    name = "pii"
    directions: tuple[Direction, ...] = ("input", "context")

    def __init__(self, engine: PiiEngine | None = None) -> None:
        self.engine = engine or PiiEngine()
        self.version = f"charter-pii/{self.engine.version}"

    def check_options(self, options: dict[str, Any]) -> None:
        """Raise ``ValueError`` when a charter's options for this guard are malformed."""
        pii_options(options)
        restore = options.get("restore", "full")
        if restore not in RESTORE_MODES:
            raise ValueError(f"pii option 'restore' must be one of {', '.join(RESTORE_MODES)}, not {restore!r}")

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        chosen = pii_options(context.options)
        hits = self.engine.analyze(text, entities=chosen.entities, threshold=min(context.threshold, 0.5),
                                   policy=chosen.policy)
        findings = [Finding(self.name, h.type, h.start, h.end, h.score, self.version) for h in hits]
        score = max((f.score for f in findings), default=0.0)
        flagged = any(f.score >= context.threshold for f in findings)
        return GuardResult(findings=findings, verdict="flag" if flagged else "pass", score=score)


def make_guard(settings: Any = None) -> PiiGuard:
    return PiiGuard()
