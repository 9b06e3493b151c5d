"""Provider secrets for tests: an owner-only secrets file where ``charter`` looks by default."""

from __future__ import annotations

from pathlib import Path


def write_secrets(data_dir: Path, toml: str) -> Path:
    """Write ``keys/secrets.toml`` in the data directory (0600), before the runtime opens."""
    keys = data_dir / "keys"
    keys.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = keys / "secrets.toml"
    path.write_text(toml)
    path.chmod(0o600)
    return path
