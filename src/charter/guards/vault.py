"""Redaction of found spans, and the per-exchange vault that makes pseudonyms reversible.

Modes (a guard's ``mode`` option):

* ``placeholder`` -- ``<PERSON_1>``, numbered per type; the same value gets the same number within
  one exchange. Irreversible: nothing keeps the value.
* ``tag`` -- ``<PERSON>``, unnumbered.
* ``mask`` -- every character that is not a space or separator becomes ``*``.
* ``pseudonymise`` -- ``<PERSON_1>`` as well, but the exchange's vault (``ex.vault``, token to
  value, in memory only) keeps the value so that :meth:`Vault.restore` can put it back into the
  answer for a caller who may see it. The provider never sees the value.

A charter's ``restore: masked`` (the ``pii`` guard's option) gives the caller's identifiers, phone
numbers, e-mail addresses and accounts back masked (:func:`display_mask`: "***-**-6789"), as a counter
clerk reads out only the last digits; names, places, addresses and dates come back as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Literal, Protocol

__all__ = ["MODES", "RESTORE_MODES", "SHOWN_IN_FULL", "Mode", "Vault", "display_mask", "mask_own_values", "redact",
           "restore"]

Mode = Literal["placeholder", "tag", "mask", "pseudonymise"]
MODES: tuple[str, ...] = ("placeholder", "tag", "mask", "pseudonymise")
TOKEN = re.compile(r"<([A-Z][A-Z0-9_]*?)_(\d+)>")
_SEPARATORS = frozenset(" \t\n-./@:()")
#: The ``pii`` guard's ``restore`` option: values back as given (``full``) or identifiers masked (``masked``).
RESTORE_MODES: tuple[str, ...] = ("full", "masked")
#: What ``restore: masked`` still gives back in full: what the answer is about or addresses the caller by, not a
#: number that opens their records.
SHOWN_IN_FULL = frozenset({"PERSON", "LOCATION", "ORGANIZATION", "NRP", "TITLE", "AGE", "DATE_TIME",
                           "STREET_ADDRESS", "ZIP_CODE", "URL"})


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

    def restore(self, text: str, masked: bool = False) -> str:
        """Put the vault's values back in place of their tokens (:func:`restore`)."""
        return restore(text, self.store, masked)


def restore(text: str, store: Mapping[str, str], masked: bool = False,
            written: Callable[[str], str] | None = None) -> str:
    """``text`` with ``store``'s values back in place of their tokens, each as ``written`` puts it (JSON-escaped
    in a JSON answer: charter.guards.jsontext); ``masked``: identifiers masked (:func:`display_mask`) and, where
    the text holds one of the caller's identifiers as written, that masked too (:func:`mask_own_values`)."""
    if not store:
        return text
    if masked:
        text = mask_own_values(text, store)
    if "<" not in text:
        return text

    def value(m: re.Match[str]) -> str:
        found = store.get(m.group(0))
        if found is None:
            return m.group(0)
        shown = display_mask(found) if masked and m.group(1) not in SHOWN_IN_FULL else found
        return shown if written is None else written(shown)

    return TOKEN.sub(value, text)


def display_mask(value: str) -> str:
    """An identifier as shown to its owner: its last four letters or digits (the last two of a value of
    fewer than eight), every other letter and digit ``*``, separators kept ("***-**-6789", "**/****/**4517"); an
    e-mail address its first letter and its domain ("j***@example.org")."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return (local[:1] + "***" if local else "") + "@" + domain
    places = [i for i, ch in enumerate(value) if ch.isalnum()]
    keep = 4 if len(places) >= 8 else 2
    hidden = set(places[:-keep])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def mask_own_values(text: str, store: Mapping[str, str]) -> str:
    """``text`` with each identifier of ``store`` (the caller's own, pseudonymised in the question) masked where
    it appears as written (:func:`display_mask`): an answer that repeats one the model read elsewhere."""
    for token, value in store.items():
        m = TOKEN.fullmatch(token)
        if m is not None and m.group(1) not in SHOWN_IN_FULL and len(value) >= 4 and value in text:
            text = text.replace(value, display_mask(value))
    return text


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
