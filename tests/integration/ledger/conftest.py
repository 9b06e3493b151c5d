"""A ledger with real entries, covered interactions and signed heads, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from charter.ledger.keys import ensure_keys
from charter.runtime import Runtime
from charter.settings import Settings
from tests.integration.ledger.ledgerkit import populate


@pytest.fixture
def ledger_settings(data_dir: Path, database_url: str | None) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        embedded_model="none",
        llama_threads=1,
        ledger_checkpoint_every=4,
    )


@pytest.fixture
def lrt(ledger_settings: Settings) -> Iterator[Runtime]:
    ensure_keys(ledger_settings)
    rt = Runtime.open(ledger_settings)
    try:
        yield rt
    finally:
        rt.close()


@pytest.fixture
def populated(lrt: Runtime) -> dict[str, Any]:
    return populate(lrt)
