"""The tamper-evident ledger: an append-only Merkle log with signed checkpoints and proofs.

The seam every capability uses: ``append(conn, tenant_id=..., actor=..., action=..., subject=...,
event={...})`` inside the same write transaction as the change it records. See docs/ledger.md.

Names are imported lazily, so ``charter.ledger.offline`` (the ``charter-verify`` entry point) runs
with the standard library and ``cryptography`` alone.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charter.ledger.canonical import CanonicalizationError, canonical_json
    from charter.ledger.checkpoint import Checkpointer, checkpoint_now, start_checkpointer, stop_checkpointer
    from charter.ledger.coverage import INTERACTION_ACTION, interaction_event
    from charter.ledger.entries import append
    from charter.ledger.keys import ensure_keys

__all__ = [
    "INTERACTION_ACTION",
    "CanonicalizationError",
    "Checkpointer",
    "append",
    "canonical_json",
    "checkpoint_now",
    "ensure_keys",
    "interaction_event",
    "start_checkpointer",
    "stop_checkpointer",
]

_HOME = {
    "INTERACTION_ACTION": "coverage",
    "CanonicalizationError": "canonical",
    "Checkpointer": "checkpoint",
    "append": "entries",
    "canonical_json": "canonical",
    "checkpoint_now": "checkpoint",
    "ensure_keys": "keys",
    "interaction_event": "coverage",
    "start_checkpointer": "checkpoint",
    "stop_checkpointer": "checkpoint",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'charter.ledger' has no attribute {name!r}")
    return getattr(importlib.import_module(f"charter.ledger.{home}"), name)
