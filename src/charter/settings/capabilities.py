"""Settings of the capabilities that run beside the gateway: knowledge retrieval, workflow connectors,
fine-tuning and canaries, and batch work on Ray."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from charter.settings.section import Section

__all__ = ["CapabilitySettings"]


class CapabilitySettings(Section):
    """Retrieval, connectors, training and Ray (part of :class:`~charter.settings.Settings`)."""

    vector_index: Literal["auto", "hnsw", "exact"] = "auto"
    """Dense retrieval over a knowledge base's vectors. `auto`: pgvector on PostgreSQL when the `vector` extension
    is installed in the database, otherwise an HNSW index (usearch) for knowledge bases of at least
    `CHARTER_VECTOR_INDEX_MIN_CHUNKS` vectors and exact search below; `hnsw`: the usearch index even where pgvector
    is installed; `exact`: exact cosine over every stored vector (docs/knowledge.md)."""
    vector_index_min_chunks: int = Field(default=20_000, ge=0, le=1_000_000_000)
    """Knowledge bases with fewer stored vectors than this use exact search (exact results; ~2 ms per query at
    20,000 x 384); at or above it, the approximate index."""
    vector_index_ef: int = Field(default=128, ge=16, le=4096)
    """HNSW search beam (usearch `expansion_search`, pgvector `hnsw.ef_search`): higher is closer to exact search
    and slower. At least the number of candidates asked for (50)."""
    connectors_file: Path | None = None
    """Connectors the workflow engine may call (YAML: `connectors:`, each with its `kind` (http, sql, knowledge or a
    plugin's), `tenants` and options; docs/workflows.md, Connectors). Credentials come from the secrets file by
    name, never from this file. Unset: no connectors."""
    training_poll_interval_s: float = Field(default=60.0, gt=0, le=86_400)
    """How often the `training.run` job looks for a queued fine-tuning job, or one whose process died (resumed from
    its last checkpoint); docs/learning.md, Fine-tuning."""
    training_stale_s: float = Field(default=600.0, ge=5, le=7 * 86_400)
    """A running fine-tuning job whose heartbeat is older than this is taken to have died and is resumed by the next
    `training.run` (its process refreshes the heartbeat every few seconds)."""
    training_cpu_hour_price: float = Field(default=0.05, ge=0)
    """What one CPU-hour of fine-tuning costs (the currency of model prices): a job's cost is its CPU seconds times
    this plus its GPU seconds times `CHARTER_TRAINING_GPU_HOUR_PRICE`."""
    training_gpu_hour_price: float = Field(default=2.5, ge=0)
    """What one GPU-hour of fine-tuning costs (a job on a GPU counts its wall time on it)."""
    canary_evaluate_interval_s: float = Field(default=60.0, gt=0, le=86_400)
    """How often the `models.canary` job compares each running canary's live signals with the serving version's,
    withdrawing it on a regression (docs/learning.md, Canary)."""
    ray_address: str | None = None
    """Ray cluster over which `charter eval run` fans evaluation items out, `charter kb ingest` reads files and
    training jobs train (one Ray task each) (docs/operations.md, Batch work on Ray): `auto`, `host:6379`,
    `ray://head:10001`, or `local` (start Ray on this machine for the run). Needs `pip install 'charter[ray]'`.
    Unset (default): one process, unless `--ray` is given."""
    ray_workers: int | None = Field(default=None, ge=1, le=4096)
    """Ray actors (one CPU each) an evaluation run or an ingestion uses. Unset: one per CPU of the cluster."""
