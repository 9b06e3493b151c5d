"""The PII engine: every recogniser over one text, then one non-overlapping set of findings.

Structured identifiers and addresses are resolved first (highest score, then longest span);
names and quasi-identifiers fill the gaps they leave. No model, no downloads, no shared state:
one engine serves every thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from charter.guards.pii.address import addresses
from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import common_words
from charter.guards.pii.names import names
from charter.guards.pii.patterns import RECOGNISERS, TEXT_RECOGNISERS
from charter.guards.pii.quasi import QUASI_RECOGNISERS, QUASI_TEXT_RECOGNISERS

__all__ = ["ENTITY_TYPES", "STRUCTURED_TYPES", "PiiEngine"]

#: Identifiers with a fixed shape; each must be found with recall >= 0.98 (DP-4 floors).
STRUCTURED_TYPES: tuple[str, ...] = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN", "US_ITIN", "US_PASSPORT", "US_DRIVER_LICENSE",
    "US_BANK_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "UK_NHS", "UK_NINO", "CA_SIN", "US_MBI",
    "URL",
)
#: Every type the engine reports (Presidio's names).
ENTITY_TYPES: tuple[str, ...] = (
    *STRUCTURED_TYPES, "STREET_ADDRESS", "PERSON", "LOCATION", "ORGANIZATION", "NRP", "DATE_TIME",
    "AGE", "TITLE", "ZIP_CODE",
)


#: Redaction tokens (``<PERSON_1>``, ``<EMAIL_ADDRESS>``) are not PII: an answer that uses them must
#: not be flagged, or pseudonyms could never be restored.
PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>")
_DIGIT = re.compile(r"\d")


def _resolve(hits: Iterable[Hit], taken: list[Hit]) -> None:
    for hit in sorted(hits, key=lambda h: (-h.score, h.start - h.end, h.start)):
        if hit.end > hit.start and all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)


class PiiEngine:
    """Find PII in text. ``analyze`` is thread-safe and keeps nothing."""

    version = "1.0"

    def __init__(self) -> None:
        common_words()  # load the word list now, not on the first request

    def analyze(self, text: str, entities: frozenset[str] | None = None, threshold: float = 0.5) -> list[Hit]:
        def keep(hits: Iterable[Hit]) -> list[Hit]:
            return [h for h in hits if h.score >= threshold and (entities is None or h.type in entities)]

        numeric = _DIGIT.search(text) is not None
        strong: list[Hit] = [h for recognise in (RECOGNISERS if numeric else TEXT_RECOGNISERS)
                             for h in recognise(text)]
        strong.extend(addresses(text))
        weak: list[Hit] = [h for recognise in (QUASI_RECOGNISERS if numeric else QUASI_TEXT_RECOGNISERS)
                           for h in recognise(text)]
        weak.extend(names(text))
        taken: list[Hit] = [Hit("", m.start(), m.end(), 1.0) for m in PLACEHOLDER.finditer(text)]
        _resolve(keep(strong), taken)
        _resolve(keep(weak), taken)
        found = [h for h in taken if h.type]
        found.sort(key=lambda h: h.start)
        return found
