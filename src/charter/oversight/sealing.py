"""Content at rest: questions, answers and corrections are sealed with the raw tier's key ring
(:mod:`charter.interactions.crypto`, AES-256-GCM envelopes) and bound to their row by associated
data, so a ciphertext moved to another row fails to open. Stored as JSON (bytes in base64)."""

from __future__ import annotations

import base64
import json
from typing import Any

from charter.interactions.crypto import open_sealed, seal

__all__ = ["open_json", "seal_json"]

_BINARY = ("wrapped_dek", "nonce", "ciphertext")


def seal_json(rt: Any, value: Any, bound_to: str) -> dict[str, Any]:
    """Seal a JSON-able value for the row ``bound_to`` (e.g. ``"rev_...:answer:1"``)."""
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    sealed = seal(rt, plaintext, bound_to.encode())
    return {k: base64.b64encode(v).decode() if k in _BINARY else v for k, v in sealed.items()}


def open_json(rt: Any, stored: dict[str, Any], bound_to: str) -> Any:
    record = {k: base64.b64decode(v) if k in _BINARY else v for k, v in stored.items()}
    return json.loads(open_sealed(rt, record, bound_to.encode()))
