"""Running ``charter`` commands in a test against the same store as the test's running Charter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from charter.cli.main import app
from charter.settings import Settings

__all__ = ["invoke_json", "use_store_of"]

_runner = CliRunner()


def use_store_of(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """Point the commands at ``settings``' data directory, store and outbound allow-list (no embedded model)."""
    monkeypatch.setenv("CHARTER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", json.dumps(settings.outbound_allow))
    if settings.database_url:
        monkeypatch.setenv("CHARTER_DATABASE_URL", settings.database_url)


def invoke_json(*args: str) -> tuple[int, Any]:
    """``charter ARGS --json``: the exit code and the parsed output (its text where it is not JSON)."""
    result = _runner.invoke(app, [*args, "--json"])
    try:
        return result.exit_code, json.loads(result.stdout)
    except ValueError:
        return result.exit_code, result.output
