"""Alert tables: alerts (one open row per fingerprint), silences, and the delivery outbox."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Index, Integer, String, Text

from charter.store.schema import tenant_table
from charter.store.types import actor, digest, ref, status, timestamp, timestamps

__all__ = ["alert_outbox", "alert_silences", "alerts"]

#: One row per alert episode. ``open_key`` is the fingerprint while it is pending or firing and NULL
#: once resolved, so the unique index keeps one open alert per (tenant, name, use case, labels).
alerts = tenant_table(
    "alerts",
    digest("fingerprint"),
    digest("open_key", nullable=True, unique=True),
    Column("name", String(100), nullable=False),
    Column("use_case", String(64), nullable=True),
    Column("labels", JSON, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("value", Float, nullable=True),
    status(),  # pending | firing | resolved
    Column("notifications", Integer, nullable=False, default=0),
    timestamp("started_at"),
    timestamp("updated_at"),
    *timestamps("fired_at", "last_notified_at", "resolved_at", nullable=True),
    Index("ix_alerts_tenant_status", "tenant_id", "status"),
)

alert_silences = tenant_table(
    "alert_silences",
    Column("matchers", JSON, nullable=False),  # {"name": "budget.*", "use_case": "helpdesk", "label.x": "y"}
    Column("reason", Text, nullable=False),
    actor("created_by"),
    timestamp("starts_at"),
    timestamp("ends_at"),
    timestamp("created_at"),
    timestamp("expired_at", nullable=True),  # unsilenced early
    Index("ix_alert_silences_tenant_ends", "tenant_id", "ends_at"),
)

#: Notices waiting for, or done with, delivery to one sink each (retried with backoff).
alert_outbox = tenant_table(
    "alert_outbox",
    ref("alert_id", "alerts.id"),
    Column("sink", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # firing | repeat | resolved
    Column("payload", JSON, nullable=False),
    status(),  # pending | sent | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    timestamp("next_attempt_at"),
    timestamp("last_attempt_at", nullable=True),
    timestamp("created_at"),
    timestamp("sent_at", nullable=True),
    Index("ix_alert_outbox_status_next", "status", "next_attempt_at"),
    Index("ix_alert_outbox_sink_attempt", "sink", "last_attempt_at"),
)
