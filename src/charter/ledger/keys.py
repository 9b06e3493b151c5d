"""The checkpoint signing keys: Ed25519, made at ``charter init``, rotatable.

Layout of ``settings.effective_ledger_key_dir``::

    current            the key id that signs new checkpoints
    <key id>.key       private key (PKCS#8 PEM, mode 0600); a retired key's may be deleted
    <key id>.pub       public key (PEM); kept forever so old heads still verify

The directory (and any parent Charter creates for it) is 0700, every file in it 0600.

The verifier trusts the public keys in this directory (or the ones an auditor names), never keys
read from the database: an insider who can write rows cannot add a key.
Replicas that share a database must share this directory (or a copy of its files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from charter.errors import Unavailable
from charter.files import private_dir, write_private
from charter.ledger.note import key_id, load_public_pem, public_pem
from charter.settings import Settings

__all__ = ["KeyRing", "ensure_keys", "load_keyring", "rotate_key"]


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    signer: Ed25519PrivateKey
    public: dict[str, Ed25519PublicKey]

    def public_pems(self) -> dict[str, str]:
        return {kid: public_pem(key) for kid, key in sorted(self.public.items())}


def _write_new_key(directory: Path) -> str:
    private = Ed25519PrivateKey.generate()
    kid = key_id(private.public_key())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(directory / f"{kid}.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    write_private(directory / f"{kid}.pub", public_pem(private.public_key()))
    tmp = directory / "current.tmp"
    write_private(tmp, kid + "\n")
    tmp.replace(directory / "current")
    return kid


def ensure_keys(settings: Settings) -> str:
    """Make the first signing key if there is none; return the current key id. Idempotent."""
    directory = settings.effective_ledger_key_dir
    private_dir(directory)
    current = directory / "current"
    if current.exists():
        return current.read_text().strip()
    return _write_new_key(directory)


def rotate_key(settings: Settings, *, delete_old_private: bool = False) -> str:
    """Make a new signing key and make it current. Old public keys stay, so old heads verify."""
    directory = settings.effective_ledger_key_dir
    old = ensure_keys(settings)
    new = _write_new_key(directory)
    if delete_old_private:
        (directory / f"{old}.key").unlink(missing_ok=True)
    return new


def load_public_keys(directory: Path) -> dict[str, Ed25519PublicKey]:
    keys = {}
    for path in sorted(directory.glob("*.pub")):
        public = load_public_pem(path.read_bytes())
        keys[key_id(public)] = public  # the id comes from the key, not from the file name
    return keys


def load_keyring(settings: Settings) -> KeyRing:
    directory = settings.effective_ledger_key_dir
    current = directory / "current"
    if not current.exists():
        raise Unavailable(f"no ledger signing key in {directory}: run `charter init`", code="ledger_unavailable")
    kid = current.read_text().strip()
    private = serialization.load_pem_private_key((directory / f"{kid}.key").read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey) or key_id(private.public_key()) != kid:
        raise Unavailable(f"the ledger key {kid} in {directory} is not the key it names", code="ledger_unavailable")
    return KeyRing(current_id=kid, signer=private, public=load_public_keys(directory))
