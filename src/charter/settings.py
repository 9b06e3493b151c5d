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

from pydantic import Field, SecretStr, field_validator, model_validator
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


#: Signature algorithms single sign-on may accept: asymmetric only (``none`` and HS* never).
_TOKEN_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
)


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
        "(requests and tokens per minute) and each charter budget's spend this period live there, shared by "
        "every replica; Redis unreachable: `503 ratelimit_unavailable` (`503 budget_unavailable` for a use "
        "case with a budget). The response cache of charters with `cache:` keeps answers there too "
        "(unreachable: answered as a miss). `/readyz` and `charter doctor` ping it. Policy "
        "caches are per replica "
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
    response_cache_max_entries: int = Field(
        default=10_000,
        ge=1,
        le=10_000_000,
        description="Most answers the in-memory response cache of one process keeps (charters with "
        "`cache:`, no `CHARTER_REDIS_URL`); the least recently used go first.",
    )
    response_cache_timeout_s: float = Field(
        default=0.25,
        gt=0.0,
        le=10.0,
        description="How long the gateway waits for Redis on a response-cache read or write before it "
        "answers as a miss (the request goes on to the model; counted as `result=\"error\"`).",
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
    scheduler: Literal["on", "off"] = Field(
        default="on",
        description="`on`: this replica's server takes part in running the scheduled jobs (`charter jobs "
        "list`); a lease in the store lets exactly one replica run each job per interval. `off`: this "
        "replica never runs jobs (others still do).",
    )
    scheduler_poll_s: float = Field(
        default=1.0, gt=0, le=60, description="How often the scheduler looks for due jobs (one read)."
    )
    job_lease_s: float = Field(
        default=60.0,
        ge=1,
        le=3600,
        description="A running job's lease; its replica renews it every third of this. A replica that "
        "crashes mid-run loses the job to another replica this long after its last renewal.",
    )
    job_intervals: dict[str, float] = Field(
        default_factory=dict,
        description='Per-job interval overrides in seconds, e.g. `{"oversight.sweep": 30}` (JSON). A '
        "name that is not a job stops the scheduler's start.",
    )
    health_ledger_max_pending: int = Field(
        default=10_000,
        ge=1,
        description="`/readyz` fails when more ledger entries than this wait for a signed checkpoint.",
    )
    health_ledger_max_age_s: float = Field(
        default=300.0,
        gt=0,
        description="`/readyz` fails when the oldest ledger entry waiting for a signed checkpoint is older "
        "than this many seconds (the checkpointer is behind or failing).",
    )
    health_job_failures: int = Field(
        default=3, ge=1, description="Consecutive failed runs of one job that `/readyz` reports."
    )
    health_timeout_s: float = Field(
        default=5.0, gt=0, le=60, description="Each `/readyz` / `charter doctor` check fails after this many seconds."
    )
    readyz_detail: Literal["loopback", "key"] = Field(
        default="loopback",
        description="Who sees which `/readyz` checks failed and why: `loopback` (callers on 127.0.0.1/::1, "
        "or with an admin or auditor key) or `key` (only with an admin or auditor key; use it when a proxy "
        "on the same host forwards outside traffic). Everyone else gets the bare status.",
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
    tls_certfile: Path | None = Field(
        default=None,
        description="`charter serve` speaks HTTPS with this certificate chain (PEM); set with `tls_keyfile`. "
        "Unset: plain HTTP (behind a TLS-terminating proxy, or on loopback).",
    )
    tls_keyfile: Path | None = Field(
        default=None, description="The private key (PEM, owner-only) of `tls_certfile`."
    )
    upstream_ca_bundle: Path | None = Field(
        default=None,
        description="CA certificates (PEM) Charter trusts for HTTPS to model servers, embedders, webhooks and "
        "alert sinks, instead of the system's: an agency's internal CA. Certificates are always verified.",
    )
    alerts_file: Path | None = Field(
        default=None,
        description="Alert sinks and platform-wide alert rules (YAML: `sinks:`, `rules:`; docs/operations.md, "
        "Alerts). Unset: no sinks (alerts are recorded, ledgered and logged) and no platform rules.",
    )
    connectors_file: Path | None = Field(
        default=None,
        description="Connectors the workflow engine may call (YAML: `connectors:`, each with its `kind` "
        "(http, sql, knowledge or a plugin's), `tenants` and options; docs/workflows.md, Connectors). "
        "Credentials come from the secrets file by name, never from this file. Unset: no connectors.",
    )
    alert_repeat_interval_s: float = Field(
        default=14_400.0,
        ge=60,
        description="An alert still firing is notified again after this many seconds (default 4 h).",
    )
    alert_evaluate_interval_s: float = Field(
        default=60.0, ge=5, le=3600, description="How often the `alerts.evaluate` job evaluates every alert rule."
    )
    alert_retry_base_s: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="First retry delay of a notice a sink failed to deliver; doubles on every failure.",
    )
    alert_retry_max_s: float = Field(
        default=900.0, gt=0, le=86_400, description="Longest delay between two delivery attempts of a notice."
    )
    alert_max_attempts: int = Field(
        default=50, ge=1, le=10_000, description="Delivery attempts of one notice before it is given up (`dead`)."
    )
    drift_check_interval_s: float = Field(
        default=3600.0,
        ge=60,
        le=7 * 86400,
        description="How often the `drift.check` job compares each monitored use case's recent window with its "
        "baseline (charter `monitor:`; docs/operations.md, Production drift and bias).",
    )
    drift_max_events: int = Field(
        default=50_000,
        ge=100,
        le=5_000_000,
        description="Most interactions (the newest) and sampled embeddings a drift run reads per window.",
    )
    training_poll_interval_s: float = Field(
        default=60.0,
        gt=0,
        le=86_400,
        description="How often the `training.run` job looks for a queued fine-tuning job, or one whose process "
        "died (resumed from its last checkpoint); docs/learning.md, Fine-tuning.",
    )
    training_stale_s: float = Field(
        default=600.0,
        ge=5,
        le=7 * 86_400,
        description="A running fine-tuning job whose heartbeat is older than this is taken to have died and is "
        "resumed by the next `training.run` (its process refreshes the heartbeat every few seconds).",
    )
    training_cpu_hour_price: float = Field(
        default=0.05,
        ge=0,
        description="What one CPU-hour of fine-tuning costs (the currency of model prices): a job's cost is its "
        "CPU seconds times this plus its GPU seconds times `CHARTER_TRAINING_GPU_HOUR_PRICE`.",
    )
    training_gpu_hour_price: float = Field(
        default=2.5,
        ge=0,
        description="What one GPU-hour of fine-tuning costs (a job on a GPU counts its wall time on it).",
    )
    canary_evaluate_interval_s: float = Field(
        default=60.0,
        gt=0,
        le=86_400,
        description="How often the `models.canary` job compares each running canary's live signals with the "
        "serving version's, withdrawing it on a regression (docs/learning.md, Canary).",
    )
    vector_index: Literal["auto", "hnsw", "exact"] = Field(
        default="auto",
        description="Dense retrieval over a knowledge base's vectors. `auto`: pgvector on PostgreSQL when the "
        "`vector` extension is installed in the database, otherwise an HNSW index (usearch) for knowledge bases "
        "of at least `CHARTER_VECTOR_INDEX_MIN_CHUNKS` vectors and exact search below; `hnsw`: the usearch index "
        "even where pgvector is installed; `exact`: exact cosine over every stored vector (docs/knowledge.md).",
    )
    vector_index_min_chunks: int = Field(
        default=20_000,
        ge=0,
        le=1_000_000_000,
        description="Knowledge bases with fewer stored vectors than this use exact search (exact results; "
        "~2 ms per query at 20,000 x 384); at or above it, the approximate index.",
    )
    vector_index_ef: int = Field(
        default=128,
        ge=16,
        le=4096,
        description="HNSW search beam (usearch `expansion_search`, pgvector `hnsw.ef_search`): higher is "
        "closer to exact search and slower. At least the number of candidates asked for (50).",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Log level of the server."
    )
    metrics_enabled: bool = Field(
        default=True,
        description="Count every exchange in Prometheus metrics and serve them at `GET /metrics` "
        "(docs/operations.md, Monitoring). Off: nothing is counted and `/metrics` is `404 metrics_disabled`.",
    )
    metrics_access: Literal["loopback", "key", "open"] = Field(
        default="loopback",
        description="Who may read `GET /metrics`: `loopback` = clients on the same host without a key, "
        "others with an admin or auditor key (or a key with the `metrics` scope); `key` = always such a "
        "key; `open` = anyone who can reach the port.",
    )
    metrics_label_limit: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Most distinct values a metric label (tenant, use case, model, guard, error code) "
        "takes in one process; later values are counted under `other`.",
    )
    metrics_store_cache_s: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="How long the store-derived metrics (review queue, review items, feedback, ledger "
        "lag) computed for one scrape are reused by the next.",
    )
    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces endpoint (`http://collector:4318`; `/v1/traces` is added when "
        "the path does not end with it). Unset (default): no traces. It must be on "
        "`CHARTER_OUTBOUND_ALLOW`.",
    )
    otlp_timeout_s: float = Field(
        default=5.0, gt=0, le=60, description="Timeout of one OTLP export; a failed export is logged and dropped."
    )
    demo: bool = Field(
        default=True, description="`charter init` creates a demo tenant, use case and API key on first run."
    )
    ray_address: str | None = Field(
        default=None,
        description="Ray cluster over which `charter eval run` fans evaluation items out, `charter kb ingest` "
        "reads files and training jobs train (one Ray task each) (docs/operations.md, "
        "Batch work on Ray): `auto`, `host:6379`, `ray://head:10001`, or `local` (start Ray on this machine for "
        "the run). Needs `pip install 'charter[ray]'`. Unset (default): one process, unless `--ray` is given.",
    )
    ray_workers: int | None = Field(
        default=None,
        ge=1,
        le=4096,
        description="Ray actors (one CPU each) an evaluation run or an ingestion uses. Unset: one per CPU of the "
        "cluster.",
    )

    oidc_issuer: str | None = Field(
        default=None,
        description="Single sign-on: the OpenID provider's issuer URL (the exact `iss` of its tokens). Charter reads "
        "its discovery document and JWKS through the outbound allow-list. Unset (default): people use API keys.",
    )
    oidc_audiences: list[str] = Field(
        default_factory=list,
        description="Accepted `aud` values of bearer tokens: Charter's client id (ID tokens) and/or the API's "
        "resource identifier (JWT access tokens). Required with `oidc_issuer`.",
    )
    oidc_client_id: str | None = Field(
        default=None,
        description="Charter's client id at the provider: the audience of back-channel logout tokens "
        "(default: the first of `oidc_audiences`).",
    )
    oidc_algorithms: list[str] = Field(
        default_factory=lambda: ["RS256", "ES256", "EdDSA"],
        description="Signature algorithms accepted on tokens (asymmetric only: never `none`, never HS*).",
    )
    oidc_leeway_s: int = Field(default=60, ge=0, le=600, description="Clock skew allowed on `exp`, `nbf` and `iat`.")
    oidc_max_token_age_s: int = Field(
        default=86400,
        ge=60,
        description="Tokens issued longer ago than this are refused (`token_expired`), whatever their `exp`; "
        "a back-channel logout is remembered this long.",
    )
    oidc_jwks_ttl_s: float = Field(
        default=3600.0, ge=0.0, description="How long the provider's keys (JWKS) are used before they are re-read."
    )
    oidc_jwks_refetch_min_s: float = Field(
        default=30.0,
        ge=0.0,
        description="A token signed with an unknown key id makes Charter re-read the JWKS (key rotation), at most "
        "once per this many seconds (so forged kids cannot make it hammer the provider).",
    )
    oidc_role_claim: str = Field(
        default="groups", description="The claim whose value(s) (a string or a list) `oidc_role_map` maps to a role."
    )
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict,
        description='JSON object: claim value -> Charter role (admin, developer, reviewer, auditor), e.g. '
        '`{"charter-admins": "admin"}`; the first entry that matches wins. A person with no match is refused '
        "(`no_mapped_role`).",
    )
    oidc_tenant_claim: str | None = Field(
        default=None, description="The claim naming the person's tenant (a tenant name); else `oidc_tenant`."
    )
    oidc_tenant: str | None = Field(
        default=None, description="The tenant every signed-in person belongs to when `oidc_tenant_claim` is unset."
    )
    oidc_mfa_acr: list[str] = Field(
        default_factory=list, description="`acr` values that count as multi-factor authentication."
    )
    oidc_mfa_amr: list[str] = Field(
        default_factory=lambda: ["mfa"],
        description="`amr` values that count as multi-factor authentication (any one of them in the token's `amr`).",
    )
    oidc_mfa_for: Literal["admin_writes", "admin", "none"] = Field(
        default="admin_writes",
        description="Which requests of a signed-in admin need MFA (`mfa_required` otherwise): `admin_writes` "
        "(POST, PUT, PATCH, DELETE), `admin` (every request) or `none`.",
    )
    oidc_console_client_id: str | None = Field(
        default=None,
        description="The web console's client id at the provider (authorization code flow with PKCE, "
        "docs/console.md): the audience its ID tokens must carry. Default: `oidc_client_id`.",
    )
    oidc_console_client_secret: SecretStr | None = Field(
        default=None,
        description="The console client's secret when the provider registers it as confidential (sent with "
        "HTTP Basic to the token endpoint); unset: a public client (PKCE only).",
    )
    oidc_console_redirect_uri: str | None = Field(
        default=None,
        description="The console's redirect URI as registered at the provider, "
        "`https://<charter>/console/sso/callback`. Unset: built from the request's scheme and host.",
    )
    oidc_console_scopes: list[str] = Field(
        default_factory=lambda: ["openid"],
        description="Scopes the console asks for (must include `openid`; add the scope that brings the role "
        "and tenant claims, e.g. `groups`).",
    )
    oidc_console_name: str = Field(
        default="single sign-on",
        max_length=80,
        description='The provider\'s name on the console\'s sign-in button ("Sign in with ...").',
    )
    console_idle_timeout_s: float = Field(
        default=900.0,
        ge=60.0,
        le=86_400.0,
        description="A web console session (`/console`) ends after this many seconds without a request "
        "(default 15 minutes); the person signs in again.",
    )
    console_session_max_s: float = Field(
        default=43_200.0,
        ge=300.0,
        le=604_800.0,
        description="A web console session ends this many seconds after sign-in whatever the activity "
        "(default 12 hours).",
    )
    console_secure_cookies: Literal["auto", "always"] = Field(
        default="auto",
        description="`auto`: the console's cookies are `Secure` (and `__Host-` named) and HSTS is sent when "
        "the request came over TLS (`CHARTER_TLS_CERTFILE`, or a proxy on loopback that sets "
        "`X-Forwarded-Proto`). `always`: whatever the scheme Charter sees; set it when TLS ends at a proxy "
        "on another host (Charter then sees plain HTTP); plain-HTTP sign-in stops working.",
    )

    @field_validator("oidc_algorithms")
    @classmethod
    def _oidc_algorithms(cls, algorithms: list[str]) -> list[str]:
        for alg in algorithms:
            if alg not in _TOKEN_ALGORITHMS:
                raise ValueError(f"{alg!r} is not an asymmetric signature algorithm Charter accepts on tokens")
        return algorithms

    @field_validator("oidc_role_map")
    @classmethod
    def _oidc_roles(cls, mapping: dict[str, str]) -> dict[str, str]:
        for value, role in mapping.items():
            if role not in ("admin", "developer", "reviewer", "auditor"):
                raise ValueError(f"{value!r} maps to {role!r}; a person is an admin, developer, reviewer or auditor")
        return mapping

    @field_validator("outbound_allow")
    @classmethod
    def _allow_entries(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            parse_entry(entry)
        return entries

    @model_validator(mode="after")
    def _tls_pair(self) -> Settings:
        if (self.tls_certfile is None) != (self.tls_keyfile is None):
            raise ValueError("set tls_certfile and tls_keyfile together (CHARTER_TLS_CERTFILE, CHARTER_TLS_KEYFILE)")
        for path in (self.tls_certfile, self.tls_keyfile, self.upstream_ca_bundle):
            if path is not None and not path.is_file():
                raise ValueError(f"{path}: no such file")
        return self

    @model_validator(mode="after")
    def _oidc_complete(self) -> Settings:
        if self.oidc_issuer and not self.oidc_audiences:
            raise ValueError("oidc_audiences: single sign-on (oidc_issuer) needs the accepted token audiences")
        if self.oidc_issuer and not (self.oidc_tenant_claim or self.oidc_tenant):
            raise ValueError("oidc_tenant: single sign-on needs oidc_tenant_claim or a fixed oidc_tenant")
        if "openid" not in self.oidc_console_scopes:
            raise ValueError("oidc_console_scopes: an OpenID Connect sign-in asks for the `openid` scope")
        uri = self.oidc_console_redirect_uri
        if uri is not None and not (uri.startswith(("https://", "http://")) and "#" not in uri):
            raise ValueError("oidc_console_redirect_uri: an absolute http(s) URL without a fragment")
        return self

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
