"""Drift tables: one row per detector run (``drift_runs``), one per detector x segment result
(``drift_findings``), and the opt-in sample of input embeddings (``drift_embeddings``) the
embedding-shift detector compares. No text is stored here: lengths, labels and vectors only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, LargeBinary, String, Table

from charter.store.schema import interaction_ref, metadata, tenant_table
from charter.store.types import id_key, ref, timestamp, timestamps

__all__ = ["drift_embeddings", "drift_findings", "drift_observations", "drift_runs"]


def _run_times() -> tuple[Column[dt.datetime], ...]:
    """What a run compared and when: its two windows (``baseline_start``, ``baseline_end``,
    ``recent_start``, ``recent_end``), then ``created_at``."""
    edges = (f"{window}_{edge}" for window in ("baseline", "recent") for edge in ("start", "end"))
    return timestamps(*edges, "created_at")


drift_runs = tenant_table(
    "drift_runs",
    ref("use_case_id", "use_cases.id"),
    Column("charter_version", Integer, nullable=False),
    Column("correction", String(16), nullable=False),  # bh | bonferroni
    Column("alpha", Float, nullable=False),
    Column("tests", Integer, nullable=False),  # hypotheses corrected together
    Column("drifted", Integer, nullable=False),  # findings with drifted = true
    Column("skipped", JSON, nullable=False),  # [{detector, segment, reason}]
    *_run_times(),
    Index("ix_drift_runs_use_case_created", "tenant_id", "use_case_id", "created_at"),
)

drift_findings = Table(
    "drift_findings",
    metadata,
    id_key(),
    ref("run_id", "drift_runs.id", ondelete="CASCADE"),
    ref("tenant_id", "tenants.id"),
    ref("use_case_id", "use_cases.id"),
    Column("detector", String(64), nullable=False),
    Column("segment", String(200), nullable=False),
    Column("test", String(32), nullable=False),  # ks | chi2 | mmd_permutation | ...
    Column("statistic", Float, nullable=False),
    Column("p_value", Float, nullable=True),
    Column("threshold", Float, nullable=False),  # the corrected significance level it was held to
    Column("drifted", Boolean, nullable=False),
    Column("baseline_value", Float, nullable=True),  # e.g. median length, a rate
    Column("recent_value", Float, nullable=True),
    Column("n_baseline", Integer, nullable=False),
    Column("n_recent", Integer, nullable=False),
    *_run_times(),
    Index("ix_drift_findings_run", "run_id"),
)

#: What the record stage notes per interaction for drift and bias: the detected language, the values of
#: the charter's ``monitor.segments`` (only those keys of the request's ``metadata``) and whether the
#: model declined to answer. Written in the interaction's transaction; deleted with it.
drift_observations = tenant_table(
    "drift_observations",
    interaction_ref(primary_key=True),
    ref("use_case_id", "use_cases.id"),
    Column("language", String(8), nullable=False),  # ISO 639-1, or "und"
    Column("segments", JSON, nullable=False),  # {"metadata.channel": "web"}
    Column("declined", Boolean, nullable=False),  # the answer reads as a refusal to answer
    timestamp("created_at"),
    Index("ix_drift_observations_use_case_created", "use_case_id", "created_at"),
)

drift_embeddings = tenant_table(
    "drift_embeddings",
    interaction_ref(primary_key=True),
    ref("use_case_id", "use_cases.id"),
    Column("embedder", String(200), nullable=False),
    Column("dims", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float16 little-endian, L2-normalised
    timestamp("created_at"),
    Index("ix_drift_embeddings_use_case_created", "use_case_id", "created_at"),
)
