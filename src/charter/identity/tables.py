"""Identity's tables: the sessions an OpenID provider ended (back-channel logout), and the web
console's sessions (:mod:`charter.identity.sessions`).

``oidc_revocations`` is platform-wide (``tenant_id`` is the ledger's global ``*``): a logout token names an issuer, a
subject and a session, not a tenant. Every replica reads this table (cached for at most
``policy_cache_ttl_s``), so a session ended at the provider is refused by all of them. A row is kept
until ``expires_at`` (the logout plus ``CHARTER_OIDC_MAX_TOKEN_AGE_S``): by then every token of that
session is too old to be accepted anyway.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, UniqueConstraint

from charter.store.schema import interaction_ref, metadata, platform_table, tenant_table
from charter.store.types import actor, digest, id_key, loose_ref, ref, status, timestamp

__all__ = ["citizen_turns", "console_sessions", "oidc_revocations"]

oidc_revocations = platform_table(
    "oidc_revocations",
    Column("issuer", String(512), nullable=False),
    Column("sub", String(255), nullable=False),
    Column("sid", String(255), nullable=True),  # None: every session of the subject
    timestamp("revoked_at"),  # the logout token's iat (the provider's clock): older tokens are refused
    timestamp("expires_at"),
    Index("ix_oidc_revocations_expires", "expires_at"),
)

#: The web console's sessions (charter.identity.sessions): only the SHA-256 of the session token
#: (the cookie) is stored; the key it was opened with is re-checked on every request. A session opened
#: by single sign-on (charter.identity.sso) has no key: ``key_id`` is the person's id
#: (``oidc:<issuer hash>:<sub>``), ``role`` the role mapped at sign-in, ``oidc_sub``/``oidc_sid`` what
#: a back-channel logout names, ``mfa`` whether the sign-in was multi-factor. Key sessions leave them null.
console_sessions = Table(
    "console_sessions",
    metadata,
    id_key(),
    digest("token_sha256", unique=True),
    loose_ref("tenant_id"),
    actor("key_id"),
    Column("role", String(16), nullable=True),
    Column("oidc_sub", String(255), nullable=True),
    Column("oidc_sid", String(255), nullable=True),
    Column("mfa", Boolean, nullable=True),
    timestamp("created_at"),
    timestamp("last_seen_at"),
    timestamp("expires_at"),  # the absolute end, whatever the activity
    timestamp("ended_at", nullable=True),  # signed out
    Index("ix_console_sessions_expires", "expires_at"),
)

#: The console's citizen chat (charter.console.conversations, 0023): one row per question of an
#: anonymous conversation, so any replica shows it. ``conversation_id`` is a hash of the citizen's
#: cookie; the question, answer and citations are sealed (the raw tier's key ring) and the row is
#: deleted a day after the conversation's last use, or with its interaction (retention, erasure).
citizen_turns = tenant_table(
    "citizen_turns",
    ref("use_case_id", "use_cases.id"),
    Column("conversation_id", String(64), nullable=False),
    Column("no", Integer, nullable=False),
    status(),  # asking | answered | waiting | rejected | refused
    Column("sealed", JSON, nullable=False),  # {"question", "answer", "citations", "appeal_answer"}
    Column("state", JSON, nullable=False),  # ids, flags and codes (no content)
    interaction_ref(nullable=True),
    timestamp("created_at"),
    timestamp("updated_at"),
    UniqueConstraint("tenant_id", "use_case_id", "conversation_id", "no"),
    Index("ix_citizen_turns_updated", "updated_at"),
)
