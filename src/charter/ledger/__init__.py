"""The tamper-evident ledger: an append-only Merkle log with signed checkpoints and proofs.

The seam every capability uses: ``append(conn, tenant_id=..., actor=..., action=..., subject=...,
event={...})`` inside the same write transaction as the change it records. See docs/ledger.md.
"""

from charter.ledger.canonical import CanonicalizationError, canonical_json
from charter.ledger.coverage import INTERACTION_ACTION, interaction_event
from charter.ledger.entries import append

__all__ = [
    "INTERACTION_ACTION",
    "CanonicalizationError",
    "append",
    "canonical_json",
    "interaction_event",
]
