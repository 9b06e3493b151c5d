"""The raw tier's envelope encryption and key rotation."""

from __future__ import annotations

import time

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


# -- a running process follows the key file (another process rotates it) -------------------------
def _rotate_elsewhere(path):
    """What `charter keys rotate-raw` does to the file from another process: add a key, retire the old."""
    other = KeyRing.load(path)
    old = sorted(other.keys)
    new = other.rotate()
    for version in old:
        other.retire(version)
    return new


def test_running_ring_seals_under_the_rotated_key(tmp_path, monkeypatch):
    from charter.interactions import crypto

    path = tmp_path / "ring.json"
    running = KeyRing.create(path)
    assert running.seal(b"before").kek_version == 1
    new = _rotate_elsewhere(path)
    monkeypatch.setattr(crypto, "RELOAD_INTERVAL_S", 0.0)
    sealed = running.seal(b"after")
    assert sealed.kek_version == new and sorted(running.keys) == [new]
    assert KeyRing.load(path).open(sealed) == b"after"  # readable by a process started now


def test_ring_checks_the_file_at_most_once_a_second(tmp_path):
    path = tmp_path / "ring.json"
    running = KeyRing.load(KeyRing.create(path).path)
    new = _rotate_elsewhere(path)
    assert running.seal(b"x").kek_version == 1  # checked less than a second ago: no stat, no re-read
    time.sleep(1.05)
    assert running.seal(b"x").kek_version == new


def test_running_ring_fails_closed_when_the_file_breaks_and_recovers(tmp_path, monkeypatch):
    from charter.interactions import crypto

    monkeypatch.setattr(crypto, "RELOAD_INTERVAL_S", 0.0)
    path = tmp_path / "ring.json"
    running = KeyRing.create(path)
    sealed = running.seal(b"kept")
    good = path.read_bytes()
    path.write_text("{not json")
    with pytest.raises(Unavailable) as exc:
        running.seal(b"x")  # never carries on with keys that may have been retired
    assert exc.value.code == "store_unavailable"
    with pytest.raises(Unavailable):
        running.open(sealed)
    path.unlink()
    with pytest.raises(Unavailable):
        running.seal(b"x")
    path.write_bytes(good)
    path.chmod(0o600)
    assert running.open(sealed) == b"kept"
    assert running.seal(b"x").kek_version == 1


def test_own_rotation_does_not_trigger_a_reload(tmp_path, monkeypatch):
    from charter.interactions import crypto

    monkeypatch.setattr(crypto, "RELOAD_INTERVAL_S", 0.0)
    path = tmp_path / "ring.json"
    ring = KeyRing.create(path)
    new = ring.rotate()
    ring.retire(1)
    monkeypatch.setattr(KeyRing, "_read", staticmethod(lambda p: pytest.fail("re-read its own write")))
    assert ring.seal(b"x").kek_version == new
