"""The guards' one reader of a regex's top-level alternation (issue 11: injection and toxicity each
had their own copy)."""

from __future__ import annotations

import pytest

from charter.guards.regexparts import top_level_branches


@pytest.mark.parametrize(
    ("regex", "branches"),
    [
        ("abc", ["abc"]),
        ("ab|cd", ["ab", "cd"]),
        (r"\bab|c(d|e)|f", [r"\bab", "c(d|e)", "f"]),
        (r"a[|]b|c", ["a[|]b", "c"]),
        (r"a\|b|c", [r"a\|b", "c"]),
        ("[]|]x|y", ["[]|]x", "y"]),
        ("(?:a|b)c", ["(?:a|b)c"]),
        ("a|", ["a", ""]),
    ],
)
def test_top_level_branches(regex: str, branches: list[str]) -> None:
    assert top_level_branches(regex) == branches
