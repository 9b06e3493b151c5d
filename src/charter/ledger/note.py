"""Signed tree heads: the text a checkpoint signs, key ids and Ed25519 checks.

Standard library and ``cryptography`` only: the offline verifier imports this module. The signed
body follows the spirit of the C2SP checkpoint format::

    charter-ledger/v1
    <tree size>
    <base64 root hash>
    <time, ISO-8601 UTC>

A key id is the hex SHA-256 of the raw 32-byte Ed25519 public key.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = ["ORIGIN", "checkpoint_body", "key_id", "load_public_pem", "public_pem", "signature_ok"]

ORIGIN = "charter-ledger/v1"


def checkpoint_body(tree_size: int, root: bytes, ts: str) -> bytes:
    return f"{ORIGIN}\n{tree_size}\n{base64.b64encode(root).decode()}\n{ts}\n".encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_pem(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def signature_ok(public: Ed25519PublicKey, body: bytes, signature: bytes) -> bool:
    try:
        public.verify(signature, body)
    except InvalidSignature:
        return False
    return True
