"""Typed settings for Charter, read once from ``CHARTER_*`` variables and an optional TOML file.

Every field carries its help text; ``docs/settings.md`` lists them all, and a test fails when a
field is missing there. A loaded :class:`Settings` is frozen: nothing may change it at run time.

Precedence (highest first): keyword arguments, ``CHARTER_*`` environment variables, the TOML file
named by ``CHARTER_SETTINGS_FILE``, the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from charter.outbound import parse_entry

__all__ = ["Settings", "load_settings"]


def _default_threads() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


class Settings(BaseSettings):
    """All of Charter's settings. Environment variables are the field name, upper-cased, with the
    ``CHARTER_`` prefix (``data_dir`` → ``CHARTER_DATA_DIR``)."""

    model_config = SettingsConfigDict(env_prefix="CHARTER_", frozen=True, extra="forbid")

    data_dir: Path = Field(
        default=Path("charter-data"),
        description="Directory for the SQLite file, key files and exports. Created on first use.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store. Unset: a SQLite file `charter.db` in the data "
        "directory. For PostgreSQL: `postgresql+psycopg://user@host:5432/db`.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL (`redis://127.0.0.1:6379/0`). When set, the per-key rate-limit counters "
        "(requests and tokens per minute) live there, shared by every replica; Redis unreachable: "
        "`503 ratelimit_unavailable`. Nothing else uses it: policy caches are per replica "
        "(`CHARTER_POLICY_CACHE_TTL_S`).",
    )
    host: str = Field(default="127.0.0.1", description="Address `charter serve` binds to.")
    port: int = Field(default=8080, ge=1, le=65535, description="Port `charter serve` listens on.")
    workers: int = Field(default=1, ge=1, le=64, description="Uvicorn worker processes for `charter serve`.")
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body accepted on every route but uploads, in bytes (413 above it, "
        "before the body is read).",
    )
    max_upload_bytes: int = Field(
        default=67_108_864,
        ge=1024,
        description="Largest file accepted by the routes that take one (knowledge-base uploads), in "
        "bytes; streamed to disk, never held in memory (413 above it).",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="A client must send a request's headers within this many seconds of starting it "
        "(or of connecting); slower connections are closed (`charter serve`).",
    )
    body_timeout_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="A request's whole body must arrive within this many seconds of the request's "
        "start (408 `body_timeout` after that).",
    )
    raw_key_file: Path | None = Field(
        default=None,
        description="Key ring (JSON) for the encrypted raw tier. Unset: `keys/raw-tier.json` in the data "
        "directory, made by `charter init`.",
    )
    ledger_key_dir: Path | None = Field(
        default=None,
        description="Directory of the Ed25519 ledger signing keys. Unset: `keys/ledger` in the data "
        "directory, made by `charter init`.",
    )
    embedded_model: Literal["smollm2", "gemma3", "none"] = Field(
        default="smollm2",
        description="Embedded model registered by `charter init`: SmolLM2-135M-Instruct (default), "
        "Gemma 3 270M (base model, completion only) or none.",
    )
    llama_threads: int = Field(
        default_factory=_default_threads,
        ge=1,
        description="Threads for the embedded llama.cpp model. Default: CPU count minus one.",
    )
    llama_context: int = Field(default=2048, ge=256, description="Context window of the embedded model.")
    policy_cache_ttl_s: float = Field(
        default=1.0,
        ge=0.0,
        le=5.0,
        description="How long a replica may serve cached keys, charters, models and kill switches "
        "before re-reading them. Changes made through this replica apply at once; at most this "
        "long on other replicas (HO-4 asks ≤ 5 s).",
    )
    group_commit_max_batch: int = Field(
        default=256, ge=1, description="Most writes committed together in one transaction."
    )
    group_commit_max_wait_ms: float = Field(
        default=0.0,
        ge=0.0,
        le=50.0,
        description="How long the writer waits to fill a batch before committing. 0: commit what is queued.",
    )
    sqlite_synchronous: Literal["FULL", "NORMAL"] = Field(
        default="FULL",
        description="SQLite `synchronous` pragma. FULL survives power loss; NORMAL only a process crash.",
    )
    upstream_timeout_s: float = Field(default=60.0, gt=0, description="Timeout of one provider call.")
    upstream_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a failed provider call before falling back."
    )
    upstream_backoff_s: float = Field(
        default=0.05, ge=0, description="First retry delay; doubles on every retry (with jitter)."
    )
    circuit_failures: int = Field(
        default=5, ge=1, description="Consecutive failures that open an endpoint's circuit breaker."
    )
    circuit_reset_s: float = Field(
        default=30.0, gt=0, description="Seconds an open circuit waits before letting one probe through."
    )
    ledger_checkpoint_every: int = Field(
        default=1000, ge=1, description="Sign a ledger checkpoint after this many new entries."
    )
    ledger_checkpoint_interval_s: float = Field(
        default=10.0, gt=0, description="... or after this many seconds, whichever comes first."
    )
    refusal_flush_interval_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Rate-limited requests (429) and requests refused because Redis is down are counted "
        "in memory and written in aggregate this often (and at shutdown): one row per tenant, use case "
        "and code, one `refusals.aggregated` ledger entry per tenant.",
    )
    guard_cache_size: int = Field(
        default=8192,
        ge=0,
        le=10_000_000,
        description="Guard verdicts kept per process (LRU), keyed by guard version, the charter's "
        "options for it and a SHA-256 of the text: an unchanged system message or earlier turn is "
        "screened once. Entries hold findings, never text. 0: every text is screened every time.",
    )
    plugins: list[str] | None = Field(
        default=None,
        description="Allow-list of outside plugin names (entry points in group `charter`): only these are "
        "imported, and a name no installed package provides stops the start (`plugin_invalid`). Unset: "
        "every installed plugin loads; `[]`: built-ins only.",
    )
    secrets_file: Path | None = Field(
        default=None,
        description="Provider secrets (TOML, owner-only): named credentials, the tenants that may "
        "reference them and the hosts they may be sent to. Unset: `keys/secrets.toml` in the data "
        "directory when it exists, else no secrets.",
    )
    outbound_allow: list[str] = Field(
        default_factory=list,
        description="Where Charter may connect (model endpoints, embedders, eval targets, webhooks): "
        "`scheme://host[:port]` entries; host a DNS name, `*.suffix`, IP or CIDR; port a number or `*`. "
        "Empty (default): nothing outbound.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Log level of the server."
    )
    demo: bool = Field(
        default=True, description="`charter init` creates a demo tenant, use case and API key on first run."
    )

    @field_validator("outbound_allow")
    @classmethod
    def _allow_entries(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            parse_entry(entry)
        return entries

    @model_validator(mode="after")
    def _absolute_data_dir(self) -> Settings:
        if not self.data_dir.is_absolute():
            object.__setattr__(self, "data_dir", self.data_dir.resolve())
        return self

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'charter.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def effective_raw_key_file(self) -> Path:
        return self.raw_key_file or self.data_dir / "keys" / "raw-tier.json"

    @property
    def effective_ledger_key_dir(self) -> Path:
        return self.ledger_key_dir or self.data_dir / "keys" / "ledger"

    @property
    def effective_secrets_file(self) -> Path | None:
        if self.secrets_file is not None:
            return self.secrets_file
        default = self.data_dir / "keys" / "secrets.toml"
        return default if default.exists() else None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_file = os.environ.get("CHARTER_SETTINGS_FILE")
        if toml_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_file)))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment (and the optional file), with ``overrides`` on top."""
    return Settings(**overrides)
