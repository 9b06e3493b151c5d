"""The charter: a use case's policy, as a typed value. Loading it from YAML lives in ``charter.policy``."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "CLASSIFICATION_LEVELS",
    "DEFAULT_SCREEN_ROLES",
    "Charter",
    "GuardAction",
    "GuardDirection",
    "GuardPolicy",
    "Inventory",
    "RateLimits",
    "ReviewRule",
    "RiskTier",
    "ScreenRole",
    "SuspendCriteria",
    "classification_rank",
]

#: Ordered data classification levels, lowest first. A model may serve a use case only when its
#: ceiling is at least the use case's ceiling (DP-6).
CLASSIFICATION_LEVELS: tuple[str, ...] = ("public", "internal", "confidential", "restricted", "secret")


def classification_rank(level: str) -> int:
    return CLASSIFICATION_LEVELS.index(level)


class _Strict(BaseModel):
    # NaN and ±infinity are refused (400 invalid_value): no store holds them in JSON
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RiskTier(StrEnum):
    """Risk tier. ``high-impact`` is the OMB M-25-21 sense: an output that is a principal basis for a
    decision with legal, material or similarly significant effect on rights or safety."""

    minimal = "minimal"
    limited = "limited"
    elevated = "elevated"
    high_impact = "high-impact"


class GuardAction(StrEnum):
    block = "block"
    redact = "redact"
    warn = "warn"
    review = "review"
    off = "off"


#: What an input guard may screen: the roles of the messages the application sends (``developer``
#: messages arrive as ``system``), and ``retrieved``, the chunks the ground stage takes from the
#: charter's knowledge bases. The charter's own ``system_prompt`` is never screened.
ScreenRole = Literal["system", "user", "assistant", "tool", "retrieved"]
#: The default: what callers and documents say. The application's system message is the operator's
#: and trusted unless a charter lists ``system``; earlier assistant turns only when it lists ``assistant``.
DEFAULT_SCREEN_ROLES: tuple[ScreenRole, ...] = ("user", "tool", "retrieved")
GuardDirection = Literal["input", "output"]


class GuardPolicy(_Strict):
    """What to do when a guard finds something. Guards read their own options from ``options``."""

    action: GuardAction = GuardAction.warn
    threshold: float = Field(default=0.5, ge=0.0, le=1.0, description="Findings below this score are ignored.")
    options: dict[str, str | int | float | bool | list[str]] = Field(default_factory=dict)
    roles: list[ScreenRole] | None = Field(
        default=None,
        min_length=1,
        description="What an input guard screens (system, user, assistant, tool, retrieved); "
        "default user, tool and retrieved.",
    )
    directions: list[GuardDirection] | None = Field(
        default=None,
        min_length=1,
        description="input and/or output; default: the guard's own (toxicity: output only).",
    )

    @field_validator("roles", "directions")
    @classmethod
    def _no_repeats(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("lists a value twice")
        return value

    @property
    def screened_roles(self) -> tuple[ScreenRole, ...]:
        """The roles this guard screens on the input side (the charter's list or the default)."""
        return tuple(self.roles) if self.roles is not None else DEFAULT_SCREEN_ROLES


class ReviewRule(_Strict):
    """When answers are held for a person (filled in by the oversight capability)."""

    always: bool = False
    on_guard_flag: bool = True
    grounding_below: float | None = Field(default=None, ge=0.0, le=1.0)
    sample_rate: float = Field(
        default=0.25, ge=0.0, le=1.0, description="Share of released answers sampled for expert scoring."
    )
    four_eyes: bool = False
    sla_minutes: int = Field(default=240, ge=1)
    sla_action: Literal["escalate", "holding_message"] = "escalate"
    holding_message: str = "Your request is being reviewed by a person. Please check back later."
    claim_minutes: int = Field(default=30, ge=1, description="A claim lapses after this many minutes.")
    accuracy_weight: float = Field(default=0.7, ge=0.0, le=1.0, description="Expert score: accuracy.")
    citation_weight: float = Field(default=0.3, ge=0.0, le=1.0, description="Expert score: citations.")
    webhook_url: str | None = Field(default=None, description="Gets {id, status, status_url} on a decision.")


class SuspendCriteria(_Strict):
    """Deactivation criteria (HO-5): any rate above its limit over the window suspends the use case."""

    window_minutes: int = Field(default=60, ge=1)
    min_events: int = Field(default=20, ge=1, description="Fewest events in the window before a rate counts.")
    guard_hit_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    negative_feedback_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    rejection_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    provider_failure_rate: float | None = Field(default=None, ge=0.0, le=1.0)


class RateLimits(_Strict):
    requests_per_minute: int = Field(default=60, ge=1)
    tokens_per_minute: int = Field(default=100_000, ge=1)


class Inventory(_Strict):
    """Fields of the OMB AI use-case inventory (2025 template, M-25-21) and UK ATRS tier 1."""

    agency: str = ""
    bureau: str = ""
    topic_area: str = ""
    purpose_and_benefits: str = ""
    outputs: str = ""
    stage: Literal["pre-deployment", "pilot", "deployed", "retired"] = "pre-deployment"
    is_high_impact: bool | None = None
    high_impact_justification: str = ""
    date_initiated: dt.date | None = None
    date_deployed: dt.date | None = None
    date_retired: dt.date | None = None
    development_method: Literal["in-house", "contracted", "both", ""] = ""
    vendor: str = ""
    has_ato: bool | None = None
    system_name: str = ""
    uses_pii: bool | None = None
    contact_email: str = ""
    public_notice_url: str = ""


class Charter(_Strict):
    """A use case's policy. Every applied change becomes a new, immutable version."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="Use case name, lower-case slug.")
    tenant: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    description: str = ""
    risk_tier: RiskTier = RiskTier.limited
    classification_ceiling: str = "internal"
    models: list[str] = Field(min_length=1, description="Allowed model aliases; the first is the default.")
    regions: list[str] = Field(min_length=1, description="Hosting regions a model may be in (DP-8).")
    system_prompt: str = ""
    prompt: str | None = Field(default=None, description="Registered prompt name (prompt registry).")
    prompt_label: str = "production"
    guards: dict[str, GuardPolicy] = Field(default_factory=dict)
    review: ReviewRule = Field(default_factory=ReviewRule)
    retention_days: int = Field(default=365, ge=1, le=36500)
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    max_input_chars: int = Field(default=8000, ge=1, le=1_000_000)
    kill_switch: bool = False
    outage_message: str = (
        "This service is temporarily unavailable. Please use the manual process or contact the agency."
    )
    knowledge_bases: list[str] = Field(default_factory=list)
    top_k: int = Field(default=4, ge=1, le=50)
    may_train: bool = False
    suspend_when: SuspendCriteria | None = None
    inventory: Inventory = Field(default_factory=Inventory)

    @property
    def is_high_impact(self) -> bool:
        """The one rule for "high-impact" (OMB M-25-21), read by oversight (every answer held for a
        person, HO-2), the inventory export (MD-4) and the model-change gate (MD-3): ``risk_tier:
        high-impact`` or ``inventory.is_high_impact: true``. Either is enough; ``is_high_impact:
        false`` does not lower a ``high-impact`` tier (fail closed)."""
        return self.risk_tier is RiskTier.high_impact or self.inventory.is_high_impact is True

    @field_validator("classification_ceiling")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value not in CLASSIFICATION_LEVELS:
            raise ValueError(f"must be one of {', '.join(CLASSIFICATION_LEVELS)}")
        return value
