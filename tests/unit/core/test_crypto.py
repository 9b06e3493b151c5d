"""The raw tier's envelope encryption and key rotation."""

from __future__ import annotations

import pytest

from charter.errors import Unavailable
from charter.interactions.crypto import KeyRing


def test_seal_and_open_round_trip(tmp_path):
    ring = KeyRing.create(tmp_path / "ring.json")
    sealed = ring.seal(b"personal data", b"int_1")
    assert b"personal data" not in sealed.ciphertext
    assert ring.open(sealed, b"int_1") == b"personal data"


def test_associated_data_binds_record_to_its_id(tmp_path):
    ring = KeyRing.create(tmp_path / "ring.json")
    sealed = ring.seal(b"x", b"int_1")
    with pytest.raises(Unavailable):
        ring.open(sealed, b"int_2")


def test_rotation_rewraps_and_old_key_can_be_retired(tmp_path):
    path = tmp_path / "ring.json"
    ring = KeyRing.create(path)
    sealed = ring.seal(b"before rotation")
    new = ring.rotate()
    dek = ring.unwrap(sealed.wrapped_dek, sealed.kek_version)
    rewrapped = type(sealed)(new, ring.wrap(dek, new), sealed.nonce, sealed.ciphertext)
    ring.retire(sealed.kek_version)
    reloaded = KeyRing.load(path)
    assert reloaded.open(rewrapped) == b"before rotation"
    with pytest.raises(Unavailable):
        reloaded.open(sealed)  # the retired key is gone


def test_key_file_is_private(tmp_path):
    path = tmp_path / "ring.json"
    KeyRing.create(path)
    assert path.stat().st_mode & 0o077 == 0


def test_broken_key_file_fails_closed(tmp_path):
    path = tmp_path / "ring.json"
    path.write_text("{not json")
    with pytest.raises(Unavailable):
        KeyRing.load(path)
