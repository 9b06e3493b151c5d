"""Redaction of found spans, and the per-exchange vault that makes pseudonyms reversible.

Modes (a guard's ``mode`` option):

* ``placeholder`` -- ``<PERSON_1>``, numbered per type; the same value gets the same number within
  one exchange. Irreversible: nothing keeps the value.
* ``tag`` -- ``<PERSON>``, unnumbered.
* ``mask`` -- every character that is not a space or separator becomes ``*``.
* ``pseudonymise`` -- ``<PERSON_1>`` as well, but the exchange's vault (``ex.vault``, token to
  value, in memory only) keeps the value so that :meth:`Vault.restore` can put it back into the
  answer for a caller who may see it. The provider never sees the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, MutableMapping
from typing import Literal, Protocol

__all__ = ["MODES", "Mode", "Vault", "redact"]

Mode = Literal["placeholder", "tag", "mask", "pseudonymise"]
MODES: tuple[str, ...] = ("placeholder", "tag", "mask", "pseudonymise")
TOKEN = re.compile(r"<([A-Z][A-Z0-9_]*?)_(\d+)>")
_SEPARATORS = frozenset(" \t\n-./@:()")


class Span(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class Vault:
    """Numbered tokens for values within one exchange. With ``keep=True`` (pseudonymise) the values
    live in ``store`` (``ex.vault``) so they can be restored; otherwise only their numbers do."""

    def __init__(self, store: MutableMapping[str, str] | None = None, *, keep: bool = False) -> None:
        self.store: MutableMapping[str, str] = store if store is not None else {}
        self.keep = keep
        self._numbers: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}
        for token in self.store:
            m = TOKEN.fullmatch(token)
            if m:
                self._counts[m.group(1)] = max(self._counts.get(m.group(1), 0), int(m.group(2)))
                self._numbers[(m.group(1), _key(self.store[token]))] = token

    def token(self, kind: str, value: str) -> str:
        key = (kind, _key(value))
        token = self._numbers.get(key)
        if token is None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            token = f"<{kind}_{self._counts[kind]}>"
            self._numbers[key] = token
            if self.keep:
                self.store[token] = value
        return token

    def restore(self, text: str) -> str:
        """Put the vault's values back in place of their tokens."""
        if not self.store or "<" not in text:
            return text
        return TOKEN.sub(lambda m: self.store.get(m.group(0), m.group(0)), text)


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


def _mask(value: str) -> str:
    return "".join(ch if ch in _SEPARATORS else "*" for ch in value)


def redact(text: str, spans: Iterable[Span], mode: str = "placeholder", vault: Vault | None = None) -> str:
    """Replace each span (offsets into ``text``; overlapping spans are merged into the first)."""
    vault = vault or Vault()
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < pos or span.end <= span.start:
            continue
        value = text[span.start:span.end]
        out.append(text[pos:span.start])
        if mode == "mask":
            out.append(_mask(value))
        elif mode == "tag":
            out.append(f"<{span.type}>")
        else:
            out.append(vault.token(span.type, value))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
