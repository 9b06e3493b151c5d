"""The core tables. Every table has a ``tenant_id``: no row belongs to nobody (:func:`tenant_table`
declares a table with its key and owning tenant, :func:`platform_table` one whose rows belong to the
deployment; :mod:`charter.store.types` the columns every capability shares).

Capabilities declare their own tables on the same :data:`metadata` in their package
(``charter/<capability>/tables.py``) and add an Alembic revision for them.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.schema import SchemaItem

from charter.store.types import ID_LENGTH, actor, digest, id_key, loose_ref, ref, stamp, status, timestamp, timestamps

__all__ = [
    "GLOBAL_TENANT",
    "api_keys",
    "charter_versions",
    "controls",
    "interaction_raw",
    "interaction_ref",
    "interactions",
    "metadata",
    "model_canaries",
    "model_versions",
    "models",
    "new_id",
    "platform_table",
    "refusal_counts",
    "tenant_table",
    "tenants",
    "use_cases",
    "utcnow",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    """A time-ordered id: prefix, 12 hex digits of milliseconds, 16 random hex digits."""
    return f"{prefix}_{int(time.time() * 1000):012x}{os.urandom(8).hex()}"


#: ``tenant_id`` of rows that belong to the deployment rather than to one tenant.
GLOBAL_TENANT = "*"


def tenant_table(name: str, *items: SchemaItem) -> Table:
    """A table on :data:`metadata` whose rows a tenant owns: the key, the owning ``tenant_id``, then
    the rest of ``items``. The key is the primary-key columns ``items`` start with (a row that extends
    another, a link), or else an ``id`` (:func:`new_id`)."""
    return _keyed_table(name, ref("tenant_id", "tenants.id"), items)


def platform_table(name: str, *items: SchemaItem) -> Table:
    """A table on :data:`metadata` whose rows belong to the deployment, not to one tenant
    (``tenant_id`` is :data:`GLOBAL_TENANT`); the key as in :func:`tenant_table`."""
    return _keyed_table(name, Column("tenant_id", String(ID_LENGTH), nullable=False, default=GLOBAL_TENANT), items)


def _keyed_table(name: str, tenant: Column[str], items: tuple[SchemaItem, ...]) -> Table:
    size = 0
    while size < len(items) and isinstance(item := items[size], Column) and item.primary_key:
        size += 1
    key = items[:size] or (id_key(),)
    return Table(name, metadata, *key, tenant, *items[size:])


def interaction_ref(*, nullable: bool = False, primary_key: bool = False) -> Column[str]:
    """The interaction a row belongs to: the row is deleted with it (retention, erasure)."""
    return ref("interaction_id", "interactions.id", ondelete="CASCADE", nullable=nullable, primary_key=primary_key)


tenants = Table(
    "tenants",
    metadata,
    id_key(),
    loose_ref("tenant_id"),  # == id: a tenant owns itself
    Column("name", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, default=""),
    Column("legal_hold", Boolean, nullable=False, default=False),
    timestamp("created_at"),
)

use_cases = tenant_table(
    "use_cases",
    Column("name", String(64), nullable=False),
    Column("current_version", Integer, nullable=False),
    timestamp("created_at"),
    timestamp("updated_at"),
    UniqueConstraint("tenant_id", "name"),
)

charter_versions = tenant_table(
    "charter_versions",
    ref("use_case_id", "use_cases.id"),
    Column("version", Integer, nullable=False),
    Column("body", JSON, nullable=False),
    Column("source", Text, nullable=False),
    digest("sha256"),
    *stamp("created"),
    UniqueConstraint("use_case_id", "version"),
)

api_keys = tenant_table(
    "api_keys",
    Column("name", String(200), nullable=False, default=""),
    Column("prefix", String(16), nullable=False),
    digest("key_hash", unique=True),
    Column("role", String(16), nullable=False),
    ref("use_case_id", "use_cases.id", nullable=True),
    Column("scopes", JSON, nullable=False),
    Column("platform", Boolean, nullable=False, default=False),
    *stamp("created"),
    *timestamps("expires_at", "revoked_at", "last_used_at", nullable=True),
    Index("ix_api_keys_tenant_prefix", "tenant_id", "prefix"),
)

models = tenant_table(
    "models",
    Column("alias", String(64), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("endpoint", String(500), nullable=True),
    Column("platform_model_id", String(200), nullable=False),
    Column("version", String(64), nullable=False),
    Column("region", String(64), nullable=False),
    Column("classification_ceiling", String(32), nullable=False),
    Column("context_window", Integer, nullable=False),
    Column("price_prompt_per_1k", Float, nullable=False, default=0.0),
    Column("price_completion_per_1k", Float, nullable=False, default=0.0),
    Column("hourly_cost", Float, nullable=False, default=0.0),  # self-hosted hardware (0012)
    Column("weight", Integer, nullable=False, default=100),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("no_train", Boolean, nullable=False, default=True),
    Column("secret", String(100), nullable=True),  # a secret name (0007), never a value
    timestamp("created_at"),
    timestamp("updated_at"),
    UniqueConstraint("tenant_id", "alias", "platform_model_id", "version"),
)

#: The model registry (charter.training.registry, docs/learning.md): one row per registered version of
#: an alias, 1:1 with the ``models`` entry it serves through, with its lineage (base, training dataset
#: and its hash, training config, code version, metrics, file hashes) and its state. An entry with a
#: version row serves only while ``state`` is ``serving``; an entry without one serves as before.
model_versions = tenant_table(
    "model_versions",
    ref("model_id", "models.id", unique=True),
    Column("alias", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    status("state"),  # candidate | serving | standby | rolled_back
    Column("base", String(200), nullable=False),
    loose_ref("dataset_id", nullable=True),  # training_datasets.id (lineage outlives it)
    digest("dataset_sha256", nullable=True),
    Column("training_config", JSON, nullable=False),
    Column("code_version", String(100), nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("files", JSON, nullable=False),  # [{"path", "sha256", "size"}]
    Column("source", String(500), nullable=True),  # the file or URL registered
    Column("replaced", JSON, nullable=False),  # ids of the versions its promotion took out of service
    Column("gate_ids", JSON, nullable=False),  # the passing gate decisions that vetted it
    *stamp("created"),
    timestamp("vetted_at", nullable=True),
    actor("vetted_by", nullable=True),
    timestamp("served_at", nullable=True),
    UniqueConstraint("tenant_id", "alias", "version"),
)

#: Canaries (charter.training.canary): a gated candidate version takes ``share`` of its alias's
#: traffic (by request id) while its live signals are compared with the serving versions'.
#: ``state``: running | withdrawn (a regression; automatic) | promotable | promoted | stopped.
model_canaries = tenant_table(
    "model_canaries",
    Column("alias", String(64), nullable=False),
    loose_ref("version_id"),  # model_versions.id of the candidate
    Column("version", Integer, nullable=False),
    Column("incumbent_ids", JSON, nullable=False),  # model_versions ids serving when it started
    Column("share", Float, nullable=False),
    Column("min_samples", Integer, nullable=False),
    Column("alpha", Float, nullable=False),
    status("state"),
    Column("gate_ids", JSON, nullable=False),
    Column("comparison", JSON, nullable=True),  # the last evaluation
    Column("reason", Text, nullable=True),
    *stamp("started"),
    timestamp("evaluated_at", nullable=True),
    *stamp("ended", nullable=True),
    Index("ix_model_canaries_tenant_alias", "tenant_id", "alias"),
    Index("ix_model_canaries_state", "state"),
)

controls = tenant_table(
    "controls",
    Column("scope", String(16), nullable=False),  # global | use_case | model
    Column("target", String(200), nullable=False),  # "*" for global
    Column("active", Boolean, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    actor("actor"),
    timestamp("changed_at"),
    UniqueConstraint("tenant_id", "scope", "target"),
)

interactions = tenant_table(
    "interactions",
    ref("use_case_id", "use_cases.id"),
    Column("charter_version", Integer, nullable=False),
    loose_ref("key_id"),
    Column("request_id", String(64), nullable=False),
    Column("conversation_id", String(64), nullable=True),
    Column("model_alias", String(64), nullable=True),
    Column("platform_model_id", String(200), nullable=True),
    Column("model_version", String(64), nullable=True),
    loose_ref("prompt_version_id", nullable=True),
    digest("input_sha256"),
    Column("input_chars", Integer, nullable=False),
    digest("output_sha256", nullable=True),
    Column("output_chars", Integer, nullable=False, default=0),
    Column("prompt_tokens", Integer, nullable=False, default=0),
    Column("completion_tokens", Integer, nullable=False, default=0),
    Column("cost", Float, nullable=False, default=0.0),
    Column("latency_ms", Float, nullable=False),
    Column("ttft_ms", Float, nullable=True),
    status(),
    Column("error_code", String(64), nullable=True),
    Column("stream", Boolean, nullable=False, default=False),
    Column("verdicts", JSON, nullable=False),
    Column("retrieved", JSON, nullable=True),
    Column("has_raw", Boolean, nullable=False, default=False),
    Column("subject_id", String(40), nullable=True),  # the end user, pseudonymised (0013, charter.identity)
    Column("officer", String(256), nullable=True),  # the officer the application asked for (0013)
    Column("cache", String(16), nullable=True),  # response cache: hit, miss, error, bypass (0015; null: off)
    Column("training_consent", Boolean, nullable=True),  # x-charter-training-consent (0019; null: not said)
    timestamp("created_at"),
    Index("ix_interactions_tenant_created", "tenant_id", "created_at"),
    Index("ix_interactions_tenant_subject", "tenant_id", "subject_id"),
    Index("ix_interactions_tenant_id", "tenant_id", "id"),
    Index("ix_interactions_use_case_created", "use_case_id", "created_at"),
)

#: Refusals counted rather than recorded one by one (rate limits, the rate-limit store down): one row
#: per tenant, use case and code for each flush window, covered by one ``refusals.aggregated`` ledger
#: entry per tenant and flush (charter.gateway.refusals).
refusal_counts = tenant_table(
    "refusal_counts",
    ref("use_case_id", "use_cases.id"),
    Column("code", String(64), nullable=False),
    Column("count", Integer, nullable=False),
    Column("by_key", JSON, nullable=False),  # {key id: refusals}
    loose_ref("batch_id"),  # the ledger entry's subject
    timestamp("window_start"),
    timestamp("window_end"),
    Index("ix_refusal_counts_tenant_window", "tenant_id", "window_end"),
)

interaction_raw = tenant_table(
    "interaction_raw",
    interaction_ref(primary_key=True),
    Column("kek_version", Integer, nullable=False),
    Column("wrapped_dek", LargeBinary, nullable=False),
    Column("nonce", LargeBinary, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
)
