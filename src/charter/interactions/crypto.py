"""Envelope encryption of the raw tier (AES-256-GCM), with a rotatable key ring.

Each record gets a fresh data key (DEK); the DEK is wrapped by the ring's active key-encryption key
(KEK). Rotation adds a new KEK and re-wraps the stored DEKs (``charter keys rotate-raw``): the
ciphertexts themselves never change, old KEKs can then be retired. The ring is a JSON file readable
only by its owner::

    {"active": 2, "keys": {"1": "<base64 32 bytes>", "2": "<base64 32 bytes>"}}

A running process follows the file: before sealing or opening, the ring looks at the file's
identity (inode, mtime_ns, size) at most once every :data:`RELOAD_INTERVAL_S` and re-reads it when
it changed, so a rotation by another process (``charter keys rotate-raw``, another replica) is picked
up within a second and new records are always sealed under the file's active version, never under a
version the rotation is about to retire. Fail closed: if the file cannot be read or parsed on such a
check, sealing *and* opening raise :class:`~charter.errors.Unavailable` (``store_unavailable``) until
it can be read again; the ring never carries on with the keys it held before, which may have been
retired (or deliberately removed) in the meantime. A running process thus behaves like one started
with the current file.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from charter.errors import Unavailable
from charter.files import private_dir

__all__ = ["RELOAD_INTERVAL_S", "KeyRing", "Sealed", "keyring", "open_sealed", "seal"]

#: How often (at most) a ring checks whether its key file changed.
RELOAD_INTERVAL_S = 1.0

_Stamp = tuple[int, int, int]  # (st_ino, st_mtime_ns, st_size)


def _stamp(st: os.stat_result) -> _Stamp:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True, slots=True)
class Sealed:
    kek_version: int
    wrapped_dek: bytes  # nonce (12) + AES-GCM(KEK, DEK)
    nonce: bytes
    ciphertext: bytes

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _State:
    keys: dict[int, bytes]
    active: int
    aead: dict[int, AESGCM]


class KeyRing:
    def __init__(self, path: Path, keys: dict[int, bytes], active: int, *, stamp: _Stamp | None = None) -> None:
        self.path = path
        self._state = _State(dict(keys), active, {v: AESGCM(k) for v, k in keys.items()})
        self._stamp = stamp  # the file this state was read from / written to (None: unknown)
        self._checked = time.monotonic()
        self._broken: Unavailable | None = None
        self._lock = threading.Lock()

    @property
    def keys(self) -> dict[int, bytes]:
        return self._state.keys

    @property
    def active(self) -> int:
        return self._state.active

    # -- files -----------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path) -> KeyRing:
        private_dir(path.parent)
        ring = cls(path, {1: AESGCM.generate_key(bit_length=256)}, 1)
        ring.save()
        return ring

    @staticmethod
    def _read(path: Path) -> tuple[dict[int, bytes], int, _Stamp]:
        try:
            with path.open("rb") as fh:
                stamp = _stamp(os.fstat(fh.fileno()))
                data = json.loads(fh.read())
            keys = {int(v): base64.b64decode(k) for v, k in data["keys"].items()}
            active = int(data["active"])
            if active not in keys or any(len(k) != 32 for k in keys.values()):
                raise ValueError("active key missing or a key is not 256 bits")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise Unavailable(
                f"raw-tier key ring {path} cannot be read ({exc}); run `charter init` or restore the key file",
                code="store_unavailable",
            ) from None
        return keys, active, stamp

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        keys, active, stamp = cls._read(path)
        return cls(path, keys, active, stamp=stamp)

    @classmethod
    def open_or_create(cls, path: Path) -> KeyRing:
        return cls.load(path) if path.exists() else cls.create(path)

    def save(self) -> None:
        state = self._state
        data = {"active": state.active, "keys": {str(v): base64.b64encode(k).decode() for v, k in state.keys.items()}}
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
            stamp = _stamp(os.fstat(fh.fileno()))
        os.replace(tmp, self.path)
        self._stamp = stamp

    def refresh(self, *, force: bool = False) -> None:
        """Follow the key file (see the module docstring); raises Unavailable while it cannot be read.

        Cheap: a monotonic-clock comparison on most calls, one ``stat`` at most once a second, and a
        re-read only when the file's (inode, mtime_ns, size) changed."""
        if force or time.monotonic() - self._checked >= RELOAD_INTERVAL_S:
            with self._lock:
                now = time.monotonic()
                if force or now - self._checked >= RELOAD_INTERVAL_S:
                    self._checked = now
                    self._check()
        broken = self._broken
        if broken is not None:
            raise Unavailable(str(broken), code=broken.code)

    def _check(self) -> None:
        try:
            current = _stamp(os.stat(self.path))
        except OSError as exc:
            self._broken = Unavailable(
                f"raw-tier key ring {self.path} cannot be read ({exc}); restore the key file",
                code="store_unavailable",
            )
            return
        if current == self._stamp and self._broken is None:
            return
        try:
            keys, active, stamp = self._read(self.path)
        except Unavailable as exc:
            self._broken = exc
            self._stamp = None  # retried at the next check, even if only the permissions are fixed
            return
        self._state = _State(keys, active, {v: AESGCM(k) for v, k in keys.items()})
        self._stamp = stamp
        self._broken = None

    # -- crypto ----------------------------------------------------------------------------
    def seal(self, plaintext: bytes, associated: bytes = b"") -> Sealed:
        """Seal under the key file's active version (re-checked first, see :meth:`refresh`)."""
        self.refresh()
        state = self._state
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        ciphertext = AESGCM(dek).encrypt(nonce, plaintext, associated)
        return Sealed(state.active, self._wrap(state, dek, state.active), nonce, ciphertext)

    def open(self, sealed: Sealed, associated: bytes = b"") -> bytes:
        self.refresh()
        dek = self.unwrap(sealed.wrapped_dek, sealed.kek_version)
        try:
            return AESGCM(dek).decrypt(sealed.nonce, sealed.ciphertext, associated)
        except InvalidTag:
            raise Unavailable(
                "a raw-tier record failed authentication (altered or wrong key)", code="raw_tier_corrupt"
            ) from None

    def wrap(self, dek: bytes, version: int) -> bytes:
        return self._wrap(self._state, dek, version)

    @staticmethod
    def _wrap(state: _State, dek: bytes, version: int) -> bytes:
        nonce = os.urandom(12)
        return nonce + state.aead[version].encrypt(nonce, dek, b"charter-dek")

    def unwrap(self, wrapped: bytes, version: int) -> bytes:
        aead = self._state.aead.get(version)
        if aead is None:
            raise Unavailable(f"raw-tier key version {version} is not in the key ring", code="raw_tier_key_missing")
        try:
            return aead.decrypt(wrapped[:12], wrapped[12:], b"charter-dek")
        except InvalidTag:
            raise Unavailable("a wrapped data key failed authentication", code="raw_tier_corrupt") from None

    def rotate(self) -> int:
        """Add a new active KEK (the caller re-wraps stored DEKs, then may :meth:`retire` old ones)."""
        with self._lock:
            state = self._state
            version = max(state.keys) + 1
            key = AESGCM.generate_key(bit_length=256)
            self._state = _State({**state.keys, version: key}, version, {**state.aead, version: AESGCM(key)})
            self.save()
        return version

    def retire(self, version: int) -> None:
        with self._lock:
            state = self._state
            if version == state.active:
                raise ValueError("cannot retire the active key")
            keys = {v: k for v, k in state.keys.items() if v != version}
            aead = {v: a for v, a in state.aead.items() if v != version}
            self._state = _State(keys, state.active, aead)
            self.save()


def keyring(rt: Any) -> KeyRing:
    """The runtime's key ring (loaded once per process from settings.effective_raw_key_file; it then
    follows the file, see :meth:`KeyRing.refresh`)."""
    ring: KeyRing = rt.part("keyring", KeyRing, lambda: KeyRing.load(rt.settings.effective_raw_key_file))
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
