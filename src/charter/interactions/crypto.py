"""Envelope encryption of the raw tier (AES-256-GCM), with a rotatable key ring.

Each record gets a fresh data key (DEK); the DEK is wrapped by the ring's active key-encryption key
(KEK). Rotation adds a new KEK and re-wraps the stored DEKs (``charter keys rotate-raw``): the
ciphertexts themselves never change, old KEKs can then be retired. The ring is a JSON file readable
only by its owner::

    {"active": 2, "keys": {"1": "<base64 32 bytes>", "2": "<base64 32 bytes>"}}
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from charter.errors import Unavailable

__all__ = ["KeyRing", "Sealed", "keyring", "open_sealed", "seal"]


@dataclass(frozen=True, slots=True)
class Sealed:
    kek_version: int
    wrapped_dek: bytes  # nonce (12) + AES-GCM(KEK, DEK)
    nonce: bytes
    ciphertext: bytes

    def as_dict(self) -> dict[str, Any]:
        return {
            "kek_version": self.kek_version,
            "wrapped_dek": self.wrapped_dek,
            "nonce": self.nonce,
            "ciphertext": self.ciphertext,
        }


class KeyRing:
    def __init__(self, path: Path, keys: dict[int, bytes], active: int) -> None:
        self.path = path
        self.keys = keys
        self.active = active
        self._aead = {v: AESGCM(k) for v, k in keys.items()}

    # -- files -----------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path) -> KeyRing:
        path.parent.mkdir(parents=True, exist_ok=True)
        ring = cls(path, {1: AESGCM.generate_key(bit_length=256)}, 1)
        ring.save()
        return ring

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        try:
            data = json.loads(path.read_text())
            keys = {int(v): base64.b64decode(k) for v, k in data["keys"].items()}
            active = int(data["active"])
            if active not in keys or any(len(k) != 32 for k in keys.values()):
                raise ValueError("active key missing or a key is not 256 bits")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise Unavailable(
                f"raw-tier key ring {path} cannot be read ({exc}); run `charter init` or restore the key file",
                code="store_unavailable",
            ) from None
        return cls(path, keys, active)

    @classmethod
    def open_or_create(cls, path: Path) -> KeyRing:
        return cls.load(path) if path.exists() else cls.create(path)

    def save(self) -> None:
        data = {"active": self.active, "keys": {str(v): base64.b64encode(k).decode() for v, k in self.keys.items()}}
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    # -- crypto ----------------------------------------------------------------------------
    def seal(self, plaintext: bytes, associated: bytes = b"") -> Sealed:
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        ciphertext = AESGCM(dek).encrypt(nonce, plaintext, associated)
        return Sealed(self.active, self.wrap(dek, self.active), nonce, ciphertext)

    def open(self, sealed: Sealed, associated: bytes = b"") -> bytes:
        dek = self.unwrap(sealed.wrapped_dek, sealed.kek_version)
        try:
            return AESGCM(dek).decrypt(sealed.nonce, sealed.ciphertext, associated)
        except InvalidTag:
            raise Unavailable(
                "a raw-tier record failed authentication (altered or wrong key)", code="raw_tier_corrupt"
            ) from None

    def wrap(self, dek: bytes, version: int) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead[version].encrypt(nonce, dek, b"charter-dek")

    def unwrap(self, wrapped: bytes, version: int) -> bytes:
        aead = self._aead.get(version)
        if aead is None:
            raise Unavailable(f"raw-tier key version {version} is not in the key ring", code="raw_tier_key_missing")
        try:
            return aead.decrypt(wrapped[:12], wrapped[12:], b"charter-dek")
        except InvalidTag:
            raise Unavailable("a wrapped data key failed authentication", code="raw_tier_corrupt") from None

    def rotate(self) -> int:
        """Add a new active KEK (the caller re-wraps stored DEKs, then may :meth:`retire` old ones)."""
        version = max(self.keys) + 1
        self.keys[version] = AESGCM.generate_key(bit_length=256)
        self._aead[version] = AESGCM(self.keys[version])
        self.active = version
        self.save()
        return version

    def retire(self, version: int) -> None:
        if version == self.active:
            raise ValueError("cannot retire the active key")
        self.keys.pop(version, None)
        self._aead.pop(version, None)
        self.save()


def keyring(rt: Any) -> KeyRing:
    """The runtime's key ring (loaded once per process from settings.effective_raw_key_file)."""
    ring = rt.parts.get("keyring")
    if ring is None:
        ring = rt.parts["keyring"] = KeyRing.load(rt.settings.effective_raw_key_file)
    assert isinstance(ring, KeyRing)
    return ring


def seal(rt: Any, plaintext: bytes, associated: bytes = b"") -> dict[str, Any]:
    """Encrypt with the runtime's key ring; the dict's values are bytes/int, ready for a table row."""
    return keyring(rt).seal(plaintext, associated).as_dict()


def open_sealed(rt: Any, sealed: Any, associated: bytes = b"") -> bytes:
    """Decrypt a row (mapping with kek_version, wrapped_dek, nonce, ciphertext) sealed by :func:`seal`."""
    record = Sealed(
        int(sealed["kek_version"]), bytes(sealed["wrapped_dek"]), bytes(sealed["nonce"]), bytes(sealed["ciphertext"])
    )
    return keyring(rt).open(record, associated)
