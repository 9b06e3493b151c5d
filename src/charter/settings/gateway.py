"""Settings of the gateway: the embedded model, caches, upstream calls and what may go outbound."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, field_validator

from charter.outbound import parse_entry
from charter.settings.section import Section

__all__ = ["GatewaySettings"]


def _default_threads() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


class GatewaySettings(Section):
    """How the gateway serves a request (part of :class:`~charter.settings.Settings`)."""

    redis_url: str | None = None
    """Redis URL (`redis://127.0.0.1:6379/0`). When set, the per-key rate-limit counters (requests and tokens per
    minute) and each charter budget's spend this period live there, shared by every replica; Redis unreachable:
    `503 ratelimit_unavailable` (`503 budget_unavailable` for a use case with a budget). The response cache of
    charters with `cache:` keeps answers there too (unreachable: answered as a miss). `/readyz` and `charter doctor`
    ping it. Policy caches are per replica (`CHARTER_POLICY_CACHE_TTL_S`)."""
    embedded_model: Literal["smollm2", "gemma3", "none"] = "smollm2"
    """Embedded model registered by `charter init`: SmolLM2-135M-Instruct (default), Gemma 3 270M (base model,
    completion only) or none."""
    llama_threads: int = Field(default_factory=_default_threads, ge=1)
    """Threads for the embedded llama.cpp model. Default: CPU count minus one."""
    llama_context: int = Field(default=2048, ge=256)
    """Context window of the embedded model."""
    policy_cache_ttl_s: float = Field(default=1.0, ge=0.0, le=5.0)
    """How long a replica may serve cached keys, charters, models and kill switches before re-reading them. Changes
    made through this replica apply at once; at most this long on other replicas (HO-4 asks ≤ 5 s)."""
    response_cache_max_entries: int = Field(default=10_000, ge=1, le=10_000_000)
    """Most answers the in-memory response cache of one process keeps (charters with `cache:`, no
    `CHARTER_REDIS_URL`); the least recently used go first."""
    response_cache_timeout_s: float = Field(default=0.25, gt=0.0, le=10.0)
    """How long the gateway waits for Redis on a response-cache read or write before it answers as a miss (the
    request goes on to the model; counted as `result="error"`)."""
    upstream_timeout_s: float = Field(default=60.0, gt=0)
    """Timeout of one provider call."""
    upstream_retries: int = Field(default=2, ge=0, le=10)
    """Retries of a failed provider call before falling back."""
    upstream_backoff_s: float = Field(default=0.05, ge=0)
    """First retry delay; doubles on every retry (with jitter)."""
    circuit_failures: int = Field(default=5, ge=1)
    """Consecutive failures that open an endpoint's circuit breaker."""
    circuit_reset_s: float = Field(default=30.0, gt=0)
    """Seconds an open circuit waits before letting one probe through."""
    refusal_flush_interval_s: float = Field(default=10.0, gt=0, le=3600)
    """Rate-limited requests (429) and requests refused because Redis is down are counted in memory and written in
    aggregate this often (and at shutdown): one row per tenant, use case and code, one `refusals.aggregated` ledger
    entry per tenant."""
    guard_cache_size: int = Field(default=8192, ge=0, le=10_000_000)
    """Guard verdicts kept per process (LRU), keyed by guard version, the charter's options for it and a SHA-256 of
    the text: an unchanged system message or earlier turn is screened once. Entries hold findings, never text. 0:
    every text is screened every time."""
    outbound_allow: list[str] = Field(default_factory=list)
    """Where Charter may connect (model endpoints, embedders, eval targets, webhooks): `scheme://host[:port]`
    entries; host a DNS name, `*.suffix`, IP or CIDR; port a number or `*`. Empty (default): nothing outbound."""

    @field_validator("outbound_allow")
    @classmethod
    def _allow_entries(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            parse_entry(entry)
        return entries
