"""A feature nobody can find in the docs is not done: every charter field and every error code is documented."""

from __future__ import annotations

import re
from pathlib import Path

from charter.domain import Charter

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_every_charter_field_is_documented_with_an_example():
    text = (DOCS / "charter.md").read_text()
    missing = [name for name in Charter.model_fields if f"| `{name}` |" not in text]
    assert missing == []


def test_every_error_code_in_the_error_tree_is_documented():
    import charter.errors

    tree = charter.errors.__doc__ or ""
    codes = set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", tree.split("The tree")[1]))
    api = (DOCS / "api.md").read_text()
    assert codes and sorted(c for c in codes if f"`{c}`" not in api) == []


def test_every_error_code_raised_in_the_source_is_in_the_tree():
    import charter.errors

    tree = (charter.errors.__doc__ or "").split("The tree")[1]
    src = Path(charter.errors.__file__).resolve().parent
    raised: set[str] = set()
    for path in src.rglob("*.py"):
        raised |= set(re.findall(r'(?:\bcode=|default_code = )"([a-z]+(?:_[a-z]+)*)"', path.read_text()))
    assert raised, "the scan found no error codes at all"
    assert sorted(c for c in raised if not re.search(rf"\b{c}\b", tree)) == []
