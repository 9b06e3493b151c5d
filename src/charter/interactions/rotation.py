"""Rotating the raw tier's key-encryption key: a new KEK, every stored data key re-wrapped under it
(the raw tier's and oversight's sealed content alike)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, select, update

from charter import ledger
from charter.interactions.crypto import RELOAD_INTERVAL_S, KeyRing
from charter.oversight.rotation import rewrap_oversight
from charter.policy.service import PLATFORM_TENANT, ensure_tenant
from charter.runtime import Runtime
from charter.store.schema import interaction_raw

__all__ = ["rotate_raw_tier"]


#: How long the rotation waits, after writing the new active key, before it re-wraps: running
#: processes check the key file at most every RELOAD_INTERVAL_S, so by then none still seals under an
#: old version (the margin lets a record sealed just before the switch reach the database).
SETTLE_S = 2 * RELOAD_INTERVAL_S


def rotate_raw_tier(rt: Runtime, *, batch: int = 1000, settle_s: float = SETTLE_S) -> dict[str, Any]:
    """Add a KEK, wait for running processes to switch to it, re-wrap all DEKs (in batches through
    the writer), then retire the old KEKs.

    Oversight seals review requests, answers, expert samples and corrections under the same ring;
    those are re-wrapped too before any old KEK is retired, or they could no longer be opened."""
    ring = KeyRing.load(rt.settings.effective_raw_key_file)
    old_versions = sorted(ring.keys)
    new_version = ring.rotate()
    rt.parts["keyring"] = ring
    if settle_s > 0:
        time.sleep(settle_s)  # other replicas pick the new active key up (KeyRing.refresh)
    rewrapped = 0
    while True:

        def rewrap(conn: Connection) -> int:
            rows = conn.execute(
                select(interaction_raw.c.interaction_id, interaction_raw.c.kek_version, interaction_raw.c.wrapped_dek)
                .where(interaction_raw.c.kek_version != new_version)
                .limit(batch)
            ).all()
            for r in rows:
                dek = ring.unwrap(bytes(r.wrapped_dek), r.kek_version)
                conn.execute(
                    update(interaction_raw)
                    .where(interaction_raw.c.interaction_id == r.interaction_id)
                    .values(kek_version=new_version, wrapped_dek=ring.wrap(dek, new_version))
                )
            return len(rows)

        done = rt.writer.write(rewrap)
        rewrapped += done
        if done < batch:
            break
    oversight = rewrap_oversight(rt, ring, new_version)
    for version in old_versions:
        ring.retire(version)

    def audit(conn: Connection) -> None:
        tenant_id = ensure_tenant(conn, PLATFORM_TENANT, actor="rotation")
        ledger.append(
            conn,
            tenant_id=tenant_id,
            actor="cli:rotate-raw",
            action="raw_key.rotated",
            subject="raw-tier",
            event={
                "retired": old_versions,
                "active": new_version,
                "rewrapped": rewrapped,
                "oversight_rewrapped": oversight,
            },
        )

    rt.writer.write(audit)
    return {
        "active": new_version,
        "retired": old_versions,
        "rewrapped": rewrapped,
        "oversight_rewrapped": oversight,
    }
