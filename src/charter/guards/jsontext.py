"""Redaction and pseudonym restoring that keep a JSON text JSON.

A guard finds spans in the raw text of an answer. In JSON mode (``response_format``) and in a
tool call's arguments that text is JSON: a placeholder or a restored value written over the raw
characters can cut an escape sequence in half, and a restored value with a quote, a backslash or a
line break in it ends the string early. Here a change is made only inside string values (keys
included), on the decoded string, which is then encoded again:

* :func:`redact_json` maps each finding to the string literals it overlaps (a finding that spans
  ``Paris", "France`` is two findings, one in each string; the structure between them is left as
  it is), redacts the decoded strings and writes them back JSON-escaped. A finding in a number,
  ``true``, ``false`` or ``null`` cannot be replaced without changing the value's type: the
  answer cannot be redacted in place and the caller cuts it (None).
* :func:`restore_json` puts the vault's values back in place of their tokens, JSON-escaped (a
  token only ever stands inside a string: ``<`` is not JSON outside one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from charter.guards.vault import Span, Vault, redact, restore

__all__ = ["is_json", "redact_json", "restore_json", "string_literals"]

#: A string literal of a valid JSON text (outside strings a valid text has no quote).
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
#: The pieces of a literal's content: a surrogate pair, one escape, or a run of plain characters.
_PIECE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.|[^\\]+")
_STRUCTURE = frozenset(' \t\r\n{}[],:"')


def is_json(text: str) -> bool:
    """Whether ``text`` parses as JSON (any value)."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def string_literals(text: str) -> list[tuple[int, int]]:
    """Offsets of each string literal's content (between its quotes) in a valid JSON text."""
    return [(m.start(1), m.end(1)) for m in _STRING.finditer(text)]


@dataclass(frozen=True, slots=True)
class _Cut:
    type: str
    start: int
    end: int


def _decode(raw: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """A literal's decoded content and its pieces: (raw start, raw end, decoded start, decoded end)."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    pos = 0
    for m in _PIECE.finditer(raw):
        text = m.group()
        decoded = json.loads(f'"{text}"') if text.startswith("\\") else text
        pieces.append((m.start(), m.end(), pos, pos + len(decoded)))
        out.append(decoded)
        pos += len(decoded)
    return "".join(out), pieces


def _decoded_offset(pieces: list[tuple[int, int, int, int]], raw: int, *, end: bool) -> int:
    """Where raw offset ``raw`` falls in the decoded string; inside an escape it widens to the
    whole escape (to its start for a span's start, to its end for a span's end)."""
    for r0, r1, d0, d1 in pieces:
        if r0 <= raw < r1 or (end and raw == r1):
            if r1 - r0 == d1 - d0:  # plain characters: one for one
                return d0 + (raw - r0)
            return d1 if end and raw > r0 else d0
    return pieces[-1][3] if pieces else 0


def redact_json(text: str, spans: Iterable[Span], mode: str = "placeholder", vault: Vault | None = None) -> str | None:
    """``text`` (valid JSON) with ``spans`` redacted inside its string values, still valid JSON;
    None when a span covers a number or a literal (it cannot be redacted there)."""
    vault = vault or Vault()
    literals = string_literals(text)
    inside: dict[int, list[_Cut]] = {}
    for span in spans:
        covered = span.start
        for i, (lo, hi) in enumerate(literals):
            if hi <= span.start or lo >= span.end:
                continue
            if any(ch not in _STRUCTURE for ch in text[covered:max(covered, lo)]):
                return None  # a number, true/false/null before this string
            inside.setdefault(i, []).append(_Cut(span.type, max(lo, span.start), min(hi, span.end)))
            covered = min(hi, span.end)
        if any(ch not in _STRUCTURE for ch in text[covered:span.end]):
            return None
    out: list[str] = []
    pos = 0
    for i in sorted(inside):
        lo, hi = literals[i]
        decoded, pieces = _decode(text[lo:hi])
        cuts = [_Cut(c.type, _decoded_offset(pieces, c.start - lo, end=False),
                     _decoded_offset(pieces, c.end - lo, end=True)) for c in inside[i]]
        out.append(text[pos:lo])
        out.append(_escape(redact(decoded, cuts, mode, vault)))
        pos = hi
    out.append(text[pos:])
    return "".join(out)


def restore_json(text: str, store: Mapping[str, str], masked: bool = False) -> str:
    """Pseudonyms in a JSON text replaced by their values, escaped for the string they stand in;
    ``masked``: identifiers masked (charter.guards.vault.display_mask)."""
    return restore(text, store, masked, _escape)


def _escape(value: Any) -> str:
    return json.dumps(str(value), ensure_ascii=False)[1:-1]
