"""Content at rest: questions, answers and corrections are sealed with the raw tier's key ring
(:mod:`charter.interactions.crypto`, AES-256-GCM envelopes) and bound to their row by associated
data, so a ciphertext moved to another row fails to open. Stored as JSON (bytes in base64)."""

from __future__ import annotations

import base64
import json
from typing import Any

from charter.errors import Gone
from charter.interactions.crypto import open_sealed, seal

__all__ = ["EXPIRED_KEY", "is_expired", "open_json", "seal_json"]

#: The key of the tombstone that replaces sealed content once retention deletes it.
EXPIRED_KEY = "expired_at"

_BINARY = ("wrapped_dek", "nonce", "ciphertext")


def is_expired(stored: Any) -> bool:
    """True for the tombstone of sealed content deleted under retention."""
    return isinstance(stored, dict) and EXPIRED_KEY in stored


def seal_json(rt: Any, value: Any, bound_to: str) -> dict[str, Any]:
    """Seal a JSON-able value for the row ``bound_to`` (e.g. ``"rev_...:answer:1"``)."""
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    sealed = seal(rt, plaintext, bound_to.encode())
    return {k: base64.b64encode(v).decode() if k in _BINARY else v for k, v in sealed.items()}


def open_json(rt: Any, stored: dict[str, Any], bound_to: str) -> Any:
    """Open sealed content; ``410 content_expired`` once retention replaced it by a tombstone
    (``{"expired_at": ...}``, :mod:`charter.interactions.retention`)."""
    if is_expired(stored):
        raise Gone(f"this content was deleted on {stored['expired_at'][:10]} under the use case's retention_days",
                   code="content_expired")
    record = {k: base64.b64decode(v) if k in _BINARY else v for k, v in stored.items()}
    return json.loads(open_sealed(rt, record, bound_to.encode()))
