"""Screening chunks with the registered guards: PII redaction in place and indirect-injection checks.

Guards are looked up by name (``pii``, ``injection``) in the plugin registry and called through the
:class:`charter.guards.base.Guard` protocol with ``direction="context"``. A guard that raises is a
guard that could not do its job: the caller fails closed (``guard_unavailable``).
"""

from __future__ import annotations

from dataclasses import dataclass

from charter.domain import Finding
from charter.errors import Unavailable
from charter.guards.base import Guard, GuardContext, GuardResult

__all__ = ["KEEP_TYPES", "PLACEHOLDERS", "REDACT_THRESHOLD", "Screened", "redact", "scan"]

#: Finding types left in knowledge text: published guidance is full of dates, places and links,
#: and none of them identifies a person on its own.
KEEP_TYPES: frozenset[str] = frozenset({"DATE_TIME", "NRP", "LOCATION", "URL"})
#: Findings below this score are left in knowledge text (a capitalised common noun at the start of
#: a sentence is not a name).
REDACT_THRESHOLD = 0.7

#: Placeholder labels for guard finding types (DP-2: an e-mail address becomes ``<EMAIL>``).
PLACEHOLDERS: dict[str, str] = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "US_SSN": "SSN",
    "UK_NINO": "NINO",
    "CREDIT_CARD": "CREDIT_CARD",
    "IP_ADDRESS": "IP_ADDRESS",
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
}


@dataclass(frozen=True, slots=True)
class Screened:
    text: str
    redactions: int
    findings: list[Finding]


def scan(guard: Guard, text: str, *, threshold: float = 0.5, options: dict[str, object] | None = None) -> GuardResult:
    try:
        context = GuardContext(direction="context", role="retrieved", source="data", options=dict(options or {}),
                               threshold=threshold)
        return guard.scan(text, context)
    except Exception as exc:  # a guard that cannot answer must not wave text through
        raise Unavailable(
            f"guard {getattr(guard, 'name', '?')!r} failed on retrieved text ({type(exc).__name__})",
            code="guard_unavailable",
        ) from exc


def redact(
    guard: Guard, text: str, *, threshold: float = REDACT_THRESHOLD, keep: frozenset[str] = KEEP_TYPES
) -> Screened:
    """Replace every finding at or above ``threshold`` (except ``keep`` types) by ``<TYPE>``;
    overlapping findings merge."""
    result = scan(guard, text, threshold=threshold)
    spans = sorted(
        (f for f in result.findings if f.score >= threshold and f.end > f.start and f.type not in keep),
        key=lambda f: f.start,
    )
    pieces: list[str] = []
    cursor, count = 0, 0
    for finding in spans:
        if finding.start < cursor:
            continue  # overlaps a span already replaced
        label = PLACEHOLDERS.get(finding.type, finding.type.upper())
        pieces.append(text[cursor : finding.start])
        pieces.append(f"<{label}>")
        cursor = finding.end
        count += 1
    pieces.append(text[cursor:])
    return Screened("".join(pieces), count, spans)
