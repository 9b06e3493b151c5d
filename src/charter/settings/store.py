"""Settings of the store: where Charter keeps its records, keys and secrets, and how it writes."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator

from charter.settings.section import Section

__all__ = ["StoreSettings"]


class StoreSettings(Section):
    """The data directory, the database, the key files and the writer (part of :class:`~charter.settings.Settings`)."""

    data_dir: Path = Path("charter-data")
    """Directory for the SQLite file, key files and exports. Created on first use."""
    database_url: str | None = None
    """SQLAlchemy URL of the store. Unset: a SQLite file `charter.db` in the data directory. For PostgreSQL:
    `postgresql+psycopg://user@host:5432/db`."""
    raw_key_file: Path | None = None
    """Key ring (JSON) for the encrypted raw tier. Unset: `keys/raw-tier.json` in the data directory, made by
    `charter init`."""
    ledger_key_dir: Path | None = None
    """Directory of the Ed25519 ledger signing keys. Unset: `keys/ledger` in the data directory, made by
    `charter init`."""
    secrets_file: Path | None = None
    """Provider secrets (TOML, owner-only): named credentials, the tenants that may reference them and the hosts
    they may be sent to. Unset: `keys/secrets.toml` in the data directory when it exists, else no secrets."""
    group_commit_max_batch: int = Field(default=256, ge=1)
    """Most writes committed together in one transaction."""
    group_commit_max_wait_ms: float = Field(default=0.0, ge=0.0, le=50.0)
    """How long the writer waits to fill a batch before committing. 0: commit what is queued."""
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    """SQLite `synchronous` pragma. FULL survives power loss; NORMAL only a process crash."""
    ledger_checkpoint_every: int = Field(default=1000, ge=1)
    """Sign a ledger checkpoint after this many new entries."""
    ledger_checkpoint_interval_s: float = Field(default=10.0, gt=0)
    """... or after this many seconds, whichever comes first."""

    @model_validator(mode="after")
    def _absolute_data_dir(self) -> Self:
        if not self.data_dir.is_absolute():
            object.__setattr__(self, "data_dir", self.data_dir.resolve())
        return self

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'charter.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def effective_raw_key_file(self) -> Path:
        return self.raw_key_file or self.data_dir / "keys" / "raw-tier.json"

    @property
    def effective_ledger_key_dir(self) -> Path:
        return self.ledger_key_dir or self.data_dir / "keys" / "ledger"

    @property
    def effective_secrets_file(self) -> Path | None:
        if self.secrets_file is not None:
            return self.secrets_file
        default = self.data_dir / "keys" / "secrets.toml"
        return default if default.exists() else None
