"""The fuzz run on PostgreSQL repeats every operation on a second engine: slow, so opt-in with CI."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if Path(str(item.fspath)).parent == HERE and callspec and callspec.params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.slow)
