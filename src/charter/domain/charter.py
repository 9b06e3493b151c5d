"""The charter: a use case's policy, as a typed value. Loading it from YAML lives in ``charter.policy``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal

from jsonschema import SchemaError
from jsonschema.validators import validator_for
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "ALERT_SIGNALS",
    "CLASSIFICATION_LEVELS",
    "DEFAULT_SCREEN_ROLES",
    "DRIFT_DETECTORS",
    "AlertRule",
    "Budget",
    "Charter",
    "ClassificationLevel",
    "ConsolePolicy",
    "DriftMonitor",
    "EmbeddingSample",
    "EndUsers",
    "EvalPolicy",
    "GuardAction",
    "GuardDirection",
    "GuardPolicy",
    "Inventory",
    "RateLimits",
    "ResponseCachePolicy",
    "ReviewRule",
    "RiskTier",
    "ScreenRole",
    "SuspendCriteria",
    "ToolSpec",
    "classification_rank",
]

#: Ordered data classification levels, lowest first. A model may serve a use case only when its
#: ceiling is at least the use case's ceiling (DP-6).
CLASSIFICATION_LEVELS: tuple[str, ...] = ("public", "internal", "confidential", "restricted", "secret")


def classification_rank(level: str) -> int:
    return CLASSIFICATION_LEVELS.index(level)


def _known_level(value: str) -> str:
    if value not in CLASSIFICATION_LEVELS:
        raise ValueError(f"must be one of {', '.join(CLASSIFICATION_LEVELS)}")
    return value


#: A field holding one of :data:`CLASSIFICATION_LEVELS` (a charter's ceiling, a model's).
ClassificationLevel = Annotated[str, AfterValidator(_known_level)]


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


class EndUsers(_Strict):
    """Who a request is for (SA-3, SA-5): the end user (pseudonymised) and the officer (in clear)."""

    header: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9-]{1,64}$",
        description="A request header naming the end user, read when the body has no `user` field.",
    )
    officer_header: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9-]{1,64}$",
        description="A request header naming the officer (staff member) an application asks for.",
    )
    required: bool = Field(default=False, description="Refuse a request that names no end user.")
    requests_per_minute: int | None = Field(default=None, ge=1, description="Per end user, besides the key's.")
    tokens_per_minute: int | None = Field(default=None, ge=1, description="Per end user, besides the key's.")


#: The signals an alert rule's ``metric`` may name, each computed over the rule's window for the use
#: case (charter.monitor.alerts.signals; docs/operations.md, Monitoring, Alerts).
ALERT_SIGNALS: tuple[str, ...] = (
    "requests",
    "error_rate",
    "refusal_rate",
    "provider_failure_rate",
    "latency_p50_ms",
    "latency_p95_ms",
    "ttft_p95_ms",
    "guard_hit_rate",
    "negative_feedback_rate",
    "rejection_rate",
    "review_queue_depth",
    "review_oldest_age_s",
    "cost",
    "budget_share",
)
#: The drift detectors an alert rule's ``detector`` may name (charter.monitor.drift).
DRIFT_DETECTORS: tuple[str, ...] = (
    "input_length",
    "output_length",
    "language_mix",
    "refusal_rate",
    "guard_hit_rate",
    "grounding_score",
    "negative_feedback_rate",
    "appeal_rate",
    "expert_score",
    "embedding_shift",
)


def _one_of(kind: str, names: tuple[str, ...]) -> Callable[[str], str]:
    """The check that a value names one entry of a catalogue (``kind``: what the entries are)."""

    def check(value: str) -> str:
        if value not in names:
            raise ValueError(f"unknown {kind} {value!r}; one of {', '.join(names)}")
        return value

    return check


_known_detector = _one_of("detector", DRIFT_DETECTORS)
#: A field naming one of :data:`ALERT_SIGNALS`.
AlertSignal = Annotated[str, AfterValidator(_one_of("metric", ALERT_SIGNALS))]
#: A field naming one of :data:`DRIFT_DETECTORS`.
DriftDetector = Annotated[str, AfterValidator(_known_detector)]

_DURATION = re.compile(r"^([1-9][0-9]{0,4})([smhd])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_s(text: str) -> int:
    """Seconds in a duration such as ``90s``, ``15m``, ``1h``, ``7d`` (ValueError otherwise)."""
    found = _DURATION.match(text)
    if found is None:
        raise ValueError("a duration is a whole number and a unit s, m, h or d, such as 15m or 1h")
    return int(found.group(1)) * _UNIT_S[found.group(2)]


class AlertRule(_Strict):
    """One alert rule: a signal (``metric``) crossing a bound, or a drift ``detector`` whose latest
    finding drifted, over a window (ME-4). See docs/charter.md, ``alerts:``."""

    model_config = ConfigDict(populate_by_name=True)

    name: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$",
        description="Alert name; default the metric, or drift.<detector>.",
    )
    metric: AlertSignal | None = Field(default=None, description="A signal from the catalogue (ALERT_SIGNALS).")
    detector: DriftDetector | None = Field(
        default=None, description="A drift detector: fires when its latest finding drifted."
    )
    guard: str | None = Field(default=None, description="guard_hit_rate of this guard only.")
    above: float | None = None
    below: float | None = None
    window: str = Field(default="15m", description="How far back the signal is computed: 90s, 15m, 1h, 7d.")
    for_: str | None = Field(default=None, alias="for", description="The condition must hold this long first.")
    min_events: int = Field(default=1, ge=0, description="Fewest events in the window before a rate counts.")
    severity: Literal["info", "warning", "critical"] = "warning"

    @field_validator("window", "for_")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and duration_s(value) > 31 * 86400:
            raise ValueError("at most 31d")
        return value

    @model_validator(mode="after")
    def _one_condition(self) -> AlertRule:
        if (self.metric is None) == (self.detector is None):
            raise ValueError("give exactly one of metric and detector")
        if self.metric is not None and (self.above is None) == (self.below is None):
            raise ValueError("a metric rule gives exactly one of above and below")
        if self.detector is not None and (self.above is not None or self.below is not None):
            raise ValueError("a detector rule fires when the detector finds drift: no above or below")
        if self.guard is not None and self.metric != "guard_hit_rate":
            raise ValueError("guard narrows guard_hit_rate only")
        return self

    @property
    def alert_name(self) -> str:
        return self.name or (self.metric if self.metric is not None else f"drift.{self.detector}")

    @property
    def window_s(self) -> int:
        return duration_s(self.window)

    @property
    def for_s(self) -> int:
        return 0 if self.for_ is None else duration_s(self.for_)

    def breached(self, value: float) -> bool:
        return value > self.above if self.above is not None else value < (self.below or 0.0)


class Budget(_Strict):
    """A spending limit per period (docs/charter.md, ``budget:``): ``alert_at`` of it fires
    ``budget.share`` once a period; at the limit the gateway refuses with ``429 budget_exceeded``."""

    limit: float = Field(gt=0, description="Spend allowed per period, in the currency of the model prices.")
    period: Literal["day", "month"] = "month"
    alert_at: float | None = Field(default=0.8, gt=0, le=1, description="Share of the limit that alerts.")


#: A tool's name, as OpenAI allows it (letters, digits, ``_`` and ``-``, at most 64).
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ToolSpec(_Strict):
    """A tool the use case may offer the model (``tools:``): what a request's ``tools`` entry of the
    same name must say. Its ``parameters`` are a JSON Schema (draft 2020-12 unless it names another
    ``$schema``) with an object at the top, checked when the charter is applied; a request must send
    exactly this schema, and the arguments the model writes are validated against it."""

    description: str = Field(default="", description="What the model is told the tool does (a request may "
                             "leave it out or send the same text).")
    parameters: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}},
        description="JSON Schema of the arguments (an object); default: no arguments.",
    )

    @field_validator("parameters")
    @classmethod
    def _a_schema(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value.get("type") != "object":
            raise ValueError('must be a JSON Schema with `type: object` at the top (arguments are an object)')
        try:
            validator_for(value).check_schema(value)
        except SchemaError as exc:
            where = "/".join(str(p) for p in exc.path) or "the top"
            raise ValueError(f"is not a valid JSON Schema at {where}: {exc.message}") from None
        return value


class EvalPolicy(_Strict):
    """``eval:`` — Charter runs the use case's evaluation suite by itself (ME-2; docs/charter.md)."""

    schedule: str | None = Field(
        default=None,
        description="How often the scheduler runs the suite on the production variant, then the drift "
        "check: a duration from 5m to 366d (30m, 6h, 1d). Unset: only when someone runs it.",
    )

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str | None) -> str | None:
        if value is not None and not 300 <= duration_s(value) <= 366 * 86400:
            raise ValueError("a schedule is from 5m to 366d, such as 1h or 1d")
        return value

    @property
    def schedule_s(self) -> int | None:
        return None if self.schedule is None else duration_s(self.schedule)


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


class EmbeddingSample(_Strict):
    """Opt-in: keep the input embedding of a sample of requests, for the embedding-shift detector."""

    embedder: str = Field(
        default="minilm", pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$", description="A registered embedder."
    )
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)
    sample_rate: float = Field(default=0.1, gt=0.0, le=1.0, description="Share of requests whose input is embedded.")
    max_chars: int = Field(default=2000, ge=16, le=100_000, description="Input characters embedded (the last ones).")


class DriftMonitor(_Strict):
    """Production drift and bias detection (ME-2, ME-4): the ``recent`` window against the ``baseline``
    window just before it, overall and per segment, false alarms controlled across all tests."""

    baseline: str = Field(default="7d", description="Length of the baseline window (15m, 12h, 7d).")
    recent: str = Field(default="1d", description="Length of the recent window, ending now.")
    min_events: int = Field(default=50, ge=10, le=10_000_000, description="Fewest events in each window to test.")
    segments: list[str] = Field(
        default_factory=list, max_length=8, description="language and/or metadata.<key> of the request."
    )
    alpha: float = Field(default=0.01, gt=0.0, le=0.2, description="False-alarm level after correction.")
    correction: Literal["bh", "bonferroni"] = "bh"
    detectors: list[str] | None = Field(default=None, min_length=1, description="Default: every detector.")
    embeddings: EmbeddingSample | None = None

    @field_validator("baseline", "recent")
    @classmethod
    def _window(cls, value: str) -> str:
        if duration_s(value) > 366 * 86400:
            raise ValueError("a window is at most 366d")
        return value

    @field_validator("segments")
    @classmethod
    def _segments(cls, value: list[str]) -> list[str]:
        for name in value:
            if name != "language" and not re.fullmatch(r"metadata\.[A-Za-z0-9_-]{1,64}", name):
                raise ValueError(f"{name!r} is not a segment: write language or metadata.<key>")
        if len(set(value)) != len(value):
            raise ValueError("lists a segment twice")
        return value

    @field_validator("detectors")
    @classmethod
    def _detectors(cls, value: list[str] | None) -> list[str] | None:
        for name in value or []:  # checked here, not per item, so that an error names the field
            _known_detector(name)
        return value

    @property
    def baseline_s(self) -> int:
        return duration_s(self.baseline)

    @property
    def recent_s(self) -> int:
        return duration_s(self.recent)


class ResponseCachePolicy(_Strict):
    """``cache:`` — answer repeated questions from the response cache (RR-2; docs/charter.md). Off
    unless a charter has this section."""

    mode: Literal["exact", "semantic"] = Field(
        default="exact",
        description="exact: the same composed prompt and parameters; semantic: also a question whose "
        "embedding is at least `threshold` similar (cosine) to a cached one.",
    )
    ttl_s: int = Field(default=3600, ge=1, le=30 * 86400, description="How long a cached answer may be served.")
    threshold: float | None = Field(
        default=None, gt=0.0, le=1.0, description="semantic only: the least cosine similarity (default 0.95)."
    )
    embedder: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$",
        description="semantic only: a registered embedder (default minilm).",
    )
    options: dict[str, str | int | float | bool] = Field(default_factory=dict, description="The embedder's options.")

    @model_validator(mode="after")
    def _semantic_fields(self) -> ResponseCachePolicy:
        if self.mode == "exact" and (self.threshold is not None or self.embedder is not None or self.options):
            raise ValueError("threshold, embedder and options apply to mode: semantic only")
        return self

    @property
    def similarity(self) -> float:
        """The least cosine similarity of a semantic hit."""
        return 0.95 if self.threshold is None else self.threshold

    @property
    def embedder_name(self) -> str:
        return self.embedder or "minilm"


class ConsolePolicy(_Strict):
    """``console:`` — what the web console offers for this use case (docs/console.md, Citizen chat)."""

    public_chat: bool = Field(
        default=False,
        description="Serve the citizen chat page /console/chat/<tenant>/<use case> (no sign-in).",
    )
    operator: str = Field(
        default="", max_length=200,
        description="Who runs the service, named in the page's AI notice (HO-6); required with public_chat.",
    )
    title: str = Field(default="", max_length=120, description="The page's heading (default: description, else name).")

    @model_validator(mode="after")
    def _operator_named(self) -> ConsolePolicy:
        if self.public_chat and not self.operator.strip():
            raise ValueError("public_chat: true needs `operator`: who runs the service (shown in the AI notice)")
        return self


class Charter(_Strict):
    """A use case's policy. Every applied change becomes a new, immutable version."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="Use case name, lower-case slug.")
    tenant: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    description: str = ""
    risk_tier: RiskTier = RiskTier.limited
    classification_ceiling: ClassificationLevel = "internal"
    models: list[str] = Field(min_length=1, description="Allowed model aliases; the first is the default.")
    regions: list[str] = Field(min_length=1, description="Hosting regions a model may be in (DP-8).")
    system_prompt: str = ""
    prompt: str | None = Field(default=None, description="Registered prompt name (prompt registry).")
    prompt_label: str = "production"
    guards: dict[str, GuardPolicy] = Field(default_factory=dict)
    review: ReviewRule = Field(default_factory=ReviewRule)
    retention_days: int = Field(default=365, ge=1, le=36500)
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    end_users: EndUsers = Field(default_factory=EndUsers)
    max_input_chars: int = Field(default=8000, ge=1, le=1_000_000)
    kill_switch: bool = False
    outage_message: str = (
        "This service is temporarily unavailable. Please use the manual process or contact the agency."
    )
    knowledge_bases: list[str] = Field(default_factory=list)
    top_k: int = Field(default=4, ge=1, le=50)
    may_train: bool = False
    training_consent: Literal["required", "implied"] = Field(
        default="required",
        description="Whose consent lets a reviewed answer into training data (DP-7, docs/learning.md): "
        "`required`, the record's own (the request's x-charter-training-consent: true, or feedback with "
        "consent: true); `implied`, the use case's notice covers it unless the request said false.",
    )
    trace_content: bool = Field(
        default=False,
        description="Traces (CHARTER_OTLP_ENDPOINT) may carry the prompt and answer text "
        "(gen_ai.input.messages / gen_ai.output.messages); default: counts, ids and verdicts only.",
    )
    suspend_when: SuspendCriteria | None = None
    monitor: DriftMonitor | None = None
    inventory: Inventory = Field(default_factory=Inventory)
    alerts: list[AlertRule] = Field(default_factory=list, description="Alert rules (ME-4).")
    budget: Budget | None = None
    eval: EvalPolicy | None = Field(default=None, description="Scheduled suite runs (eval.schedule).")
    cache: ResponseCachePolicy | None = Field(default=None, description="The response cache (off when absent).")
    tools: dict[str, ToolSpec] = Field(
        default_factory=dict, description="Tools a request may offer the model, by name (tool calling)."
    )
    console: ConsolePolicy = Field(default_factory=ConsolePolicy, description="The console's citizen chat page.")

    @field_validator("tools")
    @classmethod
    def _tool_names(cls, value: dict[str, ToolSpec]) -> dict[str, ToolSpec]:
        for name in value:
            if not TOOL_NAME.match(name):
                raise ValueError(f"tool name {name[:80]!r} must be 1 to 64 letters, digits, `_` or `-`")
        return value

    @property
    def is_high_impact(self) -> bool:
        """The one rule for "high-impact" (OMB M-25-21), read by oversight (every answer held for a
        person, HO-2), the inventory export (MD-4) and the model-change gate (MD-3): ``risk_tier:
        high-impact`` or ``inventory.is_high_impact: true``. Either is enough; ``is_high_impact:
        false`` does not lower a ``high-impact`` tier (fail closed)."""
        return self.risk_tier is RiskTier.high_impact or self.inventory.is_high_impact is True
