"""Charter's own PII engine (patterns, check digits, gazetteers; no neural model) and redaction."""

from charter.guards.pii.engine import ENTITY_TYPES, STRUCTURED_TYPES, PiiEngine
from charter.guards.pii.hits import Hit

__all__ = ["ENTITY_TYPES", "STRUCTURED_TYPES", "Hit", "PiiEngine"]
