"""Plain types shared by every capability. Imports nothing else of Charter's."""

from charter.domain.charter import (
    CLASSIFICATION_LEVELS,
    Charter,
    GuardAction,
    GuardPolicy,
    Inventory,
    RateLimits,
    ReviewRule,
    RiskTier,
    classification_rank,
)
from charter.domain.exchange import (
    ROLES,
    ChatMessage,
    ContentFilter,
    Exchange,
    Finding,
    GenerationParams,
    Grounding,
    ModelEntry,
    Principal,
    StageVerdict,
    Usage,
)

__all__ = [
    "CLASSIFICATION_LEVELS",
    "ROLES",
    "Charter",
    "ChatMessage",
    "ContentFilter",
    "Exchange",
    "Finding",
    "GenerationParams",
    "Grounding",
    "GuardAction",
    "GuardPolicy",
    "Inventory",
    "ModelEntry",
    "Principal",
    "RateLimits",
    "ReviewRule",
    "RiskTier",
    "StageVerdict",
    "Usage",
    "classification_rank",
]
