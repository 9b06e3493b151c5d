"""`charter train dataset build|list|show|export --json` against the same store as a running gateway."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from charter.cli.main import app
from tests.integration.oversight.conftest import BASE_CHARTER
from tests.integration.training.conftest import TRAINABLE, Trainer

runner = CliRunner()


@pytest.fixture
def cli(trainer: Trainer, monkeypatch: pytest.MonkeyPatch) -> Trainer:
    settings = trainer.platform.rt.settings
    monkeypatch.setenv("CHARTER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", json.dumps(settings.outbound_allow))
    if settings.database_url:
        monkeypatch.setenv("CHARTER_DATABASE_URL", settings.database_url)
    return trainer


def run(*args: str) -> tuple[int, Any]:
    result = runner.invoke(app, [*args, "--tenant", "agency", "--json"])
    try:
        return result.exit_code, json.loads(result.stdout)
    except ValueError:
        return result.exit_code, result.output


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
