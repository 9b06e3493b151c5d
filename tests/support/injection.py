"""Where a text reaches the injection guard (a caller's turn, a document read as data, an operator's
prompt) and the text as the guard's rules read it, for the injection tests."""

from __future__ import annotations

from charter.guards.base import GuardContext
from charter.guards.normalize import deleet, normalize

DATA = GuardContext(role="tool", source="data")
USER = GuardContext()
OPERATOR = GuardContext(role="system", source="operator")


def rule_view(text: str) -> str:
    """The text as the guard's rules read it: normalised, leetspeak undone."""
    return deleet(normalize(text).text)
