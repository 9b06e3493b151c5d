"""Key material in a backup is never written in clear: it is sealed under a passphrase or a wrapping key.

Envelope encryption in both cases: a random 256-bit data key encrypts the key bundle with
AES-256-GCM; the data key is itself encrypted (AES-256-GCM) under a key-encryption key, which is

* ``passphrase``: scrypt(passphrase, random salt, n=2**15, r=8, p=1), or
* ``wrapping-key``: a 32-byte key file the operator keeps apart (the stand-in for a KMS key; its
  SHA-256 fingerprint is recorded so a restore names the wrong file instead of failing vaguely).

The header (scheme, KDF parameters, fingerprint) is the associated data of both encryptions, so
changing any of it fails decryption. A wrong passphrase or wrapping key is ``backup_key_invalid``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from charter.errors import InvalidRequest

__all__ = ["Protector", "open_bundle", "seal_bundle"]

_SCRYPT = {"n": 2**15, "r": 8, "p": 1}
_SEAL_VERSION = 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text, validate=True)


@dataclass(frozen=True)
class Protector:
    """What seals or opens the key bundle: a passphrase or a 32-byte wrapping key (exactly one)."""

    passphrase: str | None = None
    wrapping_key: bytes | None = None

    @classmethod
    def from_key_file(cls, path: Path) -> Protector:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidRequest(
                f"cannot read the wrapping key {path}: {exc.strerror}", code="backup_key_invalid", param="wrapping_key"
            ) from None
        if len(data) != 32:
            raise InvalidRequest(
                f"the wrapping key {path} must hold exactly 32 random bytes (it holds {len(data)}); "
                "make one with `head -c 32 /dev/urandom > wrapping.key`",
                code="backup_key_invalid",
                param="wrapping_key",
            )
        return cls(wrapping_key=data)

    @property
    def scheme(self) -> str:
        return "wrapping-key" if self.wrapping_key is not None else "passphrase"

    def _kek(self, header: dict[str, Any]) -> bytes:
        if self.wrapping_key is not None:
            if header.get("fingerprint") != hashlib.sha256(self.wrapping_key).hexdigest():
                raise InvalidRequest(
                    "this wrapping key is not the one the backup's keys were sealed under",
                    code="backup_key_invalid",
                    param="wrapping_key",
                )
            return self.wrapping_key
        if not self.passphrase:
            raise InvalidRequest("a backup passphrase must not be empty", code="backup_key_invalid", param="passphrase")
        kdf = header["kdf"]
        scrypt = Scrypt(salt=_unb64(kdf["salt"]), length=32, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"]))
        return scrypt.derive(self.passphrase.encode("utf-8"))

    def new_header(self) -> dict[str, Any]:
        header: dict[str, Any] = {"version": _SEAL_VERSION, "scheme": self.scheme, "cipher": "AES-256-GCM"}
        if self.wrapping_key is not None:
            header["fingerprint"] = hashlib.sha256(self.wrapping_key).hexdigest()
        else:
            header["kdf"] = {"name": "scrypt", "salt": _b64(os.urandom(16)), **_SCRYPT}
        return header


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def seal_bundle(files: dict[str, bytes], protector: Protector) -> bytes:
    """The sealed JSON document holding ``files`` (name → bytes), encrypted as described above."""
    header = protector.new_header()
    aad = _aad(header)
    data_key = AESGCM.generate_key(bit_length=256)
    key_nonce, body_nonce = os.urandom(12), os.urandom(12)
    plaintext = json.dumps({name: _b64(data) for name, data in sorted(files.items())}).encode("utf-8")
    doc = {
        "header": header,
        "wrapped_key": _b64(AESGCM(protector._kek(header)).encrypt(key_nonce, data_key, aad)),
        "key_nonce": _b64(key_nonce),
        "nonce": _b64(body_nonce),
        "ciphertext": _b64(AESGCM(data_key).encrypt(body_nonce, plaintext, aad)),
    }
    return json.dumps(doc, indent=1).encode("utf-8")


def open_bundle(sealed: bytes, protector: Protector) -> dict[str, bytes]:
    """The files sealed by :func:`seal_bundle`; ``backup_key_invalid`` for a wrong passphrase or key."""
    try:
        doc = json.loads(sealed)
        header = doc["header"]
        if header.get("version") != _SEAL_VERSION:
            raise InvalidRequest(
                f"the sealed keys have format {header.get('version')!r}; this Charter reads {_SEAL_VERSION}",
                code="backup_format_unsupported",
            )
        if header.get("scheme") != protector.scheme:
            raise InvalidRequest(
                f"the backup's keys are sealed under a {header.get('scheme')}; give that, not a {protector.scheme}",
                code="backup_key_invalid",
            )
        aad = _aad(header)
        kek = protector._kek(header)
        wrapped, key_nonce = _unb64(doc["wrapped_key"]), _unb64(doc["key_nonce"])
        nonce, ciphertext = _unb64(doc["nonce"]), _unb64(doc["ciphertext"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidRequest(f"the sealed key file is malformed ({exc})", code="backup_corrupt") from None
    try:
        data_key = AESGCM(kek).decrypt(key_nonce, wrapped, aad)
    except InvalidTag:
        raise InvalidRequest(
            f"wrong {protector.scheme}: the backup's keys do not decrypt with it", code="backup_key_invalid"
        ) from None
    try:
        files = json.loads(AESGCM(data_key).decrypt(nonce, ciphertext, aad))
    except InvalidTag:
        raise InvalidRequest(
            "the sealed keys fail authentication: the file was altered", code="backup_corrupt"
        ) from None
    return {name: _unb64(text) for name, text in files.items()}
