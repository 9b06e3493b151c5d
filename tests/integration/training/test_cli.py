"""`charter train dataset build|list|show|export --json` against the same store as a running gateway."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.oversight.conftest import BASE_CHARTER
from tests.integration.training.conftest import TRAINABLE, Trainer
from tests.support.cli import invoke_json, use_store_of


@pytest.fixture
def cli(trainer: Trainer, monkeypatch: pytest.MonkeyPatch) -> Trainer:
    use_store_of(monkeypatch, trainer.platform.rt.settings)
    return trainer


def run(*args: str) -> tuple[int, Any]:
    return invoke_json(*args, "--tenant", "agency")


def test_dp7_cli_builds_lists_shows_and_exports_a_dataset(cli: Trainer, tmp_path: Path) -> None:
    cli.charter("review: {always: true}\n")
    cli.decide(cli.ask_with("When is the filing deadline?", "April 30."), "approve")
    code, refused = run("train", "dataset", "build", "--use-case", "tax-helpdesk")
    assert code == 1 and refused["error"]["code"] == "training_not_allowed"
    cli.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    code, built = run("train", "dataset", "build", "--use-case", "tax-helpdesk", "--kind", "sft")
    assert code == 0 and (built["examples"], built["version"], built["created"]) == (1, 1, True)
    code, listed = run("train", "dataset", "list")
    assert code == 0 and [d["id"] for d in listed] == [built["id"]]
    code, shown = run("train", "dataset", "show", built["id"])
    assert code == 0 and shown["lineage"][0]["source"] == "review-approved"
    out = tmp_path / "sft.jsonl"
    code, exported = run("train", "dataset", "export", built["id"], "--out", str(out))
    assert code == 0 and exported["sha256_now"] == built["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert json.loads(out.read_text())["messages"][-1] == {"role": "assistant", "content": "April 30."}
