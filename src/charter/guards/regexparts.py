"""Reading a regular expression's source as text: the guards build fast pre-checks from their own
patterns (injection's unbounded signatures, toxicity's combined phrase scan)."""

from __future__ import annotations

__all__ = ["top_level_branches"]


def top_level_branches(regex: str) -> list[str]:
    """``regex`` split at each ``|`` outside groups and character classes (``ab|c(d|e)`` gives
    ``ab`` and ``c(d|e)``); escapes are skipped, and a ``]`` first in a class (``[]x]``) is in it."""
    branches: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1 + (regex[i + 1:i + 2] == "]")
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(regex[start:i])
            start = i + 1
        i += 1
    branches.append(regex[start:])
    return branches
