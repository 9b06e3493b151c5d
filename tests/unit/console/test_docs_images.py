"""Every screenshot docs/console.md shows is in the repository (the browser tests take them:
CHARTER_TEST_SCREENSHOTS=docs/console)."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_docs_every_image_of_the_console_page_exists() -> None:
    shown = re.findall(r"!\[[^\]]*\]\((console/[^)]+\.png)\)", (DOCS / "console.md").read_text(encoding="utf-8"))
    assert len(shown) >= 20
    missing = [name for name in shown if not (DOCS / name).is_file()]
    assert missing == [], f"docs/console.md shows images that are not in docs/console/: {missing}"
