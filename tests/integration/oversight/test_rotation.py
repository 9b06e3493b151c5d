"""Rotating the raw-tier key ring keeps oversight's sealed content readable (once re-wrapped)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from charter.cli.main import app
from charter.errors import Unavailable
from charter.interactions.crypto import KeyRing, keyring
from charter.interactions.rotation import rotate_raw_tier
from charter.oversight import claim, show_item
from charter.oversight.rotation import rewrap_oversight
from charter.runtime import Runtime
from charter.store.schema import utcnow
from tests.integration.oversight.test_claims import _held, _world


def _rotate(rt: Runtime) -> tuple[KeyRing, list[int], int]:
    ring = KeyRing.load(rt.settings.effective_raw_key_file)
    old = sorted(ring.keys)
    new = ring.rotate()
    rt.parts["keyring"] = ring
    return ring, old, new


def test_sa3_rotation_rewraps_sealed_review_content(runtime: Runtime) -> None:
    _, uc, people = _world(runtime)
    review_id = _held(runtime, uc, people[0])
    ring, old, new = _rotate(runtime)
    assert rewrap_oversight(runtime, ring, new, batch=1) == 2  # the request and answer version 1
    assert rewrap_oversight(runtime, ring, new) == 0  # idempotent
    for version in old:
        ring.retire(version)
    runtime.writer.write(lambda c: claim(c, people[1], review_id, utcnow()))
    shown = runtime.writer.write(lambda c: show_item(runtime, c, people[1], review_id))
    assert shown["proposed_answer"] == "Sheds under 10 m2 need no permit."


def test_sa3_without_rewrap_retired_keys_lose_the_content(runtime: Runtime) -> None:
    _, uc, people = _world(runtime)
    review_id = _held(runtime, uc, people[0])
    ring, old, _ = _rotate(runtime)
    for version in old:
        ring.retire(version)
    with pytest.raises(Unavailable):
        runtime.writer.write(lambda c: show_item(runtime, c, people[1], review_id))


def test_sa3_rotate_raw_tier_rewraps_oversight_before_retiring(runtime: Runtime) -> None:
    _, uc, people = _world(runtime)
    review_id = _held(runtime, uc, people[0])
    result = rotate_raw_tier(runtime)
    assert result["active"] == 2 and result["retired"] == [1]
    assert result["oversight_rewrapped"] == 2  # the held request and answer version 1
    assert sorted(KeyRing.load(runtime.settings.effective_raw_key_file).keys) == [2]
    runtime.writer.write(lambda c: claim(c, people[1], review_id, utcnow()))
    shown = runtime.writer.write(lambda c: show_item(runtime, c, people[1], review_id))
    assert shown["proposed_answer"] == "Sheds under 10 m2 need no permit."


def test_sa3_cli_rotate_raw_keeps_held_review_readable(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, uc, people = _world(runtime)
    review_id = _held(runtime, uc, people[0])
    settings = runtime.settings
    monkeypatch.setenv("CHARTER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    if settings.database_url:
        monkeypatch.setenv("CHARTER_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(app, ["keys", "rotate-raw", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["retired"] == [1]
    fresh = Runtime.open(settings)  # a replica started after the rotation: only key version 2 exists
    try:
        assert sorted(keyring(fresh).keys) == [2]
        fresh.writer.write(lambda c: claim(c, people[1], review_id, utcnow()))
        shown = fresh.writer.write(lambda c: show_item(fresh, c, people[1], review_id))
    finally:
        fresh.close()
    assert shown["proposed_answer"] == "Sheds under 10 m2 need no permit."
