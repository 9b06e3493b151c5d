"""Settings: environment, optional TOML file, frozen after load, every field documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from charter.settings import Settings, load_settings

DOCS = Path(__file__).resolve().parents[3] / "docs" / "settings.md"


def test_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("CHARTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CHARTER_PORT", "9123")
    monkeypatch.setenv("CHARTER_PLUGINS", '["a", "b"]')
    s = load_settings()
    assert s.data_dir == tmp_path and s.port == 9123 and s.plugins == ["a", "b"]
    assert s.effective_database_url == f"sqlite:///{tmp_path / 'charter.db'}"


def test_settings_file_below_environment(monkeypatch, tmp_path):
    path = tmp_path / "charter.toml"
    path.write_text('port = 7000\nhost = "0.0.0.0"\n')
    monkeypatch.setenv("CHARTER_SETTINGS_FILE", str(path))
    monkeypatch.setenv("CHARTER_PORT", "7001")
    s = load_settings()
    assert (s.host, s.port) == ("0.0.0.0", 7001)


def test_frozen_after_load(tmp_path):
    s = Settings(data_dir=tmp_path)
    with pytest.raises(ValidationError):
        s.port = 1  # type: ignore[misc]


def test_invalid_value_is_refused(monkeypatch):
    monkeypatch.setenv("CHARTER_PORT", "99999")
    with pytest.raises(ValidationError):
        load_settings()


def test_every_setting_is_documented():
    text = DOCS.read_text()
    missing = [name for name in Settings.model_fields if f"CHARTER_{name.upper()}" not in text]
    assert missing == []


def test_redis_url_says_what_uses_redis():
    """Only the rate limiter, the budgets, the health check and the response cache talk to Redis: the
    setting's help and docs/settings.md say exactly that (they claimed Redis shared policy-cache
    invalidations, which nothing did)."""
    src = Path(__file__).resolve().parents[3] / "src" / "charter"
    importer = re.compile(r"^\s*(?:import|from) redis\b", re.M)
    users = sorted(str(path.relative_to(src)) for path in src.rglob("*.py") if importer.search(path.read_text()))
    assert users == ["gateway/cachestore.py", "gateway/ratelimit.py", "monitor/budgets.py", "monitor/health.py"]
    description = Settings.model_fields["redis_url"].description or ""
    assert "rate-limit counters" in description and "invalidation" not in description
    assert "response cache" in description
    assert f"| `CHARTER_REDIS_URL` | `str | None` | `None` | {description} |" in DOCS.read_text()
