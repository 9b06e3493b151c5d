"""The exchange: one request on its way through the governed pipeline (in memory only). Its public
names are listed once, in the package's ``__all__`` (:mod:`charter.domain`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from charter.domain.charter import Charter

if TYPE_CHECKING:
    from sqlalchemy import Connection

Outcome = Literal["pass", "redact", "warn", "block", "review", "skip", "release", "hold", "fail"]
ROLES: tuple[str, ...] = ("admin", "developer", "reviewer", "auditor", "app")


@dataclass(slots=True, frozen=True)
class Principal:
    """Who is calling: an API key, with its role, tenant and (for app keys) use case."""

    key_id: str
    tenant_id: str
    tenant: str
    role: str
    use_case: str | None
    scopes: tuple[str, ...] = ()
    platform: bool = False  # may manage every tenant


@dataclass(slots=True)
class ChatMessage:
    role: str
    content: str
    name: str | None = None
    #: An ``assistant`` message's tool calls, as OpenAI sends them (``[{"id", "type": "function",
    #: "function": {"name", "arguments"}}]``; arguments a JSON text), checked when the request is read.
    tool_calls: list[dict[str, Any]] | None = None
    #: A ``tool`` message's answer to which call (the ``id`` of an earlier assistant tool call).
    tool_call_id: str | None = None

    def wire(self) -> dict[str, Any]:
        """The message as OpenAI's wire form (what a provider and the raw record get)."""
        item: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.name:
            item["name"] = self.name
        if self.tool_calls:
            item["tool_calls"] = self.tool_calls
            if not self.content:
                item["content"] = None
        if self.tool_call_id is not None:
            item["tool_call_id"] = self.tool_call_id
        return item


@dataclass(slots=True)
class GenerationParams:
    model: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: list[str] | None = None
    seed: int | None = None
    stream: bool = False
    include_usage: bool = False
    #: OpenAI's ``response_format`` when it asks for JSON (``json_object`` or ``json_schema``); None
    #: for plain text. The parser keeps the client's object as sent (checked, never rewritten).
    response_format: dict[str, Any] | None = None
    logprobs: bool = False
    top_logprobs: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    logit_bias: dict[str, float] | None = None
    service_tier: str | None = None
    #: Only ``False`` is accepted (``store: true`` is refused when the request is read).
    store: bool | None = None
    #: Tool calling: the tools offered (OpenAI's ``[{"type": "function", "function": {"name",
    #: "description", "parameters", "strict"}}]``, checked against the charter's ``tools``), and how
    #: the model may use them. None: not set.
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None

    @property
    def json_mode(self) -> bool:
        return self.response_format is not None


@dataclass(slots=True, frozen=True)
class Finding:
    """Something a guard found: character offsets into the text it was given, never the value."""

    guard: str
    type: str
    start: int
    end: int
    score: float
    guard_version: str = "1"


@dataclass(slots=True, frozen=True)
class ContentFilter:
    """Why the answer was cut: the output guard (or ``response_format``, the JSON-mode check) and the
    types of what it found; the client sees it as ``charter.content_filter``."""

    guard: str
    types: tuple[str, ...]
    #: A cut tool call (charter.gateway.tools): the tool's name, the call's id and why, in words
    #: that name the schema rule or guard, never the argument's value.
    tool: str | None = None
    tool_call_id: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"guard": self.guard, "types": list(self.types)}
        for key in ("tool", "tool_call_id", "reason"):
            value = getattr(self, key)
            if value is not None:
                body[key] = value
        return body


@dataclass(slots=True, frozen=True)
class Grounding:
    """How well the answer is grounded in its context (``1 -`` the grounding guard's risk), and by
    which guard; read by the review rule ``review.grounding_below``, shown as ``charter.grounding``."""

    score: float
    guard: str

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "guard": self.guard}


#: What the response cache did for an exchange (``interactions.cache``; charter.gateway.cache):
#: ``hit`` (answered from the cache), ``miss`` (looked up, not there), ``error`` (the cache could not be
#: read: answered as a miss), ``bypass`` (not looked up: per-user variables or a guard finding).
CacheResult = Literal["hit", "miss", "error", "bypass"]


@dataclass(slots=True)
class CacheNote:
    """The cache stage's note for the record and the client, and what storing the answer needs."""

    result: CacheResult
    #: The charter's ``cache.mode``; for a hit, how it was found (``exact`` or ``semantic``).
    mode: str = "exact"
    key: str | None = None
    #: The semantic partition (everything in the key but the question) and the question's embedding.
    partition: str | None = None
    vector: bytes | None = None
    #: A hit: the interaction whose answer was served, and the similarity of a semantic hit.
    source: str | None = None
    similarity: float | None = None


@dataclass(slots=True)
class StageVerdict:
    stage: str
    outcome: Outcome
    detail: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"stage": self.stage, "outcome": self.outcome}
        if self.detail:
            record["detail"] = self.detail
        if self.findings:
            record["findings"] = [
                {
                    "guard": f.guard,
                    "type": f.type,
                    "start": f.start,
                    "end": f.end,
                    "score": round(f.score, 4),
                    "guard_version": f.guard_version,
                }
                for f in self.findings
            ]
        return record


@dataclass(slots=True, frozen=True)
class ModelEntry:
    """A registered model version behind a provider."""

    id: str
    tenant_id: str
    alias: str
    provider: str
    endpoint: str | None
    platform_model_id: str
    version: str
    region: str
    classification_ceiling: str
    context_window: int
    price_prompt_per_1k: float
    price_completion_per_1k: float
    weight: int
    enabled: bool
    no_train: bool = True
    #: Name of the operator-defined provider secret the entry references (never its value).
    secret: str | None = None
    #: What the self-hosted hardware behind it costs an hour (charter.monitor.cost: busy-time attribution).
    hourly_cost: float = 0.0
    #: The model registry's version of this entry (charter.training.registry), its state (``serving``,
    #: ``candidate``, ...) and the SHA-256 of the weights file it loads, recorded at registration: the
    #: embedded provider refuses a file that no longer matches (None: not a registered version).
    registry_version: int | None = None
    registry_state: str | None = None
    file_sha256: str | None = None
    #: A canary of this version (charter.training.canary): its id and the share of the alias's traffic
    #: it takes (by request id); None when the entry is not a canary.
    canary_id: str | None = None
    canary_share: float = 0.0


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class Exchange:
    """Everything the stages know about one request. Stages read and write it; the record stage
    turns it into an interaction."""

    request_id: str
    principal: Principal
    use_case_id: str
    charter: Charter
    charter_version: int
    messages: list[ChatMessage]
    params: GenerationParams
    started: float = field(default_factory=time.perf_counter)
    received_at: float = field(default_factory=time.time)
    conversation_id: str | None = None
    #: The end user's pseudonymous id (charter.identity.subjects); never the identifier itself.
    subject_id: str | None = None
    #: The officer (staff member) the application asks for, as it named them (``end_users.officer_header``).
    officer: str | None = None
    #: The request's x-charter-training-consent header (charter.identity.subjects; None: not said).
    training_consent: bool | None = None
    #: The request's ``metadata`` object; only the keys a charter names (``monitor.segments``) are kept.
    metadata: dict[str, Any] = field(default_factory=dict)
    verdicts: list[StageVerdict] = field(default_factory=list)
    context: list[dict[str, Any]] = field(default_factory=list)  # retrieved chunks (ground stage)
    prompt_messages: list[ChatMessage] | None = None  # what the provider gets (compose stage)
    prompt_version_id: str | None = None
    model: ModelEntry | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""
    #: The answer as the model wrote it, before output guards and pseudonym restoring changed ``output``.
    model_output: str = ""
    #: The model's token log probabilities (OpenAI's ``choices[].logprobs``), when the client asked.
    logprobs: dict[str, Any] | None = None
    finish_reason: str = "stop"
    usage: Usage = field(default_factory=Usage)
    ttft_ms: float | None = None
    status: str = "ok"
    error_code: str | None = None
    held_review_id: str | None = None
    #: The request's ``metadata.variables`` (compose renders the prompt with them; never echoed back).
    variables: dict[str, Any] | None = None
    #: The sources the ground stage gave the model (None: the use case has no knowledge base).
    citations: list[dict[str, Any]] | None = None
    #: The answer's grounding score (guards stage), for the review rule and the client.
    grounding: Grounding | None = None
    #: Set by the cache stage when the charter turns the response cache on.
    cache: CacheNote | None = None
    #: Set when an output guard or the JSON-mode check cut the answer.
    content_filter: ContentFilter | None = None
    #: The tool calls the model made (OpenAI's ``message.tool_calls``), once checked against the
    #: charter's schemas and screened (charter.gateway.tools); None: it made none.
    tool_calls: list[dict[str, Any]] | None = None
    #: The tool calls as the model wrote them (a copy, before they were withheld, redacted or had
    #: pseudonyms put back): what the record keeps.
    model_tool_calls: list[dict[str, Any]] | None = None
    #: Why ``logprobs`` were withheld (an output guard changed the answer).
    logprobs_withheld: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    vault: dict[str, str] = field(default_factory=dict)  # pseudonym -> real value, this exchange only
    persist_raw: bool = True  # False when blocked text must not be stored (DP-1)
    #: Extra writes that must commit in the same transaction as the interaction record (review
    #: items, citations, ...): ``fn(conn, interaction_id)``, run by the record stage, in order, after
    #: it inserts the interaction; what they return is ignored.
    writes: list[Callable[[Connection, str], object]] = field(default_factory=list)
    #: When each pipeline stage ran: ``(stage, start, end)`` in epoch nanoseconds, appended by the
    #: pipeline and the record stage; the trace's child spans (charter.monitor.tracing) are built from it.
    stage_times: list[tuple[str, int, int]] = field(default_factory=list)

    def verdict(self, stage: str, outcome: Outcome = "pass", **detail: Any) -> StageVerdict:
        v = StageVerdict(stage=stage, outcome=outcome, detail=dict(detail))
        self.verdicts.append(v)
        return v

    @property
    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000.0
